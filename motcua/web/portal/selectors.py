"""Reads of the citizen portal, always scoped to the signed-in applicant.

Every dossier read starts from `Dossier.objects.visible_to(user)` and keeps only the dossiers whose
applicant is `user`: the portal shows a citizen their own dossiers, never those their staff role (if any)
lets them see in the back office. A dossier that is not theirs is `NotFound` (the page answers 404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import AgencyRole, DocumentKind, ProcedureVersion, RequiredDocument
from motcua.catalog.queries import expected_dues
from motcua.catalog.selectors import procedure_units
from motcua.core.errors import ApplicationError, NotFound
from motcua.documents.models import DataStoreItem, SignedDocument
from motcua.documents.selectors import store_candidates
from motcua.dossiers.deadlines import CATALOG_CHANNEL
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierSlip,
    StoredFile,
    SupplementRequest,
)
from motcua.dossiers.services.common import WITHDRAWABLE, fees_due
from motcua.organizations.models import PATH_STEP, Unit

PAGE_SIZE = 20
RECEIVING_KINDS = (Unit.Kind.SERVICE_CENTER, Unit.Kind.RECEPTION_POINT)


def _not_found() -> NotFound:
    return NotFound(_("You have no dossier with this identifier."), code="dossier_not_found")


def my_dossiers(*, user: Any) -> QuerySet[Dossier]:
    """The applicant's own dossiers, newest first, with what the list shows (no query per row)."""
    return (
        Dossier.objects.visible_to(user)
        .filter(applicant_id=user.pk)
        .select_related("procedure", "receiving_unit")
        .only(
            "public_id",
            "code",
            "status",
            "stop_kind",
            "channel",
            "created_at",
            "submitted_at",
            "appointment_at",
            "procedure__name",
            "procedure__code",
            "receiving_unit__name",
        )
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class DossierPage:
    count: int
    number: int
    pages: int
    items: list[Dossier]


def my_dossiers_page(*, user: Any, number: int) -> DossierPage:
    dossiers = my_dossiers(user=user)
    count = dossiers.count()
    pages = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    items = list(dossiers[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    return DossierPage(count=count, number=number, pages=pages, items=items)


def my_dossier(*, user: Any, public_id: uuid.UUID | str) -> Dossier:
    """One of the applicant's own dossiers (NotFound for any other, whoever may see it elsewhere)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise _not_found() from None
    dossier = (
        Dossier.objects.visible_to(user)
        .filter(applicant_id=user.pk, public_id=key)
        .select_related("procedure", "procedure_version", "receiving_unit", "competent_unit")
        .first()
    )
    if dossier is None:
        raise _not_found()
    return dossier


@dataclass(frozen=True, slots=True)
class DossierDetail:
    """What the dossier page shows, read once."""

    dossier: Dossier
    events: list[DossierEvent]
    components: list[DossierComponent]
    slips: list[DossierSlip]
    results: list[SignedDocument]
    open_request: SupplementRequest | None
    may_withdraw: bool

    @property
    def may_supplement(self) -> bool:
        return self.open_request is not None and self.dossier.status in (
            Dossier.Status.SUPPLEMENT_AT_INTAKE,
            Dossier.Status.WAITING_SUPPLEMENT,
        )


def open_supplement_request(*, dossier: Dossier) -> SupplementRequest | None:
    return (
        SupplementRequest.objects.filter(dossier=dossier, completed_at__isnull=True)
        .order_by("-requested_at")
        .first()
    )


def dossier_detail(*, dossier: Dossier) -> DossierDetail:
    """The history, components, slips, signed results and open supplement request of `dossier` (which the
    caller got from `my_dossier`)."""
    return DossierDetail(
        dossier=dossier,
        events=list(DossierEvent.objects.filter(dossier=dossier).order_by("sequence")),
        components=list(
            DossierComponent.objects.filter(dossier=dossier).select_related("file").order_by("position")
        ),
        slips=list(
            DossierSlip.objects.filter(dossier=dossier)
            .select_related("file", "event")
            .order_by("created_at", "id")
        ),
        results=list(
            SignedDocument.objects.filter(dossier=dossier, kind=SignedDocument.Kind.RESULT)
            .select_related("file")
            .order_by("signed_at", "id")
        ),
        open_request=open_supplement_request(dossier=dossier),
        may_withdraw=dossier.status in WITHDRAWABLE,
    )


def my_component_file(*, dossier: Dossier, position: int) -> tuple[StoredFile, str]:
    component = (
        DossierComponent.objects.filter(dossier=dossier, position=position).select_related("file").first()
    )
    if component is None or component.file is None:
        raise NotFound(_("This dossier has no file at this position."), code="component_not_found")
    return component.file, component.filename or f"{dossier}-{position}"


def my_slip(*, dossier: Dossier, slip_id: int) -> DossierSlip:
    slip = DossierSlip.objects.filter(dossier=dossier, pk=slip_id).select_related("file", "dossier").first()
    if slip is None:
        raise NotFound(_("No such slip was issued for this dossier."), code="slip_not_found")
    return slip


def my_result(*, dossier: Dossier, public_id: uuid.UUID) -> SignedDocument:
    result = (
        SignedDocument.objects.filter(dossier=dossier, public_id=public_id, kind=SignedDocument.Kind.RESULT)
        .select_related("file")
        .first()
    )
    if result is None:
        raise NotFound(_("This dossier has no such result."), code="result_not_found")
    return result


# --- the submission wizard --------------------------------------------------------------------------------


def _competent_candidates(version: ProcedureVersion) -> list[Unit]:
    return list(procedure_units(version=version, role=AgencyRole.COMPETENT)) or list(
        procedure_units(version=version, role=AgencyRole.IMPLEMENTING)
    )


def _covering(candidates: list[Unit], receiving: Unit) -> Unit | None:
    """The competent unit a dossier received by `receiving` goes to (the rule of
    `dossiers.services.common.competent_unit_for` when no unit is chosen), None if it cannot be told."""
    if not candidates:
        return receiving
    if len(candidates) == 1:
        return candidates[0]
    covering = [
        unit
        for unit in candidates
        if receiving.path.startswith(unit.path) or unit.path.startswith(receiving.path)
    ]
    return covering[0] if len(covering) == 1 else None


@dataclass(frozen=True, slots=True)
class ReceivingChoice:
    unit: Unit
    competent: Unit


def receiving_choices(*, version: ProcedureVersion) -> list[ReceivingChoice]:
    """The service centres and reception points of the procedure's province that can receive an online
    dossier of `version`, each with the unit that will decide it."""
    owner = version.procedure.owner_unit
    candidates = _competent_candidates(version)
    centres = Unit.objects.filter(
        is_active=True, kind__in=RECEIVING_KINDS, path__startswith=owner.path[:PATH_STEP]
    ).order_by("path")
    choices = []
    for centre in centres:
        competent = _covering(candidates, centre)
        if competent is not None:
            choices.append(ReceivingChoice(unit=centre, competent=competent))
    return choices


def submittable_documents(*, version: ProcedureVersion) -> list[RequiredDocument]:
    """The documents an applicant submits for `version` (not those only shown at the counter)."""
    return [document for document in version.documents.all() if document.kind == DocumentKind.SUBMIT]


def must_submit(document: RequiredDocument) -> bool:
    """Whether the submission is refused without this document (`check_required_components`' rule)."""
    return document.required and not document.group and not document.lookup_database


def reuse_candidates(*, user: Any, documents: list[RequiredDocument]) -> dict[int, list[DataStoreItem]]:
    """For each document with a type code, the applicant's still-valid documents of that type."""
    found: dict[int, list[DataStoreItem]] = {}
    for document in documents:
        if document.document_type:
            found[document.pk] = list(store_candidates(owner=user, document_type_code=document.document_type))
    return found


def store_item_of(*, user: Any, public_id: str, document: RequiredDocument) -> DataStoreItem | None:
    """The applicant's store item `public_id` if it is a candidate for `document`, else None."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        store_candidates(owner=user, document_type_code=document.document_type).filter(public_id=key).first()
    )


@dataclass(frozen=True, slots=True)
class Estimate:
    fees_vnd: int
    due_at: datetime | None
    problem: str


def submission_estimate(*, version: ProcedureVersion, competent: Unit, at: datetime) -> Estimate:
    """The fee of an online dossier of `version` and the return moment expected if it is received at `at`."""
    fees = fees_due(version, Dossier.Channel.ONLINE)
    online = CATALOG_CHANNEL[Dossier.Channel.ONLINE]
    try:
        dues = expected_dues(version=version, unit=competent, start=at)
    except ApplicationError as error:
        return Estimate(fees, None, str(error.message))
    due = next((item for item in dues if item.channel == online), None) or next(
        (item for item in dues if not item.channel), None
    )
    if due is None:
        return Estimate(fees, None, _("The procedure cannot be submitted online."))
    return Estimate(fees, due.due_at, due.problem)
