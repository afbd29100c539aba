"""Creating, submitting and receiving dossiers, and what happens at intake (LEGAL.md §1.2–1.3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import APPLICANT_KINDS, has_role
from motcua.catalog.models import AgencyRole, Procedure, ProcedureVersion, ProcessAction
from motcua.catalog.selectors import procedure_expected_due, procedure_units, procedure_version_for_submission
from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError
from motcua.core.outbox import outbox_emit
from motcua.dossiers import steps as process
from motcua.dossiers.codes import allocate_code
from motcua.dossiers.deadlines import (
    CATALOG_CHANNEL,
    clock_start,
    competent_calendar,
    online_receive_due,
)
from motcua.dossiers.events import OUTBOX_PREFIX, components_data, step_data
from motcua.dossiers.inputs import Applicant, ComponentInput, Representative
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierStep,
    IntakeNote,
    SupplementRequest,
)
from motcua.dossiers.models.dossier import derive_lookup_secret, hash_lookup_secret
from motcua.dossiers.services.common import (
    AUDIT_FIELDS,
    Kind,
    Status,
    action_moment,
    add_components,
    check_channel,
    check_form_data,
    check_required_components,
    check_return_method,
    clean_applicant,
    clean_items,
    clean_text,
    competent_unit_for,
    fees_due,
    finish_action,
    is_active,
    is_applicant,
    is_intake_officer,
    lock_dossier,
    move_counters,
    require,
    require_intake_officer,
    require_status,
    update_form_data,
)
from motcua.organizations.models import Unit


@transaction.atomic
def dossier_create(
    *,
    actor: Any,
    procedure: Procedure,
    applicant: Applicant | Any,
    channel: str,
    receiving_unit: Unit,
    form_data: dict[str, Any],
    components: Sequence[ComponentInput],
    return_method: str,
    representative: Representative | None = None,
    competent_unit: Unit | None = None,
    postmarked_at: datetime | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Create a draft (see `_create`)."""
    dossier, _version, _added = _create(
        actor=actor,
        procedure=procedure,
        applicant=applicant,
        channel=channel,
        receiving_unit=receiving_unit,
        form_data=form_data,
        components=components,
        return_method=return_method,
        representative=representative,
        competent_unit=competent_unit,
        postmarked_at=postmarked_at,
        at=action_moment(at),
    )
    return dossier


