"""Internal processes (quy trình nội bộ): the step graph, its critical path and the budget check.

A process is a directed acyclic graph of steps. Each step names the steps it follows (`after`): a step
following several steps joins them, several steps following one step run in parallel, and a step whose
scope is `coordinating` fans out to every coordinating agency of the procedure and joins when all have
answered (its budget applies to each branch, in parallel). The process ends in exactly one final step.

The critical path is the longest chain of budgets from a first step to the final step. It must fit in
the procedure's time limit, converted to working minutes (docs/adr/0006-catalog-versions.md):

- working hours: amount x 60; working days with the `hours` convention: amount x the standard day (8 h,
  QĐ 188/1999/QĐ-TTg art. 1), as provincial process tables do ("10 ngày làm việc = 80 giờ", LEGAL.md §3.1);
- working days with the `civil` convention: the receipt day is not counted (Civil Code art. 147(2)), so
  the worst case is a dossier received at the last moment still counted for the day: amount x 8 h plus
  the working minutes between the cut-off time (if any) and the end of that day;
- calendar days and months: the working minutes the time engine gives between a reference start and its
  due moment. The reference start is Monday 2 March 2026 at 17:00, the end of the working day of an
  ordinary week: the receipt day then contributes nothing, as for a dossier received at closing time.
- When channels have their own limits (e.g. 17 working days online, 27 in person), the smallest applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.worktime import Calendar, Convention, TimeUnit
from motcua.worktime.amounts import to_minutes
from motcua.worktime.calendar import TZ

BUDGET_REFERENCE_START = datetime(2026, 3, 2, 17, 0, tzinfo=TZ)


@dataclass(frozen=True, slots=True)
class StepNode:
    """What the graph checks need of a step."""

    key: str
    name: str
    budget_minutes: int
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CriticalPath:
    minutes: int
    keys: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GraphProblem:
    """A problem with one step (`index` in the list, `field`) or with the whole process (index None)."""

    index: int | None
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class TimeLimit:
    amount: Decimal
    unit: str
    convention: str = Convention.HOURS
    cutoff: time | None = None


def describe_minutes(minutes: int) -> str:
    """Working minutes as a person reads them: "10 h of working time", "2 h 30 min of working time"."""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return _("%(hours)d h of working time") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min of working time") % {"hours": hours, "minutes": rest}


def graph_problems(steps: Sequence[StepNode]) -> list[GraphProblem]:
    """Every structural problem of the step graph: duplicate keys, unknown predecessors, loops, not
    exactly one final step. An empty list means `critical_path` can run."""
    if not steps:
        return [GraphProblem(None, "process", _("Add at least one step to the internal process."))]
    problems: list[GraphProblem] = []
    seen: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.key in seen:
            problems.append(
                GraphProblem(
                    index,
                    "key",
                    _("Each step needs its own key; “%(key)s” is already used by step %(other)d.")
                    % {"key": step.key, "other": seen[step.key] + 1},
                )
            )
        else:
            seen[step.key] = index
        for before in step.after:
            if before == step.key:
                problems.append(GraphProblem(index, "after", _("A step cannot follow itself.")))
            elif before not in {other.key for other in steps}:
                problems.append(
                    GraphProblem(
                        index,
                        "after",
                        _("This step follows “%(key)s”, which is not a step of this process.")
                        % {"key": before},
                    )
                )
        if step.budget_minutes <= 0:
            problems.append(
                GraphProblem(
                    index, "budget_minutes", _("Give the step a time budget of at least one minute.")
                )
            )
    if problems:
        return problems
    order = _topological_order(steps)
    if order is None:
        looping = ", ".join(f"“{step.key}”" for step in steps if step.key not in _acyclic_keys(steps))
        return [
            GraphProblem(
                None,
                "process",
                _("The steps %(keys)s follow each other in a loop; a process must always move forward.")
                % {"keys": looping},
            )
        ]
    followed = {before for step in steps for before in step.after}
    finals = [step.key for step in steps if step.key not in followed]
    if len(finals) != 1:
        return [
            GraphProblem(
                None,
                "process",
                _(
                    "The process must end in one final step, but %(keys)s all end it; "
                    "make them lead to one step."
                )
                % {"keys": ", ".join(f"“{key}”" for key in finals)},
            )
        ]
    return []


def _topological_order(steps: Sequence[StepNode]) -> list[StepNode] | None:
    """Kahn's algorithm, stable in list order; None when the graph has a cycle."""
    remaining = {step.key: set(step.after) for step in steps}
    order: list[StepNode] = []
    while remaining:
        ready = [step for step in steps if step.key in remaining and not remaining[step.key]]
        if not ready:
            return None
        for step in ready:
            del remaining[step.key]
            order.append(step)
        for pending in remaining.values():
            pending.difference_update(step.key for step in ready)
    return order


