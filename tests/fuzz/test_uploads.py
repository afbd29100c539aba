"""Hostile uploads on both upload endpoints: `POST /api/v1/dossiers/uploads` (anyone signed in) and
`POST /api/v1/documents/dossiers/{id}/digitise` (the intake officer). Each is refused with a 4xx JSON
problem in Vietnamese, and nothing is stored: no `StoredFile` row, no file under MEDIA_ROOT, nothing
written beside it. Path tricks in names are neutralised: Django keeps only the last path segment and drops
unprintable characters before the API sees the name, and files are stored under their SHA-256, never
under the name the client gave.

Run: .venv/bin/python -m pytest -p no:cacheprovider -n 0 tests/fuzz/test_uploads.py
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.documents.models import DigitisedDocument
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.models import Dossier, DossierComponent, StoredFile
from motcua.dossiers.tests.api_support import token_for
from motcua.dossiers.tests.helpers import World, at, counter_received

from . import hostile_files

UPLOADS = "/api/v1/dossiers/uploads"
NOT_A_DOCUMENT = (
    "Tệp này không phải tài liệu PDF, JPEG, PNG, TIFF hoặc Word (DOCX); "
    "hãy quét lại giấy tờ hoặc gửi tệp thuộc một trong các định dạng này."
)
DAMAGED_PDF = "Tệp có vẻ là PDF nhưng không mở được; tệp đã bị hỏng, hãy quét hoặc xuất lại."
NOT_ACCEPTED = "Gửi bản quét PDF, JPEG, PNG hoặc TIFF, hoặc tệp Word, Excel."


def _files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def storage_watch() -> Any:
    """What is on disk beside and under MEDIA_ROOT before the test; `unchanged()` compares with now."""
    around = Path(settings.MEDIA_ROOT).parent
    before = _files_under(around)

    class Watch:
        def __init__(self) -> None:
            self.rows = StoredFile.objects.count()

        def new_rows(self) -> int:
            return StoredFile.objects.count() - self.rows

        def new_files(self) -> set[Path]:
            return _files_under(around) - before

    return Watch()


@pytest.fixture
def dossier(world: World, documented: Procedure) -> Dossier:
    return counter_received(world, documented, when=at(7, 9))


def _multipart(fields: dict[str, str], filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart body written byte by byte, so that the name goes out exactly as given."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _upload(user: Any, content: bytes, *, filename: str, content_type: str) -> Any:
    body, kind = _multipart({}, filename, content, content_type)
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    return Client().generic("POST", UPLOADS, body, content_type=kind, headers=headers)


def _digitise(world: World, dossier: Dossier, content: bytes, *, filename: str, content_type: str) -> Any:
    document = RequiredDocument.objects.get(version=dossier.procedure.latest_version, document_type="GKS")
    body, kind = _multipart({"required_document": str(document.pk)}, filename, content, content_type)
    headers = {"Authorization": f"Bearer {token_for(world.intake_a)}"}
    path = f"/api/v1/documents/dossiers/{dossier.public_id}/digitise"
    return Client().generic("POST", path, body, content_type=kind, headers=headers)


def _nothing_stored(storage_watch: Any, dossier: Dossier | None = None) -> None:
    assert (storage_watch.new_rows(), storage_watch.new_files()) == (0, set())
    if dossier is not None:
        assert DigitisedDocument.objects.count() == 0


# --- wrong types, empty files -------------------------------------------------------------------------------

WRONG_TYPES = [
    pytest.param(hostile_files.windows_executable(), "hoa-don.pdf", "application/pdf", id="exe-renamed-pdf"),
    pytest.param(hostile_files.html_page(), "to-khai.pdf", "application/pdf", id="html-as-pdf"),
    pytest.param(b"#!/bin/sh\nrm -rf /\n", "scan.pdf", "application/octet-stream", id="shell-script"),
]


@pytest.mark.parametrize(("content", "filename", "content_type"), WRONG_TYPES)
def test_the_upload_refuses_what_is_not_a_document(
    world: World, storage_watch: Any, content: bytes, filename: str, content_type: str
) -> None:
    response = _upload(world.citizen, content, filename=filename, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": NOT_ACCEPTED,
        "fields": {"file": f"{filename}: {NOT_ACCEPTED}"},
    }
    _nothing_stored(storage_watch)


@pytest.mark.parametrize(("content", "filename", "content_type"), WRONG_TYPES)
def test_digitisation_refuses_what_is_not_a_document(
    world: World, dossier: Dossier, storage_watch: Any, content: bytes, filename: str, content_type: str
) -> None:
    response = _digitise(world, dossier, content, filename=filename, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": NOT_A_DOCUMENT,
        "fields": {"file": f"{filename}: {NOT_A_DOCUMENT}"},
    }
    _nothing_stored(storage_watch, dossier)


def test_a_pdf_claimed_as_an_image_is_refused(world: World, storage_watch: Any) -> None:
    response = _upload(world.citizen, pdf_bytes(pages=1), filename="anh.png", content_type="image/png")

    message = "Tệp được gửi với kiểu image/png nhưng nội dung thực tế là application/pdf."
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": message,
        "fields": {"file": f"anh.png: {message}"},
    }
    _nothing_stored(storage_watch)


def test_an_empty_file_is_refused_by_both_endpoints(
    world: World, dossier: Dossier, storage_watch: Any
) -> None:
    uploaded = _upload(world.citizen, b"", filename="rong.pdf", content_type="application/pdf")
    digitised = _digitise(world, dossier, b"", filename="rong.pdf", content_type="application/pdf")

    empty = "Tệp rỗng; hãy chọn lại tệp."
    assert [(uploaded.status_code, uploaded.json()), (digitised.status_code, digitised.json())] == [
        (400, {"code": "invalid_file", "message": empty, "fields": {"file": f"rong.pdf: {empty}"}}),
        (400, {"code": "invalid_file", "message": empty, "fields": {"file": f"rong.pdf: {empty}"}}),
    ]
    _nothing_stored(storage_watch, dossier)


# --- PDF bombs ---------------------------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_at_digitisation(
    world: World, dossier: Dossier, storage_watch: Any
) -> None:
    # 1 MB on the wire, one page whose content stream inflates to 1 GiB.
    bomb = hostile_files.decompression_bomb()

    response = _digitise(world, dossier, bomb, filename="bom.pdf", content_type="application/pdf")

    message = "Tệp PDF bung ra nhiều dữ liệu hơn hẳn mức một tài liệu cỡ này có; hãy xuất hoặc quét lại."
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": message,
        "fields": {"file": f"bom.pdf: {message}"},
    }
    _nothing_stored(storage_watch, dossier)


def test_a_decompression_bomb_is_refused_at_upload(world: World, storage_watch: Any) -> None:
    response = _upload(
        world.citizen, hostile_files.decompression_bomb(), filename="bom.pdf", content_type="application/pdf"
    )

    message = "Tệp PDF bung ra nhiều dữ liệu hơn hẳn mức một tài liệu cỡ này có; hãy xuất hoặc quét lại."
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": message,
        "fields": {"file": f"bom.pdf: {message}"},
    }
    _nothing_stored(storage_watch)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(hostile_files.cyclic_page_tree, id="cyclic-page-tree"),
        pytest.param(lambda: hostile_files.deep_arrays(200_000), id="arrays-nested-200000-deep"),
        pytest.param(lambda: hostile_files.million_pages(150_000), id="150000-pages"),
        pytest.param(lambda: hostile_files.deep_page_tree(3_000), id="page-tree-3000-deep"),
        pytest.param(hostile_files.lying_encrypted_count, id="encrypted-with-a-lying-count"),
    ],
)
def test_a_pdf_built_to_break_the_parser_is_refused_at_digitisation(
    world: World, dossier: Dossier, storage_watch: Any, build: Any
) -> None:
    response = _digitise(world, dossier, build(), filename="bom.pdf", content_type="application/pdf")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_file",
        "message": DAMAGED_PDF,
        "fields": {"file": f"bom.pdf: {DAMAGED_PDF}"},
    }
    _nothing_stored(storage_watch, dossier)


# --- names ------------------------------------------------------------------------------------------------

NAMES = [
    pytest.param("../../etc/passwd", "passwd", id="parent-directories"),
    pytest.param("/etc/cron.d/motcua", "motcua", id="absolute-path"),
    pytest.param("..\\..\\windows\\system32\\to-khai.pdf", "to-khai.pdf", id="windows-path"),
    pytest.param("to-khai\x00.exe", "to-khai.exe", id="nul-byte"),
    pytest.param("hoa-don\u202efdp.exe", "hoa-donfdp.exe", id="right-to-left-override"),
    pytest.param("x" * 300 + ".pdf", "x" * 251 + ".pdf", id="300-characters"),
]


@pytest.mark.parametrize(("sent", "kept"), NAMES)
def test_a_path_trick_in_a_name_only_names_the_file_stored_by_its_hash(
    world: World, storage_watch: Any, sent: str, kept: str
) -> None:
    content = pdf_bytes(pages=1)

    response = _upload(world.citizen, content, filename=sent, content_type="application/pdf")

    assert response.status_code == 201, response.json()
    assert response.json()["filename"] == kept
    stored = StoredFile.objects.get(sha256=response.json()["sha256"])
    assert storage_watch.new_files() == {Path(settings.MEDIA_ROOT) / stored.name}
    assert stored.name == f"files/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"


@pytest.mark.parametrize(("sent", "kept"), NAMES)
def test_a_path_trick_in_a_name_at_digitisation_is_only_a_label(
    world: World, dossier: Dossier, storage_watch: Any, sent: str, kept: str
) -> None:
    response = _digitise(world, dossier, pdf_bytes(pages=1), filename=sent, content_type="application/pdf")

    assert response.status_code == 201, response.json()
    component = DossierComponent.objects.get(dossier=dossier, position=response.json()["position"])
    assert component.filename == kept
    assert storage_watch.new_files() == {Path(settings.MEDIA_ROOT) / component.file.name}


def test_a_name_longer_than_a_multipart_header_may_be_is_a_400_problem(
    world: World, storage_watch: Any
) -> None:
    # Django refuses a part header over 1,024 bytes before the API sees the name.
    response = _upload(
        world.citizen, pdf_bytes(pages=1), filename="x" * 1000 + ".pdf", content_type="application/pdf"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "Yêu cầu không đúng định dạng.",
        "fields": {},
    }
    _nothing_stored(storage_watch)


# --- size -------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(world: World, storage_watch: Any) -> None:
    # In-process: the declared length alone decides; the view never runs.
    response = Client().generic(
        "POST",
        UPLOADS,
        b"x" * 1024,
        content_type="multipart/form-data; boundary=b",
        headers={"Authorization": f"Bearer {token_for(world.citizen)}"},
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )

    message = "Yêu cầu lớn hơn 21 MB; hãy gửi tệp nhỏ hơn hoặc tách tệp."
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": message, "fields": {}}
    _nothing_stored(storage_watch)


@pytest.mark.django_db(transaction=True)
def test_a_2_gib_upload_over_http_is_answered_after_its_first_kilobytes(
    live_server: Any, storage_watch: Any
) -> None:
    """A real server and socket: the client declares 2 GiB, sends 64 KiB and waits. The 413 comes at
    once, without the server waiting for (or spooling) the rest."""
    from motcua.dossiers.tests.helpers import build_world

    citizen = build_world().citizen
    address = urlsplit(live_server.url)
    boundary = "b" * 16
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ).encode()
    request = (
        f"POST {UPLOADS} HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: Bearer {token_for(citizen)}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {2 * 2**30}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request + head + b"\x00" * (64 * 1024))
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(body) == {
        "code": "too_large",
        "message": "Yêu cầu lớn hơn 21 MB; hãy gửi tệp nhỏ hơn hoặc tách tệp.",
        "fields": {},
    }
    assert (storage_watch.new_rows(), storage_watch.new_files()) == (0, set())
