"""The index as the API, the dashboard and the exports show it: a unit's 100 points for a period, each
indicator with its target and colour, the ranking of its child units and the trend over months.

Everything here reads the counters through `facts` (never the dossiers); the targets and colours come
from `selectors` and `bands` (LEGAL.md §12: a unit's target rests on its result of the previous year,
computed from the same counters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from motcua.kpi.bands import Band, band
from motcua.kpi.facts import (
    Period,
    Scope,
    Totals,
    child_totals,
    dossier_totals,
    indicator_facts,
    judged_at,
    month_period,
    year_period,
)
from motcua.kpi.indicators import IndexResult, IndicatorResult, index_from_facts
from motcua.kpi.models import KpiSettings, UnitTarget
from motcua.kpi.selectors import ResolvedTarget, central_targets, kpi_settings, resolve_target
from motcua.kpi.targets import INDICATOR_METRIC, scopes_for_level
from motcua.organizations.models import Unit


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    """One indicator of a unit's index with the target it is judged against and its colour."""

    result: IndicatorResult
    target: ResolvedTarget | None
    band: Band | None

    @property
    def id(self) -> str:
        return self.result.indicator.id


@dataclass(frozen=True, slots=True)
class UnitIndex:
    unit: Unit
    period: Period
    judged_at: datetime | None
    totals: Totals
    result: IndexResult
    lines: dict[str, IndicatorLine]
    accept_apology: bool
    filtered: bool

    @property
    def started(self) -> bool:
        return self.judged_at is not None

    @property
    def running(self) -> bool:
        return self.judged_at is not None and self.judged_at < self.period.end_instant


class Targets:
    """The targets of several units for one year, read in three queries (settings, central, overrides)."""

    def __init__(self, *, year: int, unit_ids: list[int], settings: KpiSettings) -> None:
        self.settings = settings
        metrics = list(INDICATOR_METRIC.values())
        self.central = central_targets(year=year, metrics=metrics)
        self.overrides: dict[tuple[int, str], UnitTarget] = {
            (row.unit_id, row.metric): row
            for row in UnitTarget.objects.filter(unit_id__in=unit_ids, year=year, metric__in=metrics)
        }

    def for_unit(self, unit: Unit, indicator_id: str, last_year: Decimal | None) -> ResolvedTarget | None:
        metric = INDICATOR_METRIC.get(indicator_id)
        if metric is None:
            return None
        candidates = [
            self.central[(metric, scope)]
            for scope in scopes_for_level(unit.level)
            if (metric, scope) in self.central
        ]
        central = None
        if candidates:
            newest = max(target.year for target in candidates)
            central = next(target for target in candidates if target.year == newest)
        return resolve_target(
            central=central,
            override=self.overrides.get((unit.pk, metric)),
            last_year_result=last_year,
            settings=self.settings,
        )


def _line(result: IndicatorResult, target: ResolvedTarget | None, settings: KpiSettings) -> IndicatorLine:
    colour = None
    # A rate over nothing (0 ÷ 0, even where the portal scores it as 0 %) is not judged: no colour.
    judged = result.applicable and not result.no_data and result.denominator > 0
    if target is not None and result.percent is not None and judged:
        colour = band(result.percent, target.rate, settings.band_fractions)
    return IndicatorLine(result=result, target=target, band=colour)


def _index(unit: Unit, totals: Totals, accept_apology: bool) -> IndexResult:
    return index_from_facts(indicator_facts(totals, accept_apology=accept_apology), level=unit.level)


def _last_year_percent(unit: Unit, totals: Totals, accept_apology: bool) -> dict[str, Decimal | None]:
    result = _index(unit, totals, accept_apology)
    return {
        indicator_id: line.percent if not line.no_data else None
        for indicator_id, line in result.indicators.items()
    }