def _acyclic_keys(steps: Sequence[StepNode]) -> set[str]:
    """The keys that Kahn's algorithm can place (every step not on or after a cycle)."""
    remaining = {step.key: set(step.after) for step in steps}
    placed: set[str] = set()
    progress = True
    while progress:
        progress = False
        for key, pending in list(remaining.items()):
            if pending <= placed:
                placed.add(key)
                del remaining[key]
                progress = True
    return placed


def critical_path(steps: Sequence[StepNode]) -> CriticalPath:
    """The longest chain of budgets ending at the final step (the graph must be free of problems)."""
    order = _topological_order(steps)
    if order is None or graph_problems(steps):
        raise ValueError("the step graph has problems; call graph_problems() first")
    finish: dict[str, int] = {}
    via: dict[str, str | None] = {}
    for step in order:
        best = max(step.after, key=lambda key: finish[key], default=None)
        finish[step.key] = step.budget_minutes + (finish[best] if best is not None else 0)
        via[step.key] = best
    followed = {before for step in steps for before in step.after}
    final = next(step.key for step in steps if step.key not in followed)
    keys: list[str] = []
    cursor: str | None = final
    while cursor is not None:
        keys.append(cursor)
        cursor = via[cursor]
    keys.reverse()
    names = {step.key: step.name for step in steps}
    return CriticalPath(finish[final], tuple(keys), tuple(names[key] for key in keys))


def limit_in_working_minutes(limit: TimeLimit, calendar: Calendar) -> int:
    """The time limit as working minutes for the budget check (see the module docstring)."""
    unit = TimeUnit(limit.unit)
    if unit in (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_MINUTES):
        return to_minutes(limit.amount, unit, day_minutes=calendar.day_minutes)
    if unit is TimeUnit.WORKING_DAYS:
        minutes = to_minutes(limit.amount, unit, day_minutes=calendar.day_minutes)
        if limit.convention == Convention.CIVIL and limit.cutoff is not None:
            day = BUDGET_REFERENCE_START.date()
            at_cutoff = datetime.combine(day, limit.cutoff, tzinfo=TZ)
            minutes += calendar.working_minutes_between(at_cutoff, calendar.end_of_day(at_cutoff))
        return minutes
    due = calendar.due(BUDGET_REFERENCE_START, limit.amount, unit, limit.convention)
    return calendar.working_minutes_between(BUDGET_REFERENCE_START, due)


@dataclass(frozen=True, slots=True)
class BudgetExcess:
    path: CriticalPath
    limit_minutes: int

    @property
    def excess_minutes(self) -> int:
        return self.path.minutes - self.limit_minutes

    def message(self) -> str:
        return _(
            "The internal process needs %(total)s on its critical path (%(path)s), %(excess)s more than "
            "the time limit allows (%(limit)s). Shorten the budgets of the steps on that path."
        ) % {
            "total": describe_minutes(self.path.minutes),
            "path": " → ".join(self.path.names),
            "excess": describe_minutes(self.excess_minutes),
            "limit": describe_minutes(self.limit_minutes),
        }


def budget_excess(
    steps: Sequence[StepNode], limits: Sequence[TimeLimit], calendar: Calendar
) -> BudgetExcess | None:
    """The excess of the critical path over the smallest of `limits`, or None when it fits."""
    path = critical_path(steps)
    allowed = min(limit_in_working_minutes(limit, calendar) for limit in limits)
    if path.minutes > allowed:
        return BudgetExcess(path, allowed)
    return None