def _create(
    *,
    actor: Any,
    procedure: Procedure,
    applicant: Applicant | Any,
    channel: str,
    receiving_unit: Unit,
    form_data: dict[str, Any],
    components: Sequence[ComponentInput],
    return_method: str,
    representative: Representative | None,
    competent_unit: Unit | None,
    postmarked_at: datetime | None,
    at: datetime,
    count: bool = True,
) -> tuple[Dossier, ProcedureVersion, list[DossierComponent]]:
    """Create a draft; with the procedure version in force (its methods, fees and e-forms read once) and
    the components added. `applicant` is an `Applicant` or a User (their account describes them).

    Online: the applicant creates their own draft. Direct and postal: an intake officer of the receiving
    unit creates it (postal: with the postmark, which starts the clock, ADR 0008). The competent unit is
    `competent_unit`, or else the procedure's competent (or implementing) unit that covers the receiving
    unit (a province accepts any commune's dossier, ND 118 art. 14)."""
    fields: dict[str, str] = {}
    if channel not in Dossier.Channel.values:
        fields["channel"] = _("Choose in person (1), online (2) or by post (3).")
    if return_method not in Dossier.ReturnMethod.values:
        fields["return_method"] = _("Choose how the result is returned.")
    if channel == Dossier.Channel.POSTAL and postmarked_at is None:
        fields["postmarked_at"] = _("Give the postmark's date and time.")
    if postmarked_at is not None and (postmarked_at.utcoffset() is None or postmarked_at > at):
        fields["postmarked_at"] = _("The postmark must be a moment in the past, with its time zone.")
    if not isinstance(form_data, dict):
        fields["form_data"] = _("The form data must be a set of named fields.")
    if fields:
        raise ApplicationError(_("Correct the fields marked."), code="invalid", fields=fields)
    person = clean_applicant(applicant)
    if channel == Dossier.Channel.ONLINE:
        require(
            is_active(actor)
            and actor.kind in APPLICANT_KINDS
            and person.user is not None
            and person.user.pk == actor.pk,
            _("An online dossier is submitted by the applicant, from their own account."),
        )
    else:
        require(
            has_role(actor, Role.INTAKE_OFFICER, receiving_unit),
            _("Only an intake officer of %(unit)s can take in a dossier there.")
            % {"unit": receiving_unit.name},
        )
    if not receiving_unit.is_active:
        raise ApplicationError(
            _("%(unit)s no longer receives dossiers.") % {"unit": receiving_unit.name},
            code="unit_inactive",
            fields={"receiving_unit": _("Choose an active unit.")},
        )
    version = procedure_version_for_submission(procedure=procedure, at=at)
    if version.procedure_id == procedure.pk:
        version.procedure = procedure  # the caller's instance: not read again
    prefetch_related_objects([version], "methods", "fees", "eforms")
    check_channel(version, channel)
    check_return_method(version, return_method)
    competent = competent_unit_for(version, receiving_unit, competent_unit)
    dossier = Dossier.objects.create(
        channel=channel,
        return_method=return_method,
        procedure=procedure,
        applicant=person.user,
        applicant_kind=person.kind,
        applicant_name=person.name.strip(),
        applicant_identifier=person.identifier,
        applicant_address=person.address,
        applicant_phone=person.phone,
        applicant_email=person.email,
        representative=representative.as_dict() if representative else None,
        receiving_unit=receiving_unit,
        competent_unit=competent,
        form_data=form_data,
        postmarked_at=postmarked_at if channel == Dossier.Channel.POSTAL else None,
        created_by=actor if is_active(actor) else None,
    )
    added = add_components(dossier, components, actor=actor, at=at, fresh=True)
    finish_action(
        dossier,
        kind=Kind.CREATED,
        actor=actor,
        at=at,
        from_status="",
        before=None,
        fields=(),
        bump=False,
        count=count,
        data={
            "channel": channel,
            "procedure_code": procedure.code,
            "receiving_unit": receiving_unit.pk,
            "competent_unit": competent.pk,
            "return_method": return_method,
            "applicant_kind": person.kind,
            "has_account": person.user is not None,
            "has_representative": representative is not None,
            "postmarked_at": dossier.postmarked_at,
            "components": components_data(added),
        },
    )
    return dossier, version, added


def _require_submitter(actor: Any, dossier: Dossier) -> None:
    if dossier.channel == Dossier.Channel.ONLINE:
        require(is_applicant(actor, dossier), _("Only the applicant can submit this online dossier."))
    else:
        require_intake_officer(actor, dossier)


