"""Digitisation at intake, the data store, proposals and reuse (TT 01/2023; ND 45/2020 art. 9)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import Procedure, RequiredDocument
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.models import OutboxEvent
from motcua.documents import services
from motcua.documents.models import DataStore, DataStoreItem, DigitisationExemption, DigitisedDocument
from motcua.documents.selectors import store_candidates
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.models import Dossier, StoredFile
from motcua.dossiers.tests.helpers import World, at, counter_received, online_draft

WALK_IN_ID = "025085009999"


def _doc(procedure: Procedure, code: str) -> RequiredDocument:
    return RequiredDocument.objects.get(version=procedure.latest_version, document_type=code)


def _events() -> list[tuple[str, dict]]:
    return [
        (event.kind, event.payload)
        for event in OutboxEvent.objects.filter(kind__startswith="documents.").order_by("created_at", "pk")
    ]


def _digitise(world: World, dossier: Dossier, document: RequiredDocument) -> DigitisedDocument:
    return services.digitise_component(
        actor=world.intake_a,
        file=pdf_bytes(pages=2),
        filename="giay-khai-sinh.pdf",
        dossier=dossier,
        required_document=document,
        number="123/2020",
        issuing_body="UBND xã Ea Kar",
        issued_on=dt.date(2020, 1, 5),
        at=at(7, 9, 5),
    )


def test_digitising_a_paper_component_keeps_its_metadata_and_puts_it_in_the_applicants_store(
    world: World, documented: Procedure
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))
    birth = _doc(documented, "GKS")

    digitised = _digitise(world, dossier, birth)

    component = digitised.component
    assert (component.dossier_id, component.position, component.provenance) == (
        dossier.pk,
        2,
        "digitised_at_intake",
    )
    assert (component.required_document_id, component.name) == (birth.pk, "Giấy khai sinh")
    assert (digitised.document_type_code, digitised.number, digitised.issuing_body) == (
        "GKS",
        "123/2020",
        "UBND xã Ea Kar",
    )
    assert (digitised.issued_on, digitised.valid_until, digitised.page_count) == (
        dt.date(2020, 1, 5),
        None,
        2,
    )
    assert (digitised.digitised_by, digitised.digitised_at) == (world.intake_a, at(7, 9, 5))
    item = digitised.store_item
    assert item is not None
    assert (item.store.owner_kind, item.store.identifier, item.store.account) == ("citizen", WALK_IN_ID, None)
    assert (item.origin, item.file_id, item.document_type_code, item.dossier_id) == (
        "digitised",
        component.file_id,
        "GKS",
        dossier.pk,
    )
    assert _events() == [
        (
            "documents.component_digitised",
            {
                "schema_version": 1,
                "kind": "component_digitised",
                "at": "2026-12-07T09:05:00+07:00",
                "dossier": str(dossier.public_id),
                "data": {"component": 2, "document_type": "GKS", "pages": 2, "pushed_to_store": True},
            },
        )
    ]


def test_mandatory_components_cannot_be_skipped_unless_the_law_exempts_them(
    world: World, documented: Procedure
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))
    birth = _doc(documented, "GKS")

    # The ID card is only shown for checking, the birth notice is not mandatory (TT 03/2025 art. 5).
    assert services.digitisation_missing(dossier=dossier) == [birth]
    _digitise(world, dossier, birth)
    assert services.digitisation_missing(dossier=dossier) == []


def test_a_state_secret_paper_is_exempt_and_online_dossiers_need_no_digitisation(
    world: World, documented: Procedure
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))
    birth = _doc(documented, "GKS")
    online = online_draft(world, documented, when=at(7, 8))

    services.digitisation_exempt(
        dossier=dossier, required_document=birth, reason="state_secret", actor=world.intake_a, at=at(7, 9)
    )

    assert services.digitisation_missing(dossier=dossier) == []
    assert services.digitisation_missing(dossier=online) == []
    assert DigitisationExemption.objects.get().reason == "state_secret"


@pytest.mark.parametrize("who", ["intake_b", "specialist_a", "citizen", "leader_a"])
def test_only_an_intake_officer_of_the_receiving_unit_digitises(
    world: World, documented: Procedure, who: str
) -> None:
    dossier = counter_received(world, documented, when=at(7, 9))
    files_before = StoredFile.objects.count()

    with pytest.raises(PermissionDenied):
        services.digitise_component(
            actor=getattr(world, who),
            file=pdf_bytes(),
            filename="gks.pdf",
            dossier=dossier,
            required_document=_doc(documented, "GKS"),
        )

    assert (DigitisedDocument.objects.count(), StoredFile.objects.count()) == (0, files_before)


def _store_item(store: DataStore, code: str, valid_until: dt.date | None, text: str) -> DataStoreItem:
    stored, _checked = services.store_document(content=pdf_bytes(text=text), filename="x.pdf")
    return DataStoreItem.objects.create(
        store=store,
        origin="digitised",
        file=stored,
        title=text,
        document_type_code=code,
        valid_until=valid_until,
        added_at=at(1),
    )


def test_an_expired_document_is_not_proposed(world: World) -> None:
    store = services.data_store_of_user(world.citizen)
    assert store is not None
    expired = _store_item(store, "CCCD", dt.date(2026, 12, 1), "CCCD cũ")
    valid = _store_item(store, "CCCD", dt.date(2030, 1, 1), "CCCD mới")
    forever = _store_item(store, "GKS", None, "Giấy khai sinh")
    other = services.data_store_of_user(world.other_citizen)
    assert other is not None
    _store_item(other, "CCCD", None, "CCCD của người khác")

    assert list(store_candidates(owner=world.citizen, document_type_code="CCCD", at=at(7))) == [valid]
    assert set(store_candidates(owner=store, document_type_code="CCCD", at=at(1))) == {expired, valid}
    assert list(store_candidates(owner=world.citizen, document_type_code="GKS", at=at(7))) == [forever]
    assert list(store_candidates(owner=world.intake_a, document_type_code="CCCD", at=at(7))) == []


def test_a_reused_document_is_referenced_not_copied(world: World, documented: Procedure) -> None:
    store = services.data_store_of_user(world.citizen)
    assert store is not None
    item = _store_item(store, "GKS", None, "Giấy khai sinh của An")
    dossier = online_draft(world, documented, when=at(7, 8))
    files_before = StoredFile.objects.count()

    component = services.component_reuse(
        dossier=dossier,
        item=item,
        actor=world.citizen,
        required_document=_doc(documented, "GKS"),
        at=at(7, 8, 30),
    )

    assert component.file_id == item.file_id
    assert StoredFile.objects.count() == files_before
    assert (component.provenance, component.reference, component.position) == (
        "reused",
        f"kho:{item.public_id}",
        2,
    )
    assert _events() == [
        (
            "documents.component_reused",
            {
                "schema_version": 1,
                "kind": "component_reused",
                "at": "2026-12-07T08:30:00+07:00",
                "dossier": str(dossier.public_id),
                "data": {
                    "component": 2,
                    "store_item": str(item.public_id),
                    "document_type": "GKS",
                    "from_store": True,
                },
            },
        )
    ]


def test_an_expired_or_foreign_document_cannot_be_reused(world: World, documented: Procedure) -> None:
    store = services.data_store_of_user(world.citizen)
    other = services.data_store_of_user(world.other_citizen)
    assert store is not None and other is not None
    expired = _store_item(store, "CCCD", dt.date(2026, 12, 1), "CCCD cũ")
    foreign = _store_item(other, "GKS", None, "Giấy khai sinh của Bình")
    dossier = online_draft(world, documented, when=at(7, 8))

    with pytest.raises(ApplicationError) as caught:
        services.component_reuse(dossier=dossier, item=expired, actor=world.citizen, at=at(7, 9))
    with pytest.raises(PermissionDenied):
        services.component_reuse(dossier=dossier, item=foreign, actor=world.citizen, at=at(7, 9))
    with pytest.raises(PermissionDenied):
        services.component_reuse(dossier=dossier, item=expired, actor=world.other_citizen, at=at(7, 9))

    assert (
        caught.value.message
        == "Giấy tờ này đã hết hiệu lực từ ngày 01/12/2026; hãy nộp giấy tờ còn hiệu lực."
    )
    assert dossier.components.count() == 1


def test_owners_delete_their_uploads_but_results_stay(world: World) -> None:
    upload = services.store_upload(
        actor=world.citizen, content=pdf_bytes(text="tự tải"), filename="a.pdf", title="Bằng lái xe", at=at(7)
    )
    store = upload.store
    kept = _store_item(store, "GKS", None, "Kết quả")
    kept.origin = DataStoreItem.Origin.RESULT
    kept.save(update_fields=["origin"])

    with pytest.raises(PermissionDenied):
        services.store_item_delete(item=upload, actor=world.other_citizen)
    with pytest.raises(Conflict) as caught:
        services.store_item_delete(item=kept, actor=world.citizen)
    services.store_item_delete(item=upload, actor=world.citizen)

    assert caught.value.code == "item_kept"
    assert list(DataStoreItem.objects.filter(store=store)) == [kept]
