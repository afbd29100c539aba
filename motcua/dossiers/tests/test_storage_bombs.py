"""A PDF whose compressed streams expand far beyond its size (a decompression bomb) is refused before it is
stored; ordinary compressed PDFs pass."""

import zlib
from pathlib import Path
from typing import Any

import pytest

from motcua.core.errors import ApplicationError
from motcua.dossiers import storage
from motcua.dossiers.models import StoredFile
from motcua.dossiers.storage import inflates_beyond, store_file

pytestmark = pytest.mark.django_db


def _pdf_with_stream(expanded: bytes) -> bytes:
    packed = zlib.compress(expanded, 9)
    return (
        b"%%PDF-1.7\n4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_inflated_size_is_measured_up_to_the_budget() -> None:
    bomb = _pdf_with_stream(bytes(4 * 2**20))

    assert len(bomb) < 10_000
    assert inflates_beyond(bomb, 4 * 2**20 - 1) is True
    assert inflates_beyond(bomb, 4 * 2**20) is False
    # A JPEG stream or plain text is not zlib: nothing to measure.
    assert inflates_beyond(b"%PDF-1.7\nstream\n\xff\xd8\xff\xe0 not zlib\nendstream\n", 0) is False


def test_a_decompression_bomb_is_refused_and_nothing_is_stored(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(storage, "INFLATION_FLOOR", 2**20)
    bomb = _pdf_with_stream(bytes(4 * 2**20))

    # Found by the upload tests (tests/fuzz): a 1 MB PDF inflating to 1 GiB was stored as a document.
    with pytest.raises(ApplicationError) as refused:
        store_file(content=bomb, filename="bom.pdf")

    message = "Tệp PDF bung ra nhiều dữ liệu hơn hẳn mức một tài liệu cỡ này có; hãy xuất hoặc quét lại."
    assert (refused.value.code, refused.value.fields) == ("invalid_file", {"file": f"bom.pdf: {message}"})
    assert StoredFile.objects.count() == 0
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


def test_a_compressed_pdf_within_the_budget_is_stored(monkeypatch: Any) -> None:
    monkeypatch.setattr(storage, "INFLATION_FLOOR", 2**20)
    ordinary = _pdf_with_stream(b"BT /F1 12 Tf 100 700 Td (Giay khai sinh) Tj ET\n" * 1000)

    stored = store_file(content=ordinary, filename="to-khai.pdf")

    assert (stored.content_type, stored.size) == ("application/pdf", len(ordinary))
