"""Signed electronic results: PAdES with the unit's certificate, offline verification, the public page."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from motcua.catalog.models import Procedure
from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.core.models import OutboxEvent
from motcua.documents import services, signing
from motcua.documents.models import DataStoreItem, SignedDocument
from motcua.documents.storage import read_document
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World, at, counter_received

VALID = "Chữ ký hợp lệ và văn bản không bị thay đổi kể từ khi ký."
INVALID = "Chữ ký KHÔNG hợp lệ hoặc văn bản đã bị thay đổi sau khi ký: không sử dụng văn bản này."


def _issue(world: World, dossier: Dossier, **kwargs: Any) -> SignedDocument:
    return services.result_issue(
        dossier=dossier,
        actor=world.leader_a,
        pdf=pdf_bytes(pages=2),
        title="Giấy khai sinh",
        at=at(8, 10),
        **kwargs,
    )


def _changed(data: bytes) -> bytes:
    """One byte changed inside the page text, which the signature covers."""
    where = data.index(b"trang 2")
    return data[:where] + b"T" + data[where + 1 :]


def test_a_signed_result_validates_and_fails_after_one_byte_is_changed(
    world: World, procedure: Procedure, pki: int
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    signed = _issue(world, dossier)
    data = read_document(signed.file)
    context = signing.trust_context(services.trust_roots())

    status = validate_pdf_signature(PdfFileReader(io.BytesIO(data)).embedded_signatures[0], context)
    tampered = validate_pdf_signature(
        PdfFileReader(io.BytesIO(_changed(data))).embedded_signatures[0], context
    )

    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert (tampered.intact, tampered.bottom_line) == (False, False)
    assert signing.verify(data, trust_roots_pem=services.trust_roots()).valid is True
    assert signing.verify(_changed(data), trust_roots_pem=services.trust_roots()).valid is False
    # Offline, against the configured roots only: an unknown root is not trusted.
    assert signing.verify(data, trust_roots_pem=[]).valid is False


def test_the_leader_signs_too_where_the_procedure_requires_it(
    world: World, procedure: Procedure, pki: int
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    signed = _issue(world, dossier, leader_signs=True)
    result = signing.verify(read_document(signed.file), trust_roots_pem=services.trust_roots())

    assert (signed.signatures, result.valid) == (2, True)
    assert result.signers == ("Ủy ban nhân dân xã Ea Kar", "Lãnh đạo Ủy ban nhân dân xã Ea Kar")


def test_the_result_lands_in_the_store_and_records_the_indicator_facts(
    world: World, procedure: Procedure, pki: int
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    signed = _issue(world, dossier)

    item = DataStoreItem.objects.get()
    assert (item.origin, item.file_id, item.store.identifier, item.issued_on) == (
        "result",
        signed.file_id,
        "025085009999",
        dt_date(2026, 12, 8),
    )
    kinds = list(OutboxEvent.objects.filter(kind__startswith="documents.").values_list("kind", "payload"))
    assert [kind for kind, _payload in kinds] == [
        "documents.result_issued",
        "documents.result_pushed_to_store",
    ]
    assert {payload["dossier"] for _kind, payload in kinds} == {str(dossier.public_id)}
    assert kinds[0][1]["data"] == {"document": str(signed.public_id)}


def dt_date(year: int, month: int, day: int) -> Any:
    import datetime as dt

    return dt.date(year, month, day)


def test_the_qr_payload_is_the_dossiers_with_the_verification_address(
    world: World, procedure: Procedure, pki: int
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    signed = SignedDocument(title="Giấy khai sinh", dossier=dossier)

    payload = json.loads(
        services._qr_payload(signed=signed, dossier=dossier, identifier="025085009999", at=at(8, 10))
    )

    assert payload == {
        "MaHoSo": dossier.code,
        "MaTTHC": "1.001193",
        "SoDinhDanh": "025085009999",
        "TenGiayTo": "Giấy khai sinh",
        "HeThong": "motcua",
        "ThoiGian": "2026-12-08T10:00:00+07:00",
        "XacMinh": f"{settings.SITE_URL}/verify/{signed.public_id}",
    }


@pytest.mark.parametrize("who", ["citizen", "intake_a", "leader_b", "specialist_b"])
def test_only_the_competent_unit_issues_results(
    world: World, procedure: Procedure, pki: int, who: str
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    with pytest.raises(PermissionDenied):
        services.result_issue(dossier=dossier, actor=getattr(world, who), pdf=pdf_bytes(), title="KQ")

    assert SignedDocument.objects.count() == 0


def test_without_a_certificate_the_result_is_refused(world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    with pytest.raises(ApplicationError) as caught:
        _issue(world, dossier)

    assert (caught.value.code, caught.value.status) == ("certificate_unavailable", 409)
    assert caught.value.message == (
        "Chưa cấu hình chứng thư số để ký cho Ủy ban nhân dân xã Ea Kar; hãy đề nghị quản trị viên bổ sung."
    )


# --- the public verification page ---------------------------------------------------------------------------


@pytest.fixture
def issued(world: World, procedure: Procedure, pki: int) -> SignedDocument:
    return _issue(world, counter_received(world, procedure, when=at(7, 9)))


@pytest.mark.parametrize("who", [None, "citizen", "intake_b", "leader_a"])
def test_anyone_sees_that_the_signature_is_valid(
    client: Any, world: World, issued: SignedDocument, who: Any
) -> None:
    if who:
        client.force_login(getattr(world, who))

    response = client.get(f"/verify/{issued.public_id}")

    assert response.status_code == 200
    body = response.content.decode()
    assert VALID in body and INVALID not in body
    assert 'data-verdict="valid"' in body
    assert "Ủy ban nhân dân xã Ea Kar" in body


def test_the_page_says_so_when_the_stored_document_was_changed(client: Any, issued: SignedDocument) -> None:
    path = Path(settings.MEDIA_ROOT) / issued.file.name
    path.write_bytes(_changed(path.read_bytes()))

    response = client.get(f"/verify/{issued.public_id}")

    assert response.status_code == 200
    assert INVALID in response.content.decode()
    assert 'data-verdict="invalid"' in response.content.decode()


def test_an_unknown_id_is_404(client: Any, db: Any) -> None:
    assert client.get(f"/verify/{uuid.uuid4()}").status_code == 404
    assert client.get("/verify/not-a-uuid").status_code == 404


def test_a_visitor_checks_the_copy_they_hold(client: Any, issued: SignedDocument) -> None:
    original = read_document(issued.file)

    same = client.post(f"/verify/{issued.public_id}", {"file": SimpleUploadedFile("kq.pdf", original)})
    changed = client.post(
        f"/verify/{issued.public_id}", {"file": SimpleUploadedFile("kq.pdf", _changed(original))}
    )
    empty = client.post(f"/verify/{issued.public_id}", {})

    assert 'data-upload="valid"' in same.content.decode()
    assert 'data-upload="invalid"' in changed.content.decode()
    assert (
        "Bản bạn giữ không phải văn bản đã cấp hoặc đã bị thay đổi: chữ ký không được xác thực."
        in changed.content.decode()
    )
    assert empty.status_code == 400
    assert 'class="field-error"' in empty.content.decode()


def test_a_missing_stored_file_is_shown_as_not_valid(client: Any, issued: SignedDocument) -> None:
    (Path(settings.MEDIA_ROOT) / issued.file.name).unlink()

    response = client.get(f"/verify/{issued.public_id}")

    assert response.status_code == 200
    assert 'data-verdict="invalid"' in response.content.decode()
