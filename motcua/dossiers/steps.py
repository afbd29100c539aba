"""The dossier's walk through the internal process (quy trình nội bộ) of its procedure version.

The catalogue's process is a graph (`motcua.catalog.processes`): a step after several steps joins them,
several steps after one run in parallel, a `coordinating` step fans out to every coordinating unit. Each
visit of a step is a `DossierStep` with its own clock (the step's budget on the step unit's calendar);
Form 06 is the list of these visits. A version without a process gets the default one: a specialist of
the competent unit appraises, its leader approves, the receiving unit returns the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role
from motcua.catalog.models import ProcedureVersion, ProcessAction, StepScope
from motcua.dossiers.deadlines import step_due, timeliness
from motcua.dossiers.models import Dossier, DossierStep

APPROVAL_ACTIONS = frozenset({ProcessAction.APPROVE, ProcessAction.SIGN})


@dataclass(frozen=True, slots=True)
class PlanStep:
    key: str
    name: str
    role: str
    scope: str
    unit_id: int | None
    budget_minutes: int | None
    actions: frozenset[str]
    after: tuple[str, ...]
    process_step_id: int | None = None


def _default_plan() -> list[PlanStep]:
    with translation.override(settings.LANGUAGE_CODE):
        return [
            PlanStep(
                "appraise",
                gettext("Appraise the dossier"),
                Role.SPECIALIST,
                StepScope.COMPETENT,
                None,
                None,
                frozenset({ProcessAction.APPRAISE, ProcessAction.REQUEST_SUPPLEMENT}),
                (),
            ),
            PlanStep(
                "approve",
                gettext("Approve the result"),
                Role.LEADER,
                StepScope.COMPETENT,
                None,
                None,
                frozenset({ProcessAction.APPROVE, ProcessAction.SIGN, ProcessAction.REJECT}),
                ("appraise",),
            ),
            PlanStep(
                "return_result",
                gettext("Return the result"),
                Role.INTAKE_OFFICER,
                StepScope.RECEIVING,
                None,
                None,
                frozenset({ProcessAction.RETURN_RESULT}),
                ("approve",),
            ),
        ]


def process_plan(version: ProcedureVersion) -> dict[str, PlanStep]:
    """The version's process by key, in its order (the default process when it publishes none)."""
    rows = list(version.process_steps.order_by("position"))
    if not rows:
        return {step.key: step for step in _default_plan()}
    return {
        row.key: PlanStep(
            row.key,
            row.name,
            row.role,
            row.unit_scope,
            row.unit_id,
            row.budget_minutes,
            frozenset(row.actions or ()),
            tuple(row.after or ()),
            row.pk,
        )
        for row in rows
    }


def successors(plan: dict[str, PlanStep], key: str) -> list[PlanStep]:
    return [step for step in plan.values() if key in step.after]


def first_steps(plan: dict[str, PlanStep]) -> list[PlanStep]:
    return [step for step in plan.values() if not step.after]


def approval_keys(plan: dict[str, PlanStep]) -> set[str]:
    """Where the result is approved: steps offering approve or sign; else the step before the return of
    the result; else the final step."""
    keys = {step.key for step in plan.values() if step.actions & APPROVAL_ACTIONS}
    if keys:
        return keys
    finals = [step for step in plan.values() if not successors(plan, step.key)]
    for final in finals:
        if ProcessAction.RETURN_RESULT in final.actions and final.after:
            return set(final.after)
    return {step.key for step in finals}


def _units_for(dossier: Dossier, step: PlanStep) -> list[int]:
    if step.scope == StepScope.UNIT and step.unit_id is not None:
        return [step.unit_id]
    if step.scope == StepScope.RECEIVING:
        return [dossier.receiving_unit_id]
    if step.scope == StepScope.COORDINATING:
        coordinating = sorted(dossier.coordinating_units.values_list("pk", flat=True))
        return coordinating or [dossier.competent_unit_id]
    return [dossier.competent_unit_id]


def open_visits(dossier: Dossier) -> list[DossierStep]:
    return list(dossier.steps.filter(finished_at__isnull=True).order_by("sequence"))


def start_steps(
    *, dossier: Dossier, steps: list[PlanStep], at: datetime, assignee: Any = None
) -> list[DossierStep]:
    """Open a visit of each step (one per coordinating unit for a coordinating step)."""
    last = dossier.steps.aggregate(last=Max("sequence"))["last"] or 0
    created: list[DossierStep] = []
    for step in steps:
        for unit_id in _units_for(dossier, step):
            last += 1
            created.append(
                DossierStep.objects.create(
                    dossier=dossier,
                    sequence=last,
                    process_step_id=step.process_step_id,
                    key=step.key,
                    name=step.name,
                    role=step.role,
                    unit_id=unit_id,
                    assignee=assignee,
                    budget_minutes=step.budget_minutes,
                    started_at=at,
                    due_at=step_due(unit_id=unit_id, started_at=at, budget_minutes=step.budget_minutes),
                )
            )
    return created


def finish_visit(
    *, visit: DossierStep, outcome: str, actor: Any, at: datetime, note: str = ""
) -> DossierStep:
    visit.finished_at = max(at, visit.started_at)
    visit.finished_by = actor if getattr(actor, "pk", None) else None
    visit.outcome = outcome
    visit.timeliness = timeliness(finished_at=visit.finished_at, due_at=visit.due_at)
    visit.note = note
    visit.save(update_fields=["finished_at", "finished_by", "outcome", "timeliness", "note"])
    return visit


def finish_all(*, dossier: Dossier, outcome: str, actor: Any, at: datetime) -> list[DossierStep]:
    return [finish_visit(visit=v, outcome=outcome, actor=actor, at=at) for v in open_visits(dossier)]


def ready_to_open(*, dossier: Dossier, step: PlanStep) -> bool:
    """A joining step opens once every step it follows has been forwarded since its own last visit, and
    none of them is still open (every coordinating branch has answered)."""
    visits = list(dossier.steps.filter(key__in=[*step.after, step.key]).values("key", "sequence", "outcome"))
    own = max((v["sequence"] for v in visits if v["key"] == step.key), default=0)
    for key in step.after:
        mine = [v for v in visits if v["key"] == key and v["sequence"] > own]
        if not mine or any(v["outcome"] == "" for v in mine):
            return False
        if not any(v["outcome"] == DossierStep.Outcome.FORWARDED for v in mine):
            return False
    return not any(v["key"] == step.key and v["outcome"] == "" for v in visits)


def can_act(actor: Any, visit: DossierStep) -> bool:
    """The visit's assignee, or anyone holding the step's role on its unit while it has none."""
    if visit.assignee_id is not None:
        return bool(getattr(actor, "pk", None) == visit.assignee_id and actor.is_active)
    return has_role(actor, visit.role, visit.unit)


def sync_current(dossier: Dossier) -> None:
    """`current_step` and `assignee` from the open visits (no current step during a fan-out)."""
    visits = open_visits(dossier)
    single = visits[0] if len(visits) == 1 else None
    dossier.current_step = single
    dossier.assignee_id = single.assignee_id if single else None
