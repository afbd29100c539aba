"""Content-addressed storage: deduplicated by SHA-256, type sniffed from the content, size limit, clear
Vietnamese errors."""

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import ApplicationError
from motcua.dossiers import storage
from motcua.dossiers.models import StoredFile
from motcua.dossiers.storage import open_file, sniff, store_file

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
TIFF = b"II*\x00" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml"
XLSX = b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (TIFF, "image/tiff"),
        (DOCX, storage.DOCX),
        (XLSX, storage.XLSX),
        (b"PK\x03\x04" + b"\x00" * 40, None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"MZ\x90\x00", None),
    ],
)
def test_sniffing(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_the_same_content_is_stored_once(db: Any, tmp_path: Path) -> None:
    first = store_file(content=PDF, filename="don.pdf", content_type="application/pdf")
    second = store_file(content=io.BytesIO(PDF), filename="ban-sao.pdf")
    assert first.pk == second.pk
    digest = hashlib.sha256(PDF).hexdigest()
    assert (first.sha256, first.size, first.content_type, first.name) == (
        digest,
        len(PDF),
        "application/pdf",
        f"files/{digest[:2]}/{digest[2:4]}/{digest}",
    )
    assert StoredFile.objects.count() == 1
    with open_file(first) as stored:
        assert stored.read() == PDF
    assert sorted(path.name for path in (tmp_path / "files").rglob("*") if path.is_file()) == [digest]


@pytest.mark.parametrize(
    ("content", "claimed", "message"),
    [
        (b"", "", "don.pdf: Tệp rỗng; hãy chọn lại tệp."),
        (
            b"<html><script>alert(1)</script></html>",
            "application/pdf",
            "don.pdf: Gửi bản quét PDF, JPEG, PNG hoặc TIFF, hoặc tệp Word, Excel.",
        ),
        (
            PNG,
            "application/pdf",
            "don.pdf: Tệp được gửi với kiểu application/pdf nhưng nội dung thực tế là image/png.",
        ),
    ],
)
def test_bad_files_are_refused_clearly(
    db: Any, tmp_path: Path, content: bytes, claimed: str, message: str
) -> None:
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        store_file(content=content, filename="don.pdf", content_type=claimed)
    assert caught.value.code == "invalid_file"
    with translation.override("vi"):
        assert {key: str(value) for key, value in caught.value.fields.items()} == {"file": message}
    assert StoredFile.objects.count() == 0
    assert [path for path in (tmp_path / "files").rglob("*") if path.is_file()] == []


def test_aliases_and_neutral_claims_are_accepted(db: Any) -> None:
    assert store_file(content=JPEG, filename="a.jpg", content_type="image/jpg").content_type == "image/jpeg"
    assert (
        store_file(content=PNG, filename="a.png", content_type="application/octet-stream").content_type
        == "image/png"
    )


def test_the_size_limit(db: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(storage, "MAX_BYTES", 64)
    monkeypatch.setattr(storage, "CHUNK", 16)
    assert store_file(content=PDF + b"x" * (64 - len(PDF)), filename="ok.pdf").size == 64
    with translation.override("vi"), pytest.raises(ApplicationError) as caught:
        store_file(content=PDF + b"x" * (65 - len(PDF)), filename="lon.pdf")
    with translation.override("vi"):
        assert str(caught.value.fields["file"]) == "lon.pdf: Tệp lớn hơn 0 MB; hãy tách nhỏ hoặc nén tệp."
    assert StoredFile.objects.count() == 1
    assert len([path for path in (tmp_path / "files").rglob("*") if path.is_file()]) == 1
