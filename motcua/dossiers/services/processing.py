"""Processing: the internal process, supplement requests and the apology (LEGAL.md §1.4–1.8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role
from motcua.core.audit import snapshot
from motcua.core.errors import ApplicationError, Conflict
from motcua.dossiers import steps as process
from motcua.dossiers.deadlines import (
    build_clock,
    competent_calendar,
    shift_by_working_minutes,
    waited_minutes,
)
from motcua.dossiers.events import components_data, step_data
from motcua.dossiers.inputs import ComponentInput
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierStep,
    SupplementRequest,
)
from motcua.dossiers.services.common import (
    AUDIT_FIELDS,
    Kind,
    Status,
    action_moment,
    add_components,
    clean_items,
    clean_text,
    finish_action,
    is_active,
    is_applicant,
    is_intake_officer,
    local_moment,
    lock_dossier,
    require,
    require_leader,
    require_status,
    update_form_data,
)


def _my_visit(dossier: Dossier, actor: Any, message: str) -> DossierStep:
    visits = [visit for visit in process.open_visits(dossier) if process.can_act(actor, visit)]
    require(bool(visits), message)
    return visits[0]


def _check_assignee(assignee: Any, visits: list[DossierStep]) -> None:
    for visit in visits:
        if not (is_active(assignee) and has_role(assignee, visit.role, visit.unit)):
            raise ApplicationError(
                _("%(name)s cannot take this step: they do not hold its role in %(unit)s.")
                % {"name": str(assignee), "unit": visit.unit.name},
                code="invalid_assignee",
                fields={"assignee": _("Choose someone who holds the step's role in its unit.")},
            )


@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier,
    actor: Any,
    to_step: str | None = None,
    assignee: Any = None,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → processing at the next step(s) of the internal process. `to_step` picks one of the
    next steps when the process offers several; `assignee` gives the opened step to a person. The event
    says whether the finished step was early, on time or late against its budget (Form 06)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    visit = _my_visit(dossier, actor, _("Only the person holding the current step can forward the dossier."))
    assert dossier.procedure_version is not None
    plan = process.process_plan(dossier.procedure_version)
    if visit.key in process.approval_keys(plan):
        raise Conflict(
            _("At this step the result is approved or the dossier rejected; it cannot be forwarded."),
            code="approval_step",
        )
    following = process.successors(plan, visit.key)
    if not following:
        raise Conflict(_("This is the last step of the process."), code="last_step")
    if to_step:
        keys = [step.key for step in following]
        if to_step not in keys:
            raise ApplicationError(
                _("The dossier can go from here only to: %(keys)s.") % {"keys": ", ".join(keys)},
                code="invalid_step",
                fields={"to_step": _("Choose one of the next steps.")},
            )
        following = [plan[to_step]]
    before = snapshot(dossier, AUDIT_FIELDS)
    process.finish_visit(
        visit=visit, outcome=DossierStep.Outcome.FORWARDED, actor=actor, at=at, note=note.strip()
    )
    ready = [step for step in following if process.ready_to_open(dossier=dossier, step=step)]
    opened = process.start_steps(dossier=dossier, steps=ready, at=at, assignee=assignee)
    if assignee is not None:
        _check_assignee(assignee, opened)
    process.sync_current(dossier)
    return finish_action(
        dossier,
        kind=Kind.FORWARDED,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["current_step", "assignee"],
        data={
            "from_step": step_data(visit),
            "to_steps": [step_data(step) for step in opened],
            "timeliness": visit.timeliness,
            "note": visit.note,
        },
    )


@transaction.atomic
def dossier_send_back(
    *,
    dossier: Dossier,
    actor: Any,
    note: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → processing at the previous step, to the person who forwarded it."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    visit = _my_visit(
        dossier, actor, _("Only the person holding the current step can send the dossier back.")
    )
    note = clean_text(note, "note", _("Say why the dossier goes back."))
    assert dossier.procedure_version is not None
    plan = process.process_plan(dossier.procedure_version)
    step = plan.get(visit.key)
    previous = (
        dossier.steps.filter(key__in=step.after if step else (), outcome=DossierStep.Outcome.FORWARDED)
        .order_by("-sequence")
        .first()
    )
    if previous is None:
        raise Conflict(
            _("This is the first step; there is no earlier step to send the dossier back to."),
            code="first_step",
        )
    before = snapshot(dossier, AUDIT_FIELDS)
    process.finish_visit(visit=visit, outcome=DossierStep.Outcome.SENT_BACK, actor=actor, at=at, note=note)
    reopened = process.start_steps(
        dossier=dossier,
        steps=[
            process.PlanStep(
                previous.key,
                previous.name,
                previous.role,
                "unit",
                previous.unit_id,
                previous.budget_minutes,
                frozenset(),
                (),
                previous.process_step_id,
            )
        ],
        at=at,
        assignee=previous.finished_by if is_active(previous.finished_by) else None,
    )
    process.sync_current(dossier)
    return finish_action(
        dossier,
        kind=Kind.SENT_BACK,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["current_step", "assignee"],
        data={
            "from_step": step_data(visit),
            "to_steps": [step_data(step) for step in reopened],
            "timeliness": visit.timeliness,
            "note": note,
        },
    )


@transaction.atomic
def dossier_reassign(
    *,
    dossier: Dossier,
    actor: Any,
    assignee: Any,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → the same step, another assignee (a leader or supervisor of the step's unit)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    visits = [
        visit
        for visit in process.open_visits(dossier)
        if has_role(actor, Role.LEADER, visit.unit) or has_role(actor, Role.SUPERVISOR, visit.unit)
    ]
    require(bool(visits), _("Only a leader or supervisor of the step's unit can reassign the dossier."))
    suitable = [
        visit for visit in visits if is_active(assignee) and has_role(assignee, visit.role, visit.unit)
    ]
    if not suitable:
        _check_assignee(assignee, visits[:1])
    visit = suitable[0]
    if visit.assignee_id == assignee.pk:
        raise ApplicationError(
            _("%(name)s already holds this step.") % {"name": str(assignee)},
            code="same_assignee",
            fields={"assignee": _("Choose someone else.")},
        )
    before = snapshot(dossier, AUDIT_FIELDS)
    previous = visit.assignee_id
    visit.assignee = assignee
    visit.save(update_fields=["assignee"])
    process.sync_current(dossier)
    return finish_action(
        dossier,
        kind=Kind.REASSIGNED,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["current_step", "assignee"],
        data={"step": step_data(visit), "from_assignee": previous, "to_assignee": assignee.pk},
    )


@transaction.atomic
def dossier_ask_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    items: Sequence[str],
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → waiting_supplement (Form 02). A specialist of the competent unit asks; the clock
    pauses (or will restart) as the procedure version says; refused beyond the version's maximum of
    requests (default 1: QĐ 766 formula 2.1 counts a second request as overdue, LEGAL.md §1.6)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    require(
        has_role(actor, Role.SPECIALIST, dossier.competent_unit),
        _("Only a specialist of %(unit)s can ask for a supplement.") % {"unit": dossier.competent_unit.name},
    )
    items = clean_items(items)
    reason = clean_text(reason, "reason", _("Give the reason for the supplement request."))
    version = dossier.procedure_version
    assert version is not None
    asked = dossier.supplement_requests.filter(phase=SupplementRequest.Phase.PROCESSING).count()
    if asked >= version.max_supplement_requests:
        raise Conflict(
            _(
                "The procedure allows %(max)d supplement request(s) during processing and this dossier "
                "has had %(count)d; decide on the dossier as it is."
            )
            % {"max": version.max_supplement_requests, "count": asked},
            code="supplement_limit",
        )
    before = snapshot(dossier, AUDIT_FIELDS)
    clock = build_clock(dossier)
    state = clock.at(at) if clock else None
    request = SupplementRequest.objects.create(
        dossier=dossier,
        phase=SupplementRequest.Phase.PROCESSING,
        items=items,
        reason=reason,
        requested_at=at,
        requested_by=actor,
        due_before=dossier.due_at,
    )
    dossier.status = Status.WAITING_SUPPLEMENT
    return finish_action(
        dossier,
        kind=Kind.SUPPLEMENT_REQUESTED,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["status"],
        data={
            "request": request.pk,
            "number": asked + 1,
            "items": items,
            "reason": reason,
            "clock_mode": version.supplement_clock,
            "due_before": dossier.due_at,
            "used_minutes": state.used_minutes if state else None,
            "left_minutes": state.left_minutes if state else None,
        },
    )


@transaction.atomic
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: Any,
    components: Sequence[ComponentInput] = (),
    form_data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """waiting_supplement → processing. The applicant supplements, or an intake officer on their behalf.
    Pause mode: the due moment moves by exactly the working time waited; restart mode: the whole time
    limit runs again from now. Open steps move by the working time waited too."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.WAITING_SUPPLEMENT)
    require(
        is_applicant(actor, dossier) or is_intake_officer(actor, dossier),
        _("Only the applicant, or an intake officer for them, can supplement the dossier."),
    )
    before = snapshot(dossier, AUDIT_FIELDS)
    request = SupplementRequest.objects.select_for_update().get(dossier=dossier, completed_at__isnull=True)
    request.completed_at, request.completed_by = max(at, request.requested_at), actor
    changed = update_form_data(dossier, form_data)
    added = add_components(dossier, components, actor=actor, at=at, supplement_request=request)
    calendar = competent_calendar(dossier)
    request.save(update_fields=["completed_at", "completed_by"])
    clock = build_clock(dossier, calendar=calendar)
    due_before = dossier.due_at
    if clock is not None:
        dossier.due_at = clock.at(at).due
    request.due_after = dossier.due_at
    request.save(update_fields=["due_after"])
    waited = calendar.working_minutes_between(request.requested_at, request.completed_at)
    for visit in process.open_visits(dossier):
        if visit.due_at is not None:
            visit.due_at = shift_by_working_minutes(
                moment=visit.due_at,
                minutes=waited_minutes(
                    unit_id=visit.unit_id,
                    begin=max(request.requested_at, visit.started_at),
                    end=request.completed_at,
                ),
                unit_id=visit.unit_id,
            )
            visit.save(update_fields=["due_at"])
    dossier.status = Status.PROCESSING
    return finish_action(
        dossier,
        kind=Kind.SUPPLEMENTED,
        actor=actor,
        at=at,
        from_status=Status.WAITING_SUPPLEMENT,
        before=before,
        fields=["status", "due_at", *changed],
        data={
            "request": request.pk,
            "requested_at": request.requested_at,
            "waited_working_minutes": waited,
            "due_before": due_before,
            "due_after": dossier.due_at,
            "form_data_changed": bool(changed),
            "components": components_data(added),
        },
    )


