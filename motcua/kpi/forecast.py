"""The forecast: open dossiers that will fall late before the period ends, and the points they will cost.

For a running period judged now, a dossier counted in it (received in the period, under the unit's
subtree) costs 2.1 points when it turns late before the period's end: its first late instant
(`DossierFact.late_at`, the 2.1 due instant plus one microsecond) lies after now and no later than the
period's last instant. A dossier waiting for a supplement has none (its 2.1 clock is frozen) and is left
out until the applicant answers.

Its cost is the marginal change in 2.1 points, `points(on_time) − points(on_time − 1)` of the same
received count: for the unit shown and for its competent unit (a small commune loses more per dossier
than the province). The list is ordered by the cost to the competent unit, then by the due instant: the
first rows are the ones to act on first. Each row on the page also shows the legal clock
(`dossiers.deadlines.dossier_clock`: working time left) and the at-risk flag (`dossier_at_risk`, the
moment to send an apology, LEGAL.md §1.8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.deadlines import dossier_at_risk, dossier_clock
from motcua.dossiers.models import Dossier
from motcua.kpi import scoring
from motcua.kpi.counters import DossierFact
from motcua.kpi.facts import Period, Scope, Totals, dossier_totals, judged_at
from motcua.kpi.ledger import ONE_MICROSECOND
from motcua.organizations.models import Unit, path_upper_bound

# Candidates read to rank (their competent units' totals are read once per unit).
CANDIDATES = 500
PAGE = 20


def marginal_cost(totals: Totals, *, accept_apology: bool, late: int = 1) -> Decimal:
    """The 2.1 points lost if `late` more dossiers of these totals turn late."""
    received = totals.received
    on_time = totals.on_time(accept_apology=accept_apology)
    if received == 0 or late <= 0:
        return Decimal("0.00")
    now_points = scoring.points("2.1", on_time, received) or Decimal(0)
    then_points = scoring.points("2.1", max(0, on_time - late), received) or Decimal(0)
    return (now_points - then_points).quantize(scoring.HUNDREDTH)


@dataclass(frozen=True, slots=True)
class RiskRow:
    dossier_id: int
    public_id: Any
    code: str
    applicant_name: str
    procedure_name: str
    unit_id: int
    unit_name: str
    received_at: datetime
    due_at: datetime  # the 2.1 due instant: late from the next microsecond
    cost: Decimal  # to the unit shown
    unit_cost: Decimal  # to the dossier's competent unit
    left_minutes: int | None = None  # working minutes left on the legal clock
    legal_due: datetime | None = None
    at_risk: bool = False


@dataclass(frozen=True, slots=True)
class Forecast:
    period: Period
    judged_at: datetime | None
    running: bool
    count: int  # open dossiers that will turn late in the period if nothing is done
    points_now: Decimal | None
    points_if_all_late: Decimal | None
    rows: list[RiskRow] = field(default_factory=list)


def _late_field(accept_apology: bool) -> str:
    return "late_apology_at" if accept_apology else "late_at"


def forecast(
    *,
    unit: Unit,
    period: Period,
    procedures: QuerySet[Any] | None = None,
    accept_apology: bool,
    at: datetime | None = None,
    limit: int = PAGE,
) -> Forecast:
    """The dossiers to act on first in `period` for `unit`'s subtree (see the module docstring)."""
    instant = judged_at(period, at)
    running = instant is not None and instant < period.end_instant
    if not running or instant is None:
        return Forecast(period, instant, False, 0, None, None)
    scope = Scope(unit=unit, procedures=procedures)
    totals = dossier_totals(scope=scope, period=period, at=at)
    late_field = _late_field(accept_apology)
    candidates = DossierFact.objects.filter(
        unit__path__gte=unit.path,
        unit__path__lt=path_upper_bound(unit.path),
        received_day__gte=period.start,
        received_day__lte=min(period.end, timezone.localtime(instant).date()),
        ended_at__isnull=True,
        **{f"{late_field}__gt": instant, f"{late_field}__lte": period.end_instant},
    )
    if procedures is not None:
        candidates = candidates.filter(procedure_id__in=procedures)
    count = candidates.count()
    on_time = totals.on_time(accept_apology=accept_apology)
    points_now = scoring.points("2.1", on_time, totals.received)
    points_then = scoring.points("2.1", max(0, on_time - count), totals.received)
    rows = list(
        candidates.order_by(late_field, "dossier_id").values(
            "dossier_id",
            "dossier__public_id",
            "dossier__code",
            "dossier__applicant_name",
            "procedure__name",
            "unit_id",
            "unit__name",
            "received_at",
            late_field,
        )[:CANDIDATES]
    )
    own_cost = marginal_cost(totals, accept_apology=accept_apology)
    unit_costs: dict[int, Decimal] = {}
    for unit_id in {row["unit_id"] for row in rows}:
        competent = Unit.objects.get(pk=unit_id)
        unit_totals = dossier_totals(scope=Scope(unit=competent, procedures=procedures), period=period, at=at)
        unit_costs[unit_id] = marginal_cost(unit_totals, accept_apology=accept_apology)
    ranked = sorted(rows, key=lambda row: (-unit_costs[row["unit_id"]], row[late_field], row["dossier_id"]))[
        :limit
    ]
    dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=[row["dossier_id"] for row in ranked])}
    found = []
    for row in ranked:
        dossier = dossiers[row["dossier_id"]]
        clock = dossier_clock(dossier=dossier, at=instant)
        found.append(
            RiskRow(
                dossier_id=row["dossier_id"],
                public_id=row["dossier__public_id"],
                code=row["dossier__code"] or "",
                applicant_name=row["dossier__applicant_name"],
                procedure_name=row["procedure__name"],
                unit_id=row["unit_id"],
                unit_name=row["unit__name"],
                received_at=row["received_at"],
                due_at=row[late_field] - ONE_MICROSECOND,
                cost=own_cost,
                unit_cost=unit_costs[row["unit_id"]],
                left_minutes=clock.left_minutes if clock else None,
                legal_due=clock.due if clock else None,
                at_risk=dossier_at_risk(dossier=dossier, at=instant),
            )
        )
    return Forecast(
        period=period,
        judged_at=instant,
        running=True,
        count=count,
        points_now=points_now,
        points_if_all_late=points_then,
        rows=found,
    )
