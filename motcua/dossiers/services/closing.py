"""The end of a dossier: rejection, approval, return of the result, stop, withdrawal (LEGAL.md §1.7–1.10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role
from motcua.catalog.models import ProcessAction
from motcua.core.audit import snapshot
from motcua.core.errors import ApplicationError, Conflict
from motcua.dossiers import steps as process
from motcua.dossiers.deadlines import (
    build_clock,
    timeliness,
)
from motcua.dossiers.events import step_data
from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.services.common import (
    AUDIT_FIELDS,
    WITHDRAWABLE,
    Kind,
    Status,
    action_moment,
    clean_text,
    finish_action,
    is_applicant,
    lock_dossier,
    require,
    require_intake_officer,
    require_leader,
    require_status,
)


@transaction.atomic
def dossier_reject(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → rejected, final: a leader of the competent unit, with the reasons (LEGAL.md §1.7)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    require_leader(actor, dossier)
    reason = clean_text(reason, "reason", _("Give the reasons why the dossier is not eligible."))
    before = snapshot(dossier, AUDIT_FIELDS)
    closed = process.finish_all(dossier=dossier, outcome=DossierStep.Outcome.REJECTED, actor=actor, at=at)
    process.sync_current(dossier)
    dossier.status = Status.REJECTED
    dossier.ended_at, dossier.end_reason = at, reason
    return finish_action(
        dossier,
        kind=Kind.REJECTED,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["status", "ended_at", "end_reason", "current_step", "assignee"],
        data={
            "reason": reason,
            "steps": [step_data(visit) for visit in closed],
            "end_status": dossier.status,
        },
    )


@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    actor: Any,
    result_note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """processing → resolved: the leader at the approval step issues the result. The step that returns
    the result (if the process has one) opens for the receiving unit; an electronic result is returned at
    once, by the system (a second event, `returned`)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.PROCESSING)
    assert dossier.procedure_version is not None
    plan = process.process_plan(dossier.procedure_version)
    keys = process.approval_keys(plan)
    at_approval = [visit for visit in process.open_visits(dossier) if visit.key in keys]
    if not at_approval:
        raise Conflict(
            _("The dossier has not reached the approval step; forward it there first."),
            code="not_at_approval_step",
        )
    mine = [
        visit
        for visit in at_approval
        if process.can_act(actor, visit) and has_role(actor, Role.LEADER, visit.unit)
    ]
    require(bool(mine), _("Only the leader at the approval step can approve the result."))
    before = snapshot(dossier, AUDIT_FIELDS)
    visit = process.finish_visit(
        visit=mine[0], outcome=DossierStep.Outcome.APPROVED, actor=actor, at=at, note=result_note.strip()
    )
    returning = [
        step for step in process.successors(plan, visit.key) if ProcessAction.RETURN_RESULT in step.actions
    ]
    opened = []
    if dossier.return_method != Dossier.ReturnMethod.ELECTRONIC:
        opened = process.start_steps(dossier=dossier, steps=returning, at=at)
    process.sync_current(dossier)
    clock = build_clock(dossier)
    due = clock.at(at).due if clock else dossier.due_at
    dossier.status = Status.RESOLVED
    dossier.resolved_at = dossier.ended_at = at
    dossier.result_note = result_note.strip()
    dossier.due_at = due
    finish_action(
        dossier,
        kind=Kind.APPROVED,
        actor=actor,
        at=at,
        from_status=Status.PROCESSING,
        before=before,
        fields=["status", "resolved_at", "ended_at", "result_note", "due_at", "current_step", "assignee"],
        data={
            "result_note": dossier.result_note,
            "resolved_at": at,
            "appointment_at": dossier.appointment_at,
            "due_at": due,
            "timeliness": timeliness(finished_at=at, due_at=due),
            "step": step_data(visit),
            "to_steps": [step_data(step) for step in opened],
            "end_status": dossier.status,
        },
    )
    if dossier.return_method == Dossier.ReturnMethod.ELECTRONIC:
        _return(dossier, actor=None, method=Dossier.ReturnMethod.ELECTRONIC, at=at)
    return dossier


def _return(dossier: Dossier, *, actor: Any, method: str, at: datetime) -> Dossier:
    before = snapshot(dossier, AUDIT_FIELDS)
    closed = process.finish_all(dossier=dossier, outcome=DossierStep.Outcome.RETURNED, actor=actor, at=at)
    process.sync_current(dossier)
    dossier.status = Status.RETURNED
    dossier.returned_at, dossier.result_returned_by = at, method
    return finish_action(
        dossier,
        kind=Kind.RETURNED,
        actor=actor,
        at=at,
        from_status=Status.RESOLVED,
        before=before,
        fields=["status", "returned_at", "result_returned_by", "current_step", "assignee"],
        data={
            "method": method,
            "returned_at": at,
            "automatic": actor is None,
            "steps": [step_data(visit) for visit in closed],
            "end_status": dossier.status,
        },
    )


@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    actor: Any,
    method: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """resolved → returned, final: an intake officer of the receiving unit hands the result over
    (counter, post, authorised person; electronic results are returned automatically at approval)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, Status.RESOLVED)
    require_intake_officer(actor, dossier)
    if method not in Dossier.ReturnMethod.values:
        raise ApplicationError(
            _("Choose how the result was returned."), code="invalid", fields={"method": _("Choose a method.")}
        )
    return _return(dossier, actor=actor, method=method, at=at)


def _stop(dossier: Dossier, *, actor: Any, reason: str, at: datetime, kind: str, stop_kind: str) -> Dossier:
    before = snapshot(dossier, AUDIT_FIELDS)
    from_status = dossier.status
    closed = process.finish_all(dossier=dossier, outcome=DossierStep.Outcome.STOPPED, actor=actor, at=at)
    process.sync_current(dossier)
    dossier.status, dossier.stop_kind = Status.STOPPED, stop_kind
    dossier.stopped_at = at
    dossier.ended_at = dossier.ended_at or at
    dossier.end_reason = reason
    return finish_action(
        dossier,
        kind=kind,
        actor=actor,
        at=at,
        from_status=from_status,
        before=before,
        fields=["status", "stop_kind", "stopped_at", "ended_at", "end_reason", "current_step", "assignee"],
        data={
            "reason": reason,
            "stop_kind": stop_kind,
            "steps": [step_data(visit) for visit in closed],
            "end_status": dossier.status,
        },
    )


@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """any non-final → stopped, final: an intake officer of the receiving unit, at the applicant's request
    (Form 05; ND 118/2025 art. 21, TT 03/2025 art. 7)."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, *(set(Status.values) - Dossier.FINAL_STATUSES))
    require_intake_officer(actor, dossier)
    reason = clean_text(reason, "reason", _("Give the applicant's reason for stopping."))
    return _stop(
        dossier, actor=actor, reason=reason, at=at, kind=Kind.STOPPED, stop_kind=Dossier.StopKind.STOPPED
    )


@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """submitted/supplement_at_intake/waiting_supplement → stopped (withdrawn), final: the applicant
    ("Công dân yêu cầu rút hồ sơ")."""
    at = action_moment(at)
    dossier = lock_dossier(dossier, expected_version)
    require_status(dossier, *WITHDRAWABLE)
    require(is_applicant(actor, dossier), _("Only the applicant can withdraw the dossier."))
    reason = clean_text(reason, "reason", _("Say why you withdraw the dossier."))
    return _stop(
        dossier, actor=actor, reason=reason, at=at, kind=Kind.WITHDRAWN, stop_kind=Dossier.StopKind.WITHDRAWN
    )