@transaction.atomic
def dossier_apologize(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    new_appointment: datetime,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing/waiting_supplement → same state, new appointment (Form 04). A leader of the competent
    unit sends it at most once, and only while at least 1 working day is left before the due moment
    (LEGAL.md §1.8: "chậm nhất 01 ngày trước ngày hết hạn", "không quá một lần")."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING, Status.WAITING_SUPPLEMENT)
    require_leader(actor, dossier)
    reason = clean_text(reason, "reason", _("Give the reason for the delay."))
    given = Apology.objects.filter(dossier=dossier).first()
    if given is not None:
        raise Conflict(
            _(
                "An apology with a new appointment was already sent on %(date)s; "
                "the appointment can be changed only once."
            )
            % {"date": local_moment(given.issued_at)},
            code="apology_already_given",
        )
    calendar = competent_calendar(dossier)
    clock = build_clock(dossier, calendar=calendar)
    assert clock is not None
    state = clock.at(at)
    if state.left_minutes < calendar.day_minutes:
        raise Conflict(
            _(
                "An apology must be sent at least one working day before the due moment (%(due)s); only "
                "%(hours)s working hours are left."
            )
            % {"due": local_moment(state.due), "hours": formats.number_format(state.left_minutes / 60, 2)},
            code="apology_too_late",
        )
    if new_appointment.utcoffset() is None or new_appointment <= state.due:
        raise ApplicationError(
            _("The new appointment must be later than the current due moment, %(due)s.")
            % {"due": local_moment(state.due)},
            code="invalid_appointment",
            fields={"new_appointment": _("Choose a later moment.")},
        )
    before = snapshot(dossier, AUDIT_FIELDS)
    apology = Apology.objects.create(
        dossier=dossier,
        reason=reason,
        previous_appointment=dossier.appointment_at or state.due,
        previous_due=state.due,
        new_appointment=new_appointment,
        issued_at=at,
        issued_by=actor,
    )
    dossier.appointment_at = dossier.due_at = new_appointment
    return finish_action(
        dossier,
        kind=Kind.APOLOGIZED,
        actor=actor,
        at=at,
        from_status=dossier.status,
        before=before,
        fields=["appointment_at", "due_at"],
        data={
            "apology": apology.pk,
            "reason": reason,
            "previous_appointment": apology.previous_appointment,
            "previous_due": apology.previous_due,
            "new_appointment": new_appointment,
            "left_minutes": state.left_minutes,
        },
    )
