"""Reads of the staff pages, always scoped to the reader: dossiers through `Dossier.objects.visible_to`
(or the work queues, which scope by the reader's grants), intake notes through the reader's intake units.

Which actions a page offers (`available_actions`) mirrors the guards of `motcua.dossiers.services` so that
a person sees only the buttons they may press; the services stay the authority and refuse anything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from motcua.accounts.models import Role, RoleGrant, User
from motcua.accounts.permissions import has_role, units_where
from motcua.catalog.models import DocumentKind, Procedure, ProcedureVersion, RequiredDocument
from motcua.catalog.selectors import procedure_version_for_submission, procedures_list
from motcua.core.errors import NotFound
from motcua.documents.models import ResultDraft, SignedDocument
from motcua.dossiers import steps as process
from motcua.dossiers.deadlines import CLOCK_STATUSES, at_risk_minutes, dossier_clock
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierSlip,
    DossierStep,
    IntakeNote,
    SupplementRequest,
)
from motcua.dossiers.queues import (
    QUEUE_ROLES,
    CalendarCache,
    Page,
    QueueFilters,
    Urgency,
    clock_urgency,
    queue_counts,
    receipt_urgency,
    work_queue,
)
from motcua.dossiers.selectors import dossier_components, dossier_events, dossier_get, dossier_steps
from motcua.dossiers.slips.selectors import dossier_slips
from motcua.organizations.models import Unit
from motcua.worktime import ClockState
from motcua.worktime.selectors import calendar_for_unit

Status = Dossier.Status
PAGE_SIZE = 20
ATTENTION_LIMIT = 10


def not_found_as_404(error: NotFound) -> Http404:
    return Http404(str(error.message))


# --- dashboard -------------------------------------------------------------------------------------------


def queue_roles(*, user: Any) -> list[str]:
    """The queue roles `user` holds somewhere, in the order of `QUEUE_ROLES`."""
    return [role for role in QUEUE_ROLES if has_role(user, role)]


@dataclass(frozen=True)
class Dashboard:
    roles: list[str]
    role: str | None
    page: Page | None
    counts: dict[str, int]
    late: list[tuple[Dossier, Urgency]]
    at_risk: list[tuple[Dossier, Urgency]]


def queue_page(
    *, user: Any, role: str, filters: QueueFilters, order: str, after: str | None, limit: int = PAGE_SIZE
) -> Page:
    """One page of `role`'s queue (ApplicationError for a filter or cursor that is not valid)."""
    return work_queue(user=user, role=role, filters=filters, order=order, after=after, limit=limit)


def attention(*, user: Any, now: dt.datetime | None = None) -> tuple[list[Any], list[Any]]:
    """(late, at risk): the open dossiers under the clock the user may see whose due moment is within the
    at-risk margin or past, most pressing first, at most ATTENTION_LIMIT each. One query for the
    dossiers; calendars once per competent unit."""
    now = now or timezone.now()
    national = calendar_for_unit(unit=None)
    threshold = national.moment_at(national.position(now) + at_risk_minutes(national))
    rows = list(
        Dossier.objects.visible_to(user)
        .filter(status__in=sorted(CLOCK_STATUSES), due_at__lte=threshold)
        .select_related("procedure", "competent_unit", "assignee")
        .annotate(paused_since=_open_request_moment())
        .order_by("due_at", "pk")[: ATTENTION_LIMIT * 2]
    )
    calendars = CalendarCache()
    late: list[tuple[Dossier, Urgency]] = []
    at_risk: list[tuple[Dossier, Urgency]] = []
    for dossier in rows:
        urgency = clock_urgency(
            status=dossier.status,
            due_at=dossier.due_at,
            paused_since=getattr(dossier, "paused_since", None),
            unit_id=dossier.competent_unit_id,
            now=now,
            calendars=calendars,
        )
        if urgency.late and len(late) < ATTENTION_LIMIT:
            late.append((dossier, urgency))
        elif urgency.at_risk and len(at_risk) < ATTENTION_LIMIT:
            at_risk.append((dossier, urgency))
    return late, at_risk


