"""A result prepared during processing is signed and issued when the dossier is approved (outbox consumer)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.core.errors import Conflict, PermissionDenied
from motcua.documents import services, signing
from motcua.documents.models import DataStoreItem, ResultDraft, SignedDocument
from motcua.documents.storage import read_document
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers import services as dossier_services
from motcua.dossiers.tests.helpers import World, at, counter_received


def test_the_prepared_result_is_signed_by_the_approver_when_the_dossier_is_approved(
    world: World, procedure: Procedure, pki: int, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    draft = services.result_prepare(
        dossier=dossier, actor=world.specialist_a, pdf=pdf_bytes(), title="Giấy khai sinh", at=at(7, 10)
    )
    dossier = dossier_services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))

    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 11))

    draft.refresh_from_db()
    signed = draft.signed
    assert signed is not None
    assert (signed.kind, signed.dossier_id, signed.signed_by, signed.signed_at) == (
        "result",
        dossier.pk,
        world.leader_a,
        at(7, 11),
    )
    assert signing.verify(read_document(signed.file), trust_roots_pem=services.trust_roots()).valid
    assert DataStoreItem.objects.get().origin == "result"
    # Delivered again (at least once): nothing more.
    services.result_draft_issue(draft=draft, actor=world.leader_a)
    assert SignedDocument.objects.count() == 1


def test_approval_without_a_prepared_result_signs_nothing(
    world: World, procedure: Procedure, pki: int, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    dossier = dossier_services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))

    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 11))

    assert SignedDocument.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "intake_a", "specialist_b"])
def test_only_the_competent_unit_prepares_the_result(world: World, procedure: Procedure, who: str) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    with pytest.raises(PermissionDenied):
        services.result_prepare(dossier=dossier, actor=getattr(world, who), pdf=pdf_bytes(), title="KQ")

    assert ResultDraft.objects.count() == 0


def test_a_result_is_prepared_only_during_processing(world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    dossier = dossier_services.dossier_reject(
        dossier=dossier, actor=world.leader_a, reason="Không đủ điều kiện"
    )

    with pytest.raises(Conflict) as caught:
        services.result_prepare(dossier=dossier, actor=world.leader_a, pdf=pdf_bytes(), title="KQ")

    assert caught.value.code == "invalid_state"
