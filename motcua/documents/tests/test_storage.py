"""Storage: types sniffed from the content, limits per type, files that must open, S3 through moto."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from motcua.core.errors import ApplicationError
from motcua.documents import storage
from motcua.documents.tests.conftest import pdf_bytes, png_bytes
from motcua.dossiers import storage as dossier_storage
from motcua.dossiers.models import StoredFile

pytestmark = pytest.mark.django_db

UNKNOWN = (
    "Tệp này không phải tài liệu PDF, JPEG, PNG, TIFF hoặc Word (DOCX); hãy quét lại giấy tờ hoặc gửi tệp "
    "thuộc một trong các định dạng này."
)


@pytest.mark.parametrize(
    "header", [b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200]
)
def test_a_renamed_executable_is_refused_in_vietnamese(header: bytes) -> None:
    with pytest.raises(ApplicationError) as caught:
        storage.store_document(content=header, filename="giay-khai-sinh.pdf")

    assert caught.value.code == "invalid_file"
    assert caught.value.message == UNKNOWN
    assert caught.value.fields == {"file": f"giay-khai-sinh.pdf: {UNKNOWN}"}
    assert StoredFile.objects.count() == 0


def test_an_oversize_image_is_refused_with_its_limit() -> None:
    oversize = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 2**20)

    with pytest.raises(ApplicationError) as caught:
        storage.store_document(content=oversize, filename="anh.jpg")

    assert caught.value.message == "Tệp JPEG lớn hơn 10 MB; hãy tách nhỏ hoặc nén tệp."
    assert StoredFile.objects.count() == 0


def test_a_pdf_that_does_not_open_and_an_image_whose_header_lies_are_refused() -> None:
    with pytest.raises(ApplicationError) as pdf_error:
        storage.store_document(content=b"%PDF-1.4\nnot really a pdf", filename="hong.pdf")
    with pytest.raises(ApplicationError) as png_error:
        storage.store_document(content=b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, filename="hong.png")

    assert pdf_error.value.message == (
        "Tệp có vẻ là PDF nhưng không mở được; tệp đã bị hỏng, hãy quét hoặc xuất lại."
    )
    assert png_error.value.message == (
        "Tệp có vẻ là PNG nhưng không mở được; tệp đã bị hỏng, hãy quét hoặc xuất lại."
    )


def test_the_page_count_is_kept_and_the_same_bytes_are_stored_once() -> None:
    content = pdf_bytes(pages=3)

    first, checked = storage.store_document(content=content, filename="a.pdf")
    second, _again = storage.store_document(content=content, filename="b.pdf")
    image, image_checked = storage.store_document(content=png_bytes(), filename="c.png")

    assert checked == storage.Checked(content_type="application/pdf", page_count=3)
    assert first.pk == second.pk
    assert StoredFile.objects.count() == 2
    assert image_checked == storage.Checked(content_type="image/png", page_count=1)
    assert storage.read_document(first) == content
    assert image.backend == "local"


def test_a_local_signed_url_serves_the_file_and_refuses_a_forged_or_expired_token(client: Any) -> None:
    stored, _checked = storage.store_document(content=pdf_bytes(), filename="kq.pdf")
    url = storage.signed_url(stored, filename="ket-qua.pdf")

    response = client.get(url)
    forged = client.get(url[:-3] + "abc/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == storage.read_document(stored)
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua.pdf"'
    assert forged.status_code == 404
    with override_settings(DOCUMENTS={**_documents(), "SIGNED_URL_SECONDS": -1}):
        assert client.get(url).status_code == 404


def _documents() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DOCUMENTS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_documents_go_to_an_s3_compatible_server_and_come_back(s3_server: str) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket="motcua-docs")
    conf = {
        **_documents(),
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "motcua-docs",
        "S3_ENDPOINT_URL": s3_server,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1",
    }
    content = pdf_bytes(pages=2)
    storage.reset_storage_cache()
    try:
        with override_settings(DOCUMENTS=conf):
            stored, checked = storage.store_document(content=content, filename="kq.pdf")
            again, _checked = storage.store_document(content=content, filename="kq2.pdf")
            url = storage.signed_url(stored)
            read_back = storage.read_document(stored)
            with dossier_storage.open_file(stored) as handle:  # what the dossier downloads read
                opened = handle.read()
    finally:
        storage.reset_storage_cache()

    listed = client.list_objects_v2(Bucket="motcua-docs")["Contents"]
    assert [item["Key"] for item in listed] == [stored.name]
    assert stored.name == f"files/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    assert (stored.backend, again.pk, checked.page_count) == ("s3", stored.pk, 2)
    assert read_back == opened == content
    assert url.startswith(f"{s3_server}/motcua-docs/{stored.name}?")
    expires = int(url.rsplit("Expires=", 1)[1].split("&")[0])
    assert 295 <= expires - time.time() <= 300
    import urllib.request

    with urllib.request.urlopen(url) as response:
        assert response.read() == content


def _zip(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def test_a_word_document_is_accepted_and_a_spreadsheet_is_not() -> None:
    docx = _zip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"})
    xlsx = _zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"})

    _stored, checked = storage.store_document(content=docx, filename="don.docx")
    with pytest.raises(ApplicationError) as caught:
        storage.store_document(content=xlsx, filename="bang.xlsx")

    assert checked == storage.Checked(
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document", page_count=1
    )
    assert caught.value.message == UNKNOWN
