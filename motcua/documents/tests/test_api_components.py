"""The documents API on a dossier: store proposals, reuse, digitisation at intake, what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.documents import services
from motcua.documents.models import DataStoreItem, DigitisedDocument
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.models import Dossier, StoredFile
from motcua.dossiers.tests.api_support import Api
from motcua.dossiers.tests.helpers import World, at, counter_received, online_draft


def _doc(procedure: Procedure, code: str) -> RequiredDocument:
    return RequiredDocument.objects.get(version=procedure.latest_version, document_type=code)


@pytest.fixture
def draft(world: World, documented: Procedure) -> Dossier:
    return online_draft(world, documented, when=at(7, 8))


@pytest.fixture
def birth(world: World) -> DataStoreItem:
    return services.store_upload(
        actor=world.citizen,
        content=pdf_bytes(text="GKS của An"),
        filename="gks.pdf",
        title="Giấy khai sinh",
        document_type_code="GKS",
        at=at(1),
    )


@pytest.fixture
def expired_id(world: World) -> DataStoreItem:
    return services.store_upload(
        actor=world.citizen,
        content=pdf_bytes(text="CCCD cũ"),
        filename="cccd.pdf",
        title="Căn cước cũ",
        document_type_code="CCCD",
        valid_until=dt.date(2020, 1, 1),
        at=at(1),
    )


def test_the_portal_proposes_only_valid_documents(
    world: World, birth: DataStoreItem, expired_id: DataStoreItem
) -> None:
    gks = Api(world.citizen).get("/api/v1/documents/store/candidates", {"document_type": "GKS"})
    cccd = Api(world.citizen).get("/api/v1/documents/store/candidates", {"document_type": "CCCD"})
    theirs = Api(world.other_citizen).get("/api/v1/documents/store/candidates", {"document_type": "GKS"})

    assert [row["public_id"] for row in gks.body] == [str(birth.public_id)]
    assert (cccd.body, theirs.body) == ([], [])
    assert Api(None).get("/api/v1/documents/store/candidates").status == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("other_citizen", 404), ("intake_b", 404), ("citizen", 200), ("intake_a", 200)],
)
def test_who_sees_the_proposals_for_a_dossier(
    world: World, documented: Procedure, birth: DataStoreItem, who: Any, status: int
) -> None:
    dossier = online_draft(world, documented, when=at(7, 8))
    # An online draft is visible to its applicant only; once submitted, the receiving unit sees it too.
    from motcua.dossiers.services import dossier_submit

    dossier_submit(dossier=dossier, actor=world.citizen, at=at(7, 8))
    answer = Api(getattr(world, who) if who else None).get(
        f"/api/v1/documents/dossiers/{dossier.public_id}/candidates", {"document_type": "GKS"}
    )

    assert answer.status == status
    if status == 200:
        assert [row["title"] for row in answer.body] == ["Giấy khai sinh"]


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("other_citizen", 404), ("intake_b", 404), ("citizen", 201)]
)
def test_reuse_through_the_api_references_the_same_file(
    world: World, documented: Procedure, draft: Dossier, birth: DataStoreItem, who: Any, status: int
) -> None:
    files_before = StoredFile.objects.count()

    answer = Api(getattr(world, who) if who else None).post(
        f"/api/v1/documents/dossiers/{draft.public_id}/reuse",
        {"item": str(birth.public_id), "required_document": _doc(documented, "GKS").pk},
    )

    assert answer.status == status
    assert StoredFile.objects.count() == files_before
    if status == 201:
        assert answer.body == {
            "position": 2,
            "name": "Giấy khai sinh",
            "provenance": "reused",
            "reference": f"kho:{birth.public_id}",
            "sha256": birth.file.sha256,
        }
        assert draft.components.get(position=2).file_id == birth.file_id
    else:
        assert draft.components.count() == 1


def test_an_expired_document_is_refused_through_the_api(
    world: World, draft: Dossier, expired_id: DataStoreItem
) -> None:
    answer = Api(world.citizen).post(
        f"/api/v1/documents/dossiers/{draft.public_id}/reuse", {"item": str(expired_id.public_id)}
    )

    assert (answer.status, answer.code) == (400, "document_expired")
    assert (
        answer.body["message"]
        == "Giấy tờ này đã hết hiệu lực từ ngày 01/01/2020; hãy nộp giấy tờ còn hiệu lực."
    )


def _digitise(world: World, who: Any, dossier: Dossier, document: RequiredDocument, content: bytes) -> Any:
    api = Api(getattr(world, who) if who else None)
    return api.client.post(
        f"/api/v1/documents/dossiers/{dossier.public_id}/digitise",
        {
            "file": SimpleUploadedFile("gks.pdf", content),
            "required_document": str(document.pk),
            "number": "123/2020",
            "issued_on": "2020-01-05",
        },
        headers=api.auth,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("citizen", 404), ("intake_b", 404), ("specialist_a", 403), ("intake_a", 201)],
)
def test_digitisation_at_intake_through_the_api(
    world: World, documented: Procedure, who: Any, status: int
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))

    response = _digitise(world, who, dossier, _doc(documented, "GKS"), pdf_bytes(pages=2))

    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert (body["position"], body["document_type_code"], body["page_count"]) == (2, "GKS", 2)
        assert DigitisedDocument.objects.get().number == "123/2020"
    else:
        assert DigitisedDocument.objects.count() == 0


def test_a_renamed_executable_is_refused_by_the_api_in_vietnamese(
    world: World, documented: Procedure
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))

    response = _digitise(world, "intake_a", dossier, _doc(documented, "GKS"), b"MZ\x90\x00" + b"\x00" * 100)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file"
    assert response.json()["fields"]["file"].startswith("gks.pdf: Tệp này không phải tài liệu PDF")


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("citizen", 404), ("intake_b", 404), ("intake_a", 200), ("leader_a", 200)],
)
def test_what_is_missing_before_receipt(world: World, documented: Procedure, who: Any, status: int) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))

    answer = Api(getattr(world, who) if who else None).get(
        f"/api/v1/documents/dossiers/{dossier.public_id}/digitisation-missing"
    )

    assert answer.status == status
    if status == 200:
        birth = _doc(documented, "GKS")
        assert answer.body == [{"id": birth.pk, "name": "Giấy khai sinh", "document_type": "GKS"}]