def unit_index(
    *,
    unit: Unit,
    period: Period,
    procedures: QuerySet[Any] | None = None,
    at: datetime | None = None,
    settings: KpiSettings | None = None,
) -> UnitIndex:
    """The index of `unit`'s subtree for `period`: indicators, groups, total, targets and colours."""
    settings = settings or kpi_settings()
    accept = settings.accept_apology_appointment
    scope = Scope(unit=unit, procedures=procedures)
    instant = judged_at(period, at)
    totals = dossier_totals(scope=scope, period=period, at=at)
    result = _index(unit, totals, accept)
    previous = dossier_totals(scope=scope, period=year_period(period.year - 1), at=at)
    last_year = _last_year_percent(unit, previous, accept) if previous.received else {}
    targets = Targets(year=period.year, unit_ids=[unit.pk], settings=settings)
    lines = {
        indicator_id: _line(line, targets.for_unit(unit, indicator_id, last_year.get(indicator_id)), settings)
        for indicator_id, line in result.indicators.items()
    }
    return UnitIndex(
        unit=unit,
        period=period,
        judged_at=instant,
        totals=totals,
        result=result,
        lines=lines,
        accept_apology=accept,
        filtered=procedures is not None,
    )


@dataclass(frozen=True, slots=True)
class RankedUnit:
    unit: Unit
    totals: Totals
    result: IndexResult
    lines: dict[str, IndicatorLine]
    rank: int


RANKING_INDICATORS = ("2.1", "3.3", "4.1", "4.3")


def child_ranking(
    *,
    unit: Unit,
    period: Period,
    procedures: QuerySet[Any] | None = None,
    at: datetime | None = None,
    settings: KpiSettings | None = None,
) -> list[RankedUnit]:
    """The direct child units of `unit` with a dossier in the period, best total first."""
    settings = settings or kpi_settings()
    accept = settings.accept_apology_appointment
    scope = Scope(unit=unit, procedures=procedures)
    current = child_totals(scope=scope, period=period, at=at)
    previous = child_totals(scope=scope, period=year_period(period.year - 1), at=at)
    children = {child.pk: child for child in Unit.objects.filter(pk__in=list(current))}
    targets = Targets(year=period.year, unit_ids=list(children), settings=settings)
    rows = []
    for pk, totals in current.items():
        if not totals.received:
            continue
        child = children[pk]
        result = _index(child, totals, accept)
        last_year = (
            _last_year_percent(child, previous[pk], accept)
            if previous.get(pk) and previous[pk].received
            else {}
        )
        lines = {
            indicator_id: _line(
                result.indicators[indicator_id],
                targets.for_unit(child, indicator_id, last_year.get(indicator_id)),
                settings,
            )
            for indicator_id in RANKING_INDICATORS
        }
        rows.append((child, totals, result, lines))
    rows.sort(key=lambda row: (-row[2].total, row[0].name))
    return [
        RankedUnit(unit=child, totals=totals, result=result, lines=lines, rank=position)
        for position, (child, totals, result, lines) in enumerate(rows, start=1)
    ]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    total: Decimal
    percents: dict[str, Decimal | None]
    received: int


TREND_INDICATORS = ("2.1", "3.3", "4.1", "4.3")
TREND_MONTHS = 12


def monthly_trend(
    *,
    unit: Unit,
    period: Period,
    procedures: QuerySet[Any] | None = None,
    at: datetime | None = None,
    settings: KpiSettings | None = None,
) -> list[TrendPoint]:
    """The index month by month: the months of the period, or the 12 months up to its last one, each
    judged as its own period (months not begun are left out)."""
    settings = settings or kpi_settings()
    accept = settings.accept_apology_appointment
    months = period.months()
    if len(months) < TREND_MONTHS:
        last = months[-1]
        months = []
        year, number = last.start.year, last.start.month
        for _step in range(TREND_MONTHS):
            months.insert(0, month_period(year, number))
            year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    scope = Scope(unit=unit, procedures=procedures)
    points = []
    for month in months:
        if judged_at(month, at) is None:
            continue
        totals = dossier_totals(scope=scope, period=month, at=at)
        result = _index(unit, totals, accept)
        points.append(
            TrendPoint(
                period=month,
                total=result.total,
                # A month without dossiers has no rate (not the 0 % the portal scores it as).
                percents={
                    i: result.indicators[i].percent if result.indicators[i].denominator else None
                    for i in TREND_INDICATORS
                },
                received=totals.received,
            )
        )
    return points