@transaction.atomic
def dossier_submit(
    *, dossier: Dossier, actor: Any, expected_version: int | None = None, at: datetime | None = None
) -> Dossier:
    """draft → submitted: binds the procedure version in force (kept for the dossier's whole life) and
    checks the e-forms and the required components; online: stamps the system receipt and the
    8-working-hour limit to receive (ND 45/2020 art. 11)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.DRAFT)
    _require_submitter(actor, dossier)
    version = procedure_version_for_submission(procedure=dossier.procedure, at=at)
    return _submit(dossier, actor=actor, at=at, version=version)


SUBMIT_FIELDS = [
    "procedure_version",
    "fees_due_vnd",
    "status",
    "submitted_at",
    "system_received_at",
    "receive_due_at",
]


def _submit(
    dossier: Dossier,
    *,
    actor: Any,
    at: datetime,
    version: ProcedureVersion,
    components: list[DossierComponent] | None = None,
    fresh: bool = False,
) -> Dossier:
    """draft → submitted, on the locked draft (or, `fresh`, the draft just created in this transaction
    with its `components`: then the row is saved and counted by the caller)."""
    before = snapshot(dossier, AUDIT_FIELDS)
    check_channel(version, dossier.channel)
    check_return_method(version, dossier.return_method)
    check_form_data(version, dossier.form_data)
    check_required_components(version, dossier, components=components)
    coordinating = list(
        procedure_units(version=version, role=AgencyRole.COORDINATING).exclude(pk=dossier.competent_unit_id)
    )
    if not fresh:
        dossier.coordinating_units.set(coordinating)
    elif coordinating:
        dossier.coordinating_units.add(*coordinating)
    dossier.procedure_version = version
    dossier.fees_due_vnd = fees_due(version, dossier.channel)
    dossier.status = Status.SUBMITTED
    dossier.submitted_at = dossier.system_received_at = at
    if dossier.channel == Dossier.Channel.ONLINE:
        dossier.receive_due_at = online_receive_due(
            system_received_at=at, receiving_unit_id=dossier.receiving_unit_id
        )
    return finish_action(
        dossier,
        kind=Kind.SUBMITTED,
        actor=actor,
        at=at,
        from_status=Status.DRAFT,
        before=before,
        fields=SUBMIT_FIELDS,
        data={
            "procedure_version": version.number,
            "channel": dossier.channel,
            "submitted_at": at,
            "system_received_at": at,
            "receive_due_at": dossier.receive_due_at,
            "coordinating_units": sorted(unit.pk for unit in coordinating),
            "fees_due_vnd": dossier.fees_due_vnd,
            "components": components_data(
                list(dossier.components.select_related("file")) if components is None else components
            ),
        },
        save=not fresh,
        count=not fresh,
    )


@transaction.atomic
def dossier_receive(
    *, dossier: Dossier, actor: Any, expected_version: int | None = None, at: datetime | None = None
) -> Dossier:
    """submitted → processing at the first step: the code, the clock start (ADR 0008), the appointment
    and the lookup secret of Form 01. An online dossier received after its 8 working hours is flagged
    `received_late` (ND 45/2020 art. 11). A first step that receives is done by the receipt itself."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.SUBMITTED)
    require_intake_officer(actor, dossier)
    return _receive(dossier, actor=actor, at=at)


RECEIVE_FIELDS = [
    "code",
    "code_agency",
    "code_day",
    "code_sequence",
    "received_at",
    "received_by",
    "received_late",
    "clock_started_at",
    "appointment_at",
    "due_at",
    "lookup_secret_hash",
    "status",
    "current_step",
    "assignee",
]


def _receive(dossier: Dossier, *, actor: Any, at: datetime, fresh: bool = False) -> Dossier:
    """submitted → processing, on the locked dossier (`fresh`: see `_submit`)."""
    before = snapshot(dossier, AUDIT_FIELDS)
    version = dossier.procedure_version
    assert version is not None  # bound at submission
    code = allocate_code(unit=dossier.receiving_unit, at=at)
    dossier.code = str(code)
    dossier.code_agency, dossier.code_day, dossier.code_sequence = code.agency_code, code.day, code.sequence
    dossier.received_at, dossier.received_by = at, actor
    dossier.received_late = bool(
        dossier.channel == Dossier.Channel.ONLINE and dossier.receive_due_at and at > dossier.receive_due_at
    )
    calendar = competent_calendar(dossier)
    start, rule = clock_start(dossier=dossier, received_at=at, calendar=calendar)
    appointment = procedure_expected_due(
        version=version, unit=dossier.competent_unit, start=start, channel=CATALOG_CHANNEL[dossier.channel]
    )
    dossier.clock_started_at, dossier.appointment_at, dossier.due_at = start, appointment, appointment
    dossier.lookup_secret_hash = hash_lookup_secret(derive_lookup_secret(dossier.public_id))
    dossier.status = Status.PROCESSING
    plan = process.process_plan(version)
    opened: list[DossierStep] = []
    for step in process.first_steps(plan):
        if ProcessAction.RECEIVE in step.actions:
            for visit in process.start_steps(dossier=dossier, steps=[step], at=at, assignee=actor):
                process.finish_visit(visit=visit, outcome=DossierStep.Outcome.FORWARDED, actor=actor, at=at)
            following = [
                s
                for s in process.successors(plan, step.key)
                if process.ready_to_open(dossier=dossier, step=s)
            ]
            opened += process.start_steps(dossier=dossier, steps=following, at=at)
        else:
            opened += process.start_steps(dossier=dossier, steps=[step], at=at)
    process.sync_current(dossier)
    return finish_action(
        dossier,
        kind=Kind.RECEIVED,
        actor=actor,
        at=at,
        from_status=Status.SUBMITTED,
        before=before,
        fields=RECEIVE_FIELDS,
        save=not fresh,
        count=not fresh,
        data={
            "code": dossier.code,
            "channel": dossier.channel,
            "received_at": at,
            "receive_due_at": dossier.receive_due_at,
            "received_late": dossier.received_late,
            "clock_started_at": start,
            "clock_start_rule": rule,
            "appointment_at": appointment,
            "due_at": appointment,
            "time_limit": {
                "amount": version.time_limit_amount,
                "unit": version.time_limit_unit,
                "convention": version.time_limit_convention,
                "supplement_clock": version.supplement_clock,
            },
            "steps": [step_data(visit) for visit in opened],
        },
    )


