"""Service index API (QĐ 766), mounted at /api/v1/kpi.

    GET /kpi/index?unit=…&period=2026-Q3                  the index: every indicator, groups, total, targets
    GET /kpi/index?unit=…&from=2026-01-05&to=2026-02-10   a custom range (both days included)
    GET /kpi/index/{indicator}/dossiers?unit=…&period=…&which=numerator|denominator|missing
    GET /kpi/forecast?unit=…&period=…                     open dossiers that will cost 2.1 points
    GET /kpi/ranking?unit=…&period=…                      the unit's child units, best first

`procedure` (a procedure code) or `sector` (a sector code) narrows any of them. The index reads counters
only (docs/KPI.md); the lists read the per-dossier facts. Supervisors, leaders and administrators of a
unit (or of an ancestor) see its index; only supervisors and leaders see the dossiers behind it
(`permissions`). Handlers only translate: the rules live in `facts`, `reports`, `drilldown`, `forecast`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import PlainSerializer

from motcua.accounts.auth import api_auth
from motcua.dossiers.privacy import dossiers_listed
from motcua.kpi import drilldown, permissions
from motcua.kpi.facts import Period, Scope, dossier_totals, indicator_facts, parse_period, procedures_filter
from motcua.kpi.forecast import forecast as build_forecast
from motcua.kpi.indicators import GROUPS, IndicatorResult
from motcua.kpi.links import dossier_links
from motcua.kpi.reports import IndicatorLine, UnitIndex, child_ranking, unit_index
from motcua.kpi.selectors import kpi_settings
from motcua.organizations.models import MAX_UNIT_ID

router = Router(auth=api_auth, tags=["kpi"])


def _local_iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


# A moment, written with the local offset (as the dossiers API writes them).
LocalDateTime = Annotated[dt.datetime, PlainSerializer(_local_iso, return_type=str)]

FOUR_PLACES = Decimal("0.0001")


class IndexQuery(Schema):
    unit: int = Field(ge=1, le=MAX_UNIT_ID, description="The unit (its id); its whole subtree is counted")
    period: str | None = Field(None, description="2026 (year), 2026-Q3 (quarter) or 2026-08 (month)")
    date_from: dt.date | None = Field(None, alias="from", description="First day of a custom range")
    date_to: dt.date | None = Field(None, alias="to", description="Last day of a custom range")
    procedure: str | None = Field(None, max_length=64, description="Only this procedure (its code)")
    sector: str | None = Field(None, max_length=64, description="Only the procedures of this sector (code)")


class DrillQuery(IndexQuery):
    which: str = Field("denominator", description="numerator, denominator or missing")
    after: str | None = Field(None, max_length=200, description="The `next` marker of the previous page")
    limit: int = Field(drilldown.PAGE_SIZE, ge=1, le=drilldown.MAX_PAGE_SIZE)


class UnitOut(Schema):
    id: int
    name: str
    level: str


class PeriodOut(Schema):
    key: str
    kind: str
    label: str
    start: dt.date
    end: dt.date
    judged_at: LocalDateTime | None = Field(
        description="The instant the period is judged at (None: not begun)"
    )
    running: bool


class TargetOut(Schema):
    rate: Decimal
    source: str
    year: int | None = Field(description="The year of the central target it rests on")


class IndicatorOut(Schema):
    id: str
    name: str
    official_name: str
    group: str
    numerator: int
    denominator: int
    numerator_label: str
    denominator_label: str
    measure: str
    ratio: Decimal | None = Field(description="numerator ÷ denominator, 4 decimals (None for 0 ÷ 0)")
    percent: Decimal | None = Field(description="The percentage as the national portal shows it")
    average: Decimal | None = Field(description="2.2 only: working minutes per completed dossier")
    points: Decimal | None
    max_points: Decimal
    applicable: bool
    no_data: bool = Field(description="The facts behind it are not recorded yet: zero facts")
    target: TargetOut | None
    band: str | None = Field(description="green, yellow, orange or red against the target")
    band_label: str | None
    dossiers: str | None = Field(description="The list of the dossiers behind it (dossier indicators)")


class GroupOut(Schema):
    id: str
    name: str
    official_name: str
    parent: str | None
    points: Decimal
    max_points: Decimal


class IndexOut(Schema):
    unit: UnitOut
    period: PeriodOut
    procedure: str | None
    sector: str | None
    accept_apology_appointment: bool
    total: Decimal
    max_points: Decimal
    groups: list[GroupOut]
    indicators: list[IndicatorOut]


class DrillRowOut(Schema):
    public_id: str
    code: str | None
    status: str
    applicant_name: str
    procedure_code: str
    procedure_name: str
    unit_name: str
    channel: str
    received_at: LocalDateTime
    appointment_at: LocalDateTime | None
    apology_appointment_at: LocalDateTime | None
    ended_at: LocalDateTime | None
    end_state: str
    late: bool = Field(description="Late for 2.1 at the instant the period is judged at")
    e_result_at: LocalDateTime | None
    reused_at: LocalDateTime | None
    working_minutes: int | None
    links: dict[str, str]


class DrillPageOut(Schema):
    indicator: str
    which: str
    count: int = Field(description="How many dossiers the number counts (all pages)")
    judged_at: LocalDateTime | None
    items: list[DrillRowOut]
    next: str | None = Field(description="Pass as `after` for the next page; None on the last page")


class RiskOut(Schema):
    public_id: str
    code: str
    applicant_name: str
    procedure_name: str
    unit_id: int
    unit_name: str
    received_at: LocalDateTime
    due_at: LocalDateTime = Field(description="2.1 due instant: late from the next moment")
    cost: Decimal = Field(description="2.1 points the unit shown loses if it turns late")
    unit_cost: Decimal = Field(description="2.1 points its competent unit loses")
    left_minutes: int | None = Field(description="Working minutes left on the legal clock")
    at_risk: bool
    links: dict[str, str]


class ForecastOut(Schema):
    period: PeriodOut
    running: bool
    count: int
    points_now: Decimal | None
    points_if_all_late: Decimal | None
    items: list[RiskOut]


class RankedOut(Schema):
    rank: int
    unit: UnitOut
    total: Decimal
    received: int
    indicators: list[IndicatorOut]


# --- helpers ------------------------------------------------------------------------------------------


def _period(query: IndexQuery) -> Period:
    return parse_period(query.period, date_from=query.date_from, date_to=query.date_to)


def _period_out(period: Period, judged_at: dt.datetime | None) -> PeriodOut:
    return PeriodOut(
        key=period.key,
        kind=period.kind,
        label=period.label,
        start=period.start,
        end=period.end,
        judged_at=judged_at,
        running=judged_at is not None and judged_at < period.end_instant,
    )


def _ratio(result: IndicatorResult) -> Decimal | None:
    if result.denominator == 0 or result.indicator.measure != "rate":
        return None
    value = Fraction(result.numerator, result.denominator)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(FOUR_PLACES)


def _drill_url(line: IndicatorLine, query: dict[str, Any]) -> str | None:
    if line.id not in drilldown.RULES:
        return None
    params = "&".join(f"{key}={value}" for key, value in query.items() if value)
    return reverse("api:kpi_dossiers", kwargs={"indicator": line.id}) + "?" + params


def _indicator_out(line: IndicatorLine, query: dict[str, Any]) -> IndicatorOut:
    result, indicator = line.result, line.result.indicator
    target = line.target
    return IndicatorOut(
        id=indicator.id,
        name=str(indicator.name),
        official_name=indicator.official_name,
        group=indicator.group,
        numerator=result.numerator,
        denominator=result.denominator,
        numerator_label=str(indicator.numerator_label),
        denominator_label=str(indicator.denominator_label),
        measure=str(indicator.measure),
        ratio=_ratio(result),
        percent=result.percent,
        average=result.average,
        points=result.points,
        max_points=indicator.max_points,
        applicable=result.applicable,
        no_data=result.no_data,
        target=TargetOut(
            rate=target.rate,
            source=str(target.source),
            year=target.central.year if target.central is not None else None,
        )
        if target is not None
        else None,
        band=str(line.band) if line.band else None,
        band_label=str(line.band.label) if line.band else None,
        dossiers=_drill_url(line, query) if not result.no_data and result.applicable else None,
    )


def _query_params(query: IndexQuery, unit_id: int) -> dict[str, Any]:
    return {
        "unit": unit_id,
        "period": query.period,
        "from": query.date_from,
        "to": query.date_to,
        "procedure": query.procedure,
        "sector": query.sector,
    }


def index_out(index: UnitIndex, query: IndexQuery) -> IndexOut:
    params = _query_params(query, index.unit.pk)
    return IndexOut(
        unit=UnitOut(id=index.unit.pk, name=index.unit.name, level=index.unit.level),
        period=_period_out(index.period, index.judged_at),
        procedure=query.procedure,
        sector=query.sector,
        accept_apology_appointment=index.accept_apology,
        total=index.result.total,
        max_points=index.result.max_points,
        groups=[
            GroupOut(
                id=group.group.id,
                name=str(group.group.name),
                official_name=group.group.official_name,
                parent=group.group.parent,
                points=group.points,
                max_points=group.max_points,
            )
            for group_id in GROUPS
            for group in [index.result.groups[group_id]]
        ],
        indicators=[_indicator_out(line, params) for line in index.lines.values()],
    )


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


# --- endpoints ----------------------------------------------------------------------------------------


@router.get("/index", response=IndexOut, summary="A unit's service index for a period")
def index(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    unit = permissions.unit_for_index(user=_user(request), unit_id=query.unit)
    period = _period(query)
    procedures = procedures_filter(procedure=query.procedure, sector=query.sector)
    return index_out(unit_index(unit=unit, period=period, procedures=procedures), query)


@router.get(
    "/index/{indicator}/dossiers",
    response=DrillPageOut,
    url_name="kpi_dossiers",
    summary="The dossiers behind one number of the index",
)
def indicator_dossiers(request: HttpRequest, indicator: str, query: Query[DrillQuery]) -> Any:
    drilldown.check_indicator(indicator)
    unit = permissions.unit_for_index(user=_user(request), unit_id=query.unit, dossiers=True)
    period = _period(query)
    procedures = procedures_filter(procedure=query.procedure, sector=query.sector)
    accept = kpi_settings().accept_apology_appointment
    page = drilldown.dossier_page(
        unit=unit,
        period=period,
        indicator_id=indicator,
        which=query.which,
        procedures=procedures,
        accept_apology=accept,
        after=query.after,
        limit=query.limit,
    )
    # The page names each dossier's applicant to a supervisor: logged (ND 13/2023).
    dossiers_listed(reader=_user(request), dossier_ids=[row["dossier_id"] for row in page.rows])
    totals = dossier_totals(scope=Scope(unit=unit, procedures=procedures), period=period)
    numerator, denominator = indicator_facts(totals, accept_apology=accept)[indicator]
    if indicator == "2.2":
        count = {"numerator": denominator, "denominator": denominator}.get(
            query.which, totals.received - totals.completed
        )
    else:
        count = {"numerator": numerator, "denominator": denominator}.get(query.which, denominator - numerator)
    return DrillPageOut(
        indicator=indicator,
        which=query.which,
        count=count,
        judged_at=page.judged_at,
        items=[
            DrillRowOut(
                public_id=str(row["dossier__public_id"]),
                code=row["dossier__code"],
                status=row["dossier__status"],
                applicant_name=row["dossier__applicant_name"],
                procedure_code=row["procedure__code"],
                procedure_name=row["procedure__name"],
                unit_name=row["unit__name"],
                channel=row["channel"],
                received_at=row["received_at"],
                appointment_at=row["appointment_at"],
                apology_appointment_at=row["apology_appointment_at"],
                ended_at=row["ended_at"],
                end_state=row["end_state"],
                late=row["late"],
                e_result_at=row["e_result_at"],
                reused_at=row["reused_at"],
                working_minutes=row["working_minutes"],
                links=dossier_links(row["dossier__public_id"]),
            )
            for row in page.rows
        ],
        next=page.next_cursor,
    )


@router.get("/forecast", response=ForecastOut, summary="Open dossiers that will cost 2.1 points")
def forecast(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    unit = permissions.unit_for_index(user=_user(request), unit_id=query.unit, dossiers=True)
    period = _period(query)
    found = build_forecast(
        unit=unit,
        period=period,
        procedures=procedures_filter(procedure=query.procedure, sector=query.sector),
        accept_apology=kpi_settings().accept_apology_appointment,
    )
    return ForecastOut(
        period=_period_out(period, found.judged_at),
        running=found.running,
        count=found.count,
        points_now=found.points_now,
        points_if_all_late=found.points_if_all_late,
        items=[
            RiskOut(
                public_id=str(row.public_id),
                code=row.code,
                applicant_name=row.applicant_name,
                procedure_name=row.procedure_name,
                unit_id=row.unit_id,
                unit_name=row.unit_name,
                received_at=row.received_at,
                due_at=row.due_at,
                cost=row.cost,
                unit_cost=row.unit_cost,
                left_minutes=row.left_minutes,
                at_risk=row.at_risk,
                links=dossier_links(row.public_id),
            )
            for row in found.rows
        ],
    )


@router.get("/ranking", response=list[RankedOut], summary="The unit's child units, best total first")
def ranking(request: HttpRequest, query: Query[IndexQuery]) -> Any:
    unit = permissions.unit_for_index(user=_user(request), unit_id=query.unit)
    period = _period(query)
    rows = child_ranking(
        unit=unit, period=period, procedures=procedures_filter(procedure=query.procedure, sector=query.sector)
    )
    return [
        RankedOut(
            rank=row.rank,
            unit=UnitOut(id=row.unit.pk, name=row.unit.name, level=row.unit.level),
            total=row.result.total,
            received=row.totals.received,
            indicators=[
                _indicator_out(line, _query_params(query, row.unit.pk)) for line in row.lines.values()
            ],
        )
        for row in rows
    ]