def _open_request_moment() -> Any:
    from django.db.models import OuterRef, Subquery  # noqa: PLC0415

    return Subquery(
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), completed_at__isnull=True)
        .order_by()
        .values("requested_at")[:1]
    )


def dashboard(
    *,
    user: Any,
    role: str | None,
    filters: QueueFilters,
    order: str,
    after: str | None = None,
) -> Dashboard:
    roles = queue_roles(user=user)
    chosen = role if role in roles else (roles[0] if roles else None)
    page = None
    counts: dict[str, int] = {}
    if chosen is not None:
        page = queue_page(user=user, role=chosen, filters=filters, order=order, after=after)
        counts = {status: value for status, value in queue_counts(user=user, role=chosen).items() if value}
    late, at_risk = attention(user=user)
    return Dashboard(roles, chosen, page, counts, late, at_risk)


def procedures_for_filter() -> QuerySet[Procedure]:
    return procedures_list().select_related(None).only("pk", "code", "name")


# --- counter intake ---------------------------------------------------------------------------------------


def intake_units(*, user: Any) -> list[Unit]:
    """The units where `user` holds the intake-officer role by a grant (superusers: the service centres)."""
    if getattr(user, "is_superuser", False):
        return list(Unit.objects.filter(kind=Unit.Kind.SERVICE_CENTER, is_active=True).order_by("path"))
    granted = RoleGrant.objects.active().filter(user_id=user.pk, role=Role.INTAKE_OFFICER).values("unit")
    return list(Unit.objects.filter(pk__in=granted, is_active=True).order_by("path"))


def intake_unit_get(*, user: Any, unit_id: Any) -> Unit | None:
    units = intake_units(user=user)
    try:
        wanted = int(unit_id)
    except (TypeError, ValueError):
        return units[0] if len(units) == 1 else None
    return next((unit for unit in units if unit.pk == wanted), None)


def intake_procedures() -> QuerySet[Procedure]:
    """Published procedures that accept dossiers in person."""
    return (
        procedures_list()
        .select_related(None)
        .filter(latest_version__methods__channel="direct")
        .distinct()
        .only("pk", "code", "name")
        .order_by("name", "code")
    )


def intake_procedure_get(*, code: str) -> Procedure | None:
    return intake_procedures().filter(code=(code or "").strip()).first()


@dataclass(frozen=True)
class IntakeVersion:
    version: ProcedureVersion
    documents: list[RequiredDocument]


def intake_version(*, procedure: Procedure) -> IntakeVersion:
    """The version in force now with the documents to hand in (ApplicationError when none is in force)."""
    version = procedure_version_for_submission(procedure=procedure, at=timezone.now())
    documents = list(version.documents.filter(kind=DocumentKind.SUBMIT).order_by("position"))
    return IntakeVersion(version, documents)