@transaction.atomic
def dossier_ask_supplement_at_intake(
    *,
    dossier: Dossier,
    actor: Any,
    items: Sequence[str],
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """submitted → supplement_at_intake: the guidance given once, in full (Form 02; LEGAL.md §1.3)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.SUBMITTED)
    require_intake_officer(actor, dossier)
    items = clean_items(items)
    reason = clean_text(reason, "reason", _("Give the reason for the supplement request."))
    before = snapshot(dossier, AUDIT_FIELDS)
    request = SupplementRequest.objects.create(
        dossier=dossier,
        phase=SupplementRequest.Phase.INTAKE,
        items=items,
        reason=reason,
        requested_at=at,
        requested_by=actor,
    )
    dossier.status = Status.SUPPLEMENT_AT_INTAKE
    return finish_action(
        dossier,
        kind=Kind.SUPPLEMENT_REQUESTED_AT_INTAKE,
        actor=actor,
        at=at,
        from_status=Status.SUBMITTED,
        before=before,
        fields=["status"],
        data={"request": request.pk, "items": items, "reason": reason},
    )


@transaction.atomic
def dossier_resubmit(
    *,
    dossier: Dossier,
    actor: Any,
    components: Sequence[ComponentInput] = (),
    form_data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """supplement_at_intake → submitted, with the added components. The applicant does it, or an intake
    officer for a paper dossier brought back to the counter. The system receipt (and for online
    dossiers the 8 working hours) counts again from the complete dossier (ND 23/2015 art. 7)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.SUPPLEMENT_AT_INTAKE)
    require(
        is_applicant(actor, dossier)
        or (dossier.channel != Dossier.Channel.ONLINE and is_intake_officer(actor, dossier)),
        _("Only the applicant can resubmit this dossier."),
    )
    before = snapshot(dossier, AUDIT_FIELDS)
    request = SupplementRequest.objects.select_for_update().get(dossier=dossier, completed_at__isnull=True)
    request.completed_at, request.completed_by = at, actor
    request.save(update_fields=["completed_at", "completed_by"])
    changed = update_form_data(dossier, form_data)
    added = add_components(dossier, components, actor=actor, at=at, supplement_request=request)
    dossier.status = Status.SUBMITTED
    dossier.system_received_at = at
    if dossier.channel == Dossier.Channel.ONLINE:
        dossier.receive_due_at = online_receive_due(
            system_received_at=at, receiving_unit_id=dossier.receiving_unit_id
        )
    return finish_action(
        dossier,
        kind=Kind.RESUBMITTED,
        actor=actor,
        at=at,
        from_status=Status.SUPPLEMENT_AT_INTAKE,
        before=before,
        fields=["status", "system_received_at", "receive_due_at", *changed],
        data={
            "request": request.pk,
            "system_received_at": at,
            "receive_due_at": dossier.receive_due_at,
            "form_data_changed": bool(changed),
            "components": components_data(added),
        },
    )


@transaction.atomic
def dossier_refuse_intake(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """submitted → refused_at_intake, final (Form 03, with the reasons)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.SUBMITTED)
    require_intake_officer(actor, dossier)
    reason = clean_text(reason, "reason", _("Give the reasons for the refusal."))
    before = snapshot(dossier, AUDIT_FIELDS)
    dossier.status = Status.REFUSED_AT_INTAKE
    dossier.ended_at, dossier.end_reason = at, reason
    return finish_action(
        dossier,
        kind=Kind.REFUSED_AT_INTAKE,
        actor=actor,
        at=at,
        from_status=Status.SUBMITTED,
        before=before,
        fields=["status", "ended_at", "end_reason"],
        data={"reason": reason, "end_status": dossier.status},
    )


@transaction.atomic
def counter_intake(
    *,
    actor: Any,
    procedure: Procedure,
    applicant: Applicant | Any,
    receiving_unit: Unit,
    form_data: dict[str, Any],
    components: Sequence[ComponentInput],
    return_method: str,
    representative: Representative | None = None,
    competent_unit: Unit | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Create, submit and receive a direct dossier in one transaction: an error at any stage leaves
    nothing behind (no dossier, no event, no code number used).

    The same three events, audit records and outbox rows as the three actions, with what they share read
    once: the draft is not read back and locked again (no one else can see it before the commit), the
    procedure version is bound once, the row is updated once and the counters moved once."""
    at = action_moment(at)
    dossier, version, added = _create(
        actor=actor,
        procedure=procedure,
        applicant=applicant,
        channel=Dossier.Channel.DIRECT,
        receiving_unit=receiving_unit,
        form_data=form_data,
        components=components,
        return_method=return_method,
        representative=representative,
        competent_unit=competent_unit,
        postmarked_at=None,
        at=at,
        count=False,
    )
    _submit(dossier, actor=actor, at=at, version=version, components=added, fresh=True)
    _receive(dossier, actor=actor, at=at, fresh=True)
    dossier.save(update_fields=sorted({*SUBMIT_FIELDS, *RECEIVE_FIELDS, "version", "updated_at"}))
    move_counters(dossier, "", dossier.status)
    return dossier


@transaction.atomic
def intake_guidance_record(
    *,
    actor: Any,
    receiving_unit: Unit,
    procedure: Procedure,
    applicant_name: str,
    items: Sequence[str],
    note: str = "",
    at: datetime | None = None,
) -> IntakeNote:
    """Record the guidance given at the counter to a walk-in applicant whose papers are incomplete
    (Form 02), without creating a dossier (LEGAL.md §1.11)."""
    at = action_moment(at)
    require(
        has_role(actor, Role.INTAKE_OFFICER, receiving_unit),
        _("Only an intake officer of %(unit)s can do this.") % {"unit": receiving_unit.name},
    )
    name = clean_text(applicant_name, "applicant_name", _("Give the applicant's name."))
    items = clean_items(items)
    intake_note = IntakeNote.objects.create(
        receiving_unit=receiving_unit,
        procedure=procedure,
        applicant_name=name,
        items=items,
        note=note.strip(),
        recorded_at=at,
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="create",
        obj=intake_note,
        before=None,
        after=snapshot(intake_note, ["receiving_unit", "procedure", "items", "recorded_at"]),
        unit=receiving_unit.pk,
    )
    outbox_emit(
        kind=OUTBOX_PREFIX + "intake_guidance",
        payload={
            "schema_version": 1,
            "intake_note": intake_note.pk,
            "receiving_unit": receiving_unit.pk,
            "procedure": procedure.pk,
            "items": items,
            "at": at.isoformat(),
        },
        aggregate=intake_note,
    )
    return intake_note