def applicant_prefill(*, user: Any, identifier: str) -> dict[str, str] | None:
    """The applicant's details from the latest dossier `user` may see with this ID number or tax code."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    dossier = (
        Dossier.objects.visible_to(user)
        .filter(applicant_identifier=identifier)
        .order_by("-created_at", "-pk")
        .only(
            "applicant_kind",
            "applicant_name",
            "applicant_identifier",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
        )
        .first()
    )
    if dossier is None:
        return None
    return {
        "applicant_kind": dossier.applicant_kind,
        "applicant_name": dossier.applicant_name,
        "applicant_identifier": dossier.applicant_identifier,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
    }


def intake_note_get(*, user: Any, note_id: int) -> IntakeNote:
    """An intake note of a unit where `user` is an intake officer (else 404)."""
    note = (
        IntakeNote.objects.filter(pk=note_id, receiving_unit__in=units_where(user, Role.INTAKE_OFFICER))
        .select_related("procedure", "receiving_unit")
        .first()
    )
    if note is None:
        raise Http404
    return note


def intake_note_slip(*, note: IntakeNote) -> DossierSlip | None:
    return DossierSlip.objects.filter(intake_note=note).select_related("file").order_by("-pk").first()


# --- the dossier page -------------------------------------------------------------------------------------


@dataclass
class DossierPage:
    dossier: Dossier
    components: list[DossierComponent]
    events: list[DossierEvent]
    steps: list[DossierStep]
    slips: list[DossierSlip]
    requests: list[SupplementRequest]
    apology: Apology | None
    clock: ClockState | None
    urgency: Urgency
    result_draft: ResultDraft | None
    signed: list[SignedDocument]
    actions: list[str]
    open_steps: list[DossierStep]
    next_steps: list[tuple[str, str]]
    assignees: list[User]


def dossier_for_page(*, user: Any, public_id: Any) -> Dossier:
    """The dossier, if `user` may see it (404 otherwise: never say it exists)."""
    try:
        return dossier_get(user=user, public_id=public_id)
    except NotFound as error:
        raise not_found_as_404(error) from None


def dossier_page(*, user: Any, dossier: Dossier, now: dt.datetime | None = None) -> DossierPage:
    """Everything the dossier page shows, in a bounded number of queries."""
    now = now or timezone.now()
    components = list(dossier_components(dossier=dossier))
    events = list(dossier_events(dossier=dossier))
    steps = list(dossier_steps(dossier=dossier))
    open_steps = [step for step in steps if step.finished_at is None]
    requests = list(dossier.supplement_requests.order_by("requested_at", "pk"))
    apology = Apology.objects.filter(dossier=dossier).first()
    clock = dossier_clock(dossier=dossier, at=now)
    calendars = CalendarCache()
    if dossier.status == Status.SUBMITTED:
        urgency = receipt_urgency(
            receive_due_at=dossier.receive_due_at,
            unit_id=dossier.receiving_unit_id,
            now=now,
            calendars=calendars,
        )
    elif dossier.status in CLOCK_STATUSES:
        paused = next((r.requested_at for r in requests if r.completed_at is None), None)
        urgency = clock_urgency(
            status=dossier.status,
            due_at=dossier.due_at,
            paused_since=paused,
            unit_id=dossier.competent_unit_id,
            now=now,
            calendars=calendars,
        )
    elif clock is not None:
        # The clock stopped at the end of processing: on time or late by how much, for good.
        late = clock.late_by_minutes > 0
        left = -clock.late_by_minutes if late else clock.left_minutes
        urgency = Urgency(clock.due, left, late=late, at_risk=False)
    else:
        urgency = Urgency(None, None, late=False, at_risk=False)
    draft = ResultDraft.objects.filter(dossier=dossier).select_related("signed").first()
    signed = list(SignedDocument.objects.filter(dossier=dossier).order_by("signed_at", "pk"))
    actions = available_actions(user=user, dossier=dossier, open_steps=open_steps, draft=draft)
    next_steps: list[tuple[str, str]] = []
    if "forward" in actions and dossier.procedure_version is not None:
        plan = process.process_plan(dossier.procedure_version)
        mine = [visit for visit in open_steps if process.can_act(user, visit)]
        if mine:
            next_steps = [(step.key, step.name) for step in process.successors(plan, mine[0].key)]
    assignees = reassign_candidates(open_steps=open_steps) if "reassign" in actions else []
    return DossierPage(
        dossier=dossier,
        components=components,
        events=events,
        steps=steps,
        slips=list(dossier_slips(dossier=dossier)),
        requests=requests,
        apology=apology,
        clock=clock,
        urgency=urgency,
        result_draft=draft,
        signed=signed,
        actions=actions,
        open_steps=open_steps,
        next_steps=next_steps,
        assignees=assignees,
    )


def available_actions(
    *, user: Any, dossier: Dossier, open_steps: list[DossierStep], draft: ResultDraft | None
) -> list[str]:
    """The actions `user` may try on `dossier` in its state (the services check again)."""
    status = dossier.status
    intake = has_role(user, Role.INTAKE_OFFICER, dossier.receiving_unit)
    leader = has_role(user, Role.LEADER, dossier.competent_unit)
    specialist = has_role(user, Role.SPECIALIST, dossier.competent_unit)
    actions: list[str] = []
    if status == Status.SUBMITTED and intake:
        actions += ["receive", "ask_supplement_at_intake", "refuse_intake"]
    if status == Status.SUPPLEMENT_AT_INTAKE and intake and dossier.channel != Dossier.Channel.ONLINE:
        actions.append("resubmit")
    if status == Status.PROCESSING:
        mine = [visit for visit in open_steps if process.can_act(user, visit)]
        plan = process.process_plan(dossier.procedure_version) if dossier.procedure_version else {}
        approval = process.approval_keys(plan) if plan else set()
        if any(visit.key not in approval and process.successors(plan, visit.key) for visit in mine):
            actions.append("forward")
        if mine:
            actions.append("send_back")
        if specialist:
            actions.append("ask_supplement")
        if leader or specialist:
            actions.append("prepare_result")
        if any(visit.key in approval for visit in mine) and leader:
            actions.append("approve")
        if leader:
            actions.append("reject")
        if any(
            has_role(user, Role.LEADER, visit.unit) or has_role(user, Role.SUPERVISOR, visit.unit)
            for visit in open_steps
        ):
            actions.append("reassign")
    if status == Status.WAITING_SUPPLEMENT and intake:
        actions.append("supplement")
    if status in (Status.PROCESSING, Status.WAITING_SUPPLEMENT) and leader:
        actions.append("apologize")
    if status == Status.RESOLVED and intake:
        actions.append("return_result")
    if (
        status in (Status.RESOLVED, Status.RETURNED)
        and draft is not None
        and draft.signed_id is None
        and (leader or specialist)
    ):
        actions.append("sign_result")
    if status not in Dossier.FINAL_STATUSES and status != Status.DRAFT and intake:
        actions.append("stop")
    return actions


def reassign_candidates(*, open_steps: list[DossierStep]) -> list[User]:
    """Active people holding the role of an open step on its unit (or an ancestor), by name."""
    if not open_steps:
        return []
    condition = Q(pk__in=[])
    for visit in open_steps:
        ancestors = [visit.unit.path[:length] for length in range(len(visit.unit.path), 0, -1)]
        condition |= Q(role=visit.role, unit__path__in=ancestors)
    holders = RoleGrant.objects.active().filter(condition).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True).order_by("full_name", "username"))


def user_get(*, user_id: Any) -> User | None:
    try:
        return User.objects.filter(pk=int(user_id), is_active=True).first()
    except (TypeError, ValueError):
        return None


def component_get(*, dossier: Dossier, position: int) -> DossierComponent:
    component = dossier.components.select_related("file").filter(position=position).first()
    if component is None or component.file is None:
        raise Http404
    return component


def latest_slip(*, dossier: Dossier, form: str) -> DossierSlip | None:
    return (
        DossierSlip.objects.filter(dossier=dossier, form=form)
        .select_related("file", "dossier")
        .order_by("-created_at", "-pk")
        .first()
    )


def signed_document_get(*, dossier: Dossier, public_id: Any) -> SignedDocument:
    document = (
        SignedDocument.objects.filter(dossier=dossier, public_id=public_id).select_related("file").first()
    )
    if document is None:
        raise Http404
    return document


# --- reassigning an absent officer's queue -----------------------------------------------------------------


def managed_units(*, user: Any) -> QuerySet[Unit]:
    return units_where(user, Role.LEADER, Role.SUPERVISOR)


def absent_candidates(*, user: Any) -> list[User]:
    """People holding open steps of the units `user` leads or supervises."""
    holders = (
        DossierStep.objects.filter(
            finished_at__isnull=True, assignee__isnull=False, unit__in=managed_units(user=user)
        )
        .values("assignee_id")
        .distinct()
    )
    return list(User.objects.filter(pk__in=holders).order_by("full_name", "username"))


def open_steps_of(*, user: Any, absent: User) -> list[DossierStep]:
    """The open steps assigned to `absent` in units `user` leads or supervises, with their dossiers."""
    return list(
        DossierStep.objects.filter(
            finished_at__isnull=True,
            assignee=absent,
            unit__in=managed_units(user=user),
            dossier__status=Status.PROCESSING,
        )
        .select_related("dossier__procedure", "unit")
        .order_by("dossier__due_at", "dossier_id")
    )
