"""A unit's dossier facts for a period, as sums over the counters (docs/KPI.md, "Counters").

    period = parse_period("2026-Q3")                  # or "2026", "2026-08", date_from=…, date_to=…
    totals = dossier_totals(unit=unit, period=period)  # Totals(received=…, late=…, …)
    facts = indicator_facts(totals, accept_apology=False)   # {"2.1": (on_time, received), …}

A period [a, b] is judged at one instant P: the last microsecond of b, or now while it runs
(`judged_at`). With d the local day of P, the dossiers counted are those received on a day of [a, min(b, d)]
under a unit of the subtree, and an outcome (late, ended, e-result, reuse) counts when its day is ≤ d:
exact for a closed period, since every outcome instant on a day ≤ b is ≤ P. For a running period, the
outcomes of today are events already recorded, hence before now, except the projected ones: dossiers due
later today are not late yet. Those few are taken back from `DossierFact` (indexed by their late day).

Without a procedure filter the sums come from the rollups. The receipts of whole months (a year, a
quarter, a month, the whole months of a range) from `UnitReceiptMonthCounter` (unit, receipt month,
outcome month: a few dozen rows per unit and year) for the outcome months before d's month and
`UnitReceiptMonthDayCounter` for the days of d's month up to d; the receipts of the days left over (the
running month up to d, the ends of a custom range) from `UnitMonthCounter` and `UnitDayCounter`, the same
by receipt day. The outcome-day query is skipped when d ends its month. With a filter, from
`ProcedureDayCounter`. No query reads the dossiers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.kpi import ledger as L
from motcua.kpi.counters import (
    DossierFact,
    ProcedureDayCounter,
    UnitDayCounter,
    UnitMonthCounter,
    UnitReceiptMonthCounter,
    UnitReceiptMonthDayCounter,
)
from motcua.organizations.models import PATH_STEP, Unit, path_upper_bound
from motcua.worktime.calendar import TZ

FIRST_YEAR, LAST_YEAR = 2000, 2100
# A custom range may not span more than this (a year and a bit: comparisons over two fiscal years).
MAX_RANGE_DAYS = 3 * 366

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def now() -> datetime:
    """The present instant the running periods are judged at (tests replace it)."""
    return timezone.now()


class PeriodKind:
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def key(self) -> str:
        """How the API and the pages write it: 2026, 2026-Q3, 2026-08, or 2026-01-05..2026-02-10."""
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return _("Year %(year)d") % {"year": self.start.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(quarter)d/%(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == PeriodKind.MONTH:
            return _("Month %(month)d/%(year)d") % {"month": self.start.month, "year": self.start.year}
        return _("From %(start)s to %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    @property
    def year(self) -> int:
        """The year whose targets apply (the year the period ends in)."""
        return self.end.year

    @property
    def start_instant(self) -> datetime:
        return datetime.combine(self.start, time.min, TZ)

    @property
    def end_instant(self) -> datetime:
        """The last microsecond of the period: a closed period is judged then."""
        return datetime.combine(self.end, time.max, TZ)

    def months(self) -> list[Period]:
        found, current = [], self.start.replace(day=1)
        while current <= self.end:
            found.append(month_period(current.year, current.month))
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return found


def year_period(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(
        PeriodKind.QUARTER,
        date(year, first, 1),
        date(year, first + 2, calendar.monthrange(year, first + 2)[1]),
    )


def month_period(year: int, month: int) -> Period:
    return Period(
        PeriodKind.MONTH, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    )


def _period_error(message: str, field: str = "period") -> ApplicationError:
    return ApplicationError(message, code="invalid_period", fields={field: message})


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _period_error(
            _("The year must be from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return year


def parse_period(
    value: str | None = None,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> Period:
    """A period from the API's and the pages' parameters; this year when nothing is given.

    `value`: "2026" (a year), "2026-Q3" (a quarter), "2026-08" (a month); or `date_from` and `date_to`,
    both included. Anything else is an ApplicationError naming the field.
    """
    if date_from is not None or date_to is not None:
        if value:
            raise _period_error(_("Give either a period or a date range, not both."))
        if date_from is None or date_to is None:
            field = "from" if date_from is None else "to"
            raise _period_error(_("Give both ends of the date range."), field)
        if date_to < date_from:
            raise _period_error(_("The end of the range is before its start."), "to")
        if (date_to - date_from).days >= MAX_RANGE_DAYS:
            raise _period_error(
                _("A date range covers at most %(days)d days.") % {"days": MAX_RANGE_DAYS}, "to"
            )
        for field, day in (("from", date_from), ("to", date_to)):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise _period_error(
                    _("The year must be from %(first)d to %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                    field,
                )
        return Period(PeriodKind.RANGE, date_from, date_to)
    text = (value or "").strip()
    if not text:
        return year_period((today or timezone.localdate()).year)
    if match := _YEAR.match(text):
        return year_period(_year(match[1]))
    if match := _QUARTER.match(text):
        return quarter_period(_year(match[1]), int(match[2]))
    if match := _MONTH.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise _period_error(_("The month must be from 01 to 12."))
        return month_period(_year(match[1]), month)
    raise _period_error(_("Write the period as a year (2026), a quarter (2026-Q3) or a month (2026-08)."))


def judged_at(period: Period, at: datetime | None = None) -> datetime | None:
    """The instant the period is judged at: its end, or now while it runs; None before it starts."""
    present = at or now()
    if present < period.start_instant:
        return None
    return min(present, period.end_instant)


# --- sums --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    """The counter vocabulary's dossier counters (docs/KPI.md) for one scope and period."""

    received: int = 0
    online: int = 0
    fee_bearing: int = 0
    late: int = 0
    late_apology: int = 0
    completed: int = 0
    working_minutes: int = 0
    e_result: int = 0
    digitised: int = 0
    reused: int = 0

    def late_for(self, *, accept_apology: bool) -> int:
        return self.late_apology if accept_apology else self.late

    def on_time(self, *, accept_apology: bool) -> int:
        return self.received - self.late_for(accept_apology=accept_apology)


EMPTY = Totals()
OUTCOME_COLUMNS = tuple(c for c in L.COLUMNS if c not in L.RECEIPT_COLUMNS)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose dossiers: a unit's subtree, optionally some procedures (a procedure or a sector)."""

    unit: Unit
    procedures: QuerySet[Any] | None = None  # a queryset of procedure ids (values("pk"))


def _in_subtree(queryset: QuerySet[Any], unit: Unit, *, through: str = "unit") -> QuerySet[Any]:
    return queryset.filter(
        **{f"{through}__path__gte": unit.path, f"{through}__path__lt": path_upper_bound(unit.path)}
    )


def _sums(
    queryset: QuerySet[Any], sums: dict[str, Any], child_prefix: int | None
) -> dict[str, dict[str, int]]:
    """{group: {name: sum}}: one group "" or one per child path prefix of `child_prefix` characters."""
    if child_prefix is None:
        row = queryset.aggregate(**sums)
        return {"": {name: int(value or 0) for name, value in row.items()}}
    rows = (
        queryset.annotate(child=Substr("unit__path", 1, child_prefix))
        .values("child")
        .annotate(**sums)
        .order_by()
    )
    return {row.pop("child"): {name: int(value or 0) for name, value in row.items()} for row in rows}


def _add(target: dict[str, dict[str, int]], source: dict[str, dict[str, int]], sign: int = 1) -> None:
    for group, values in source.items():
        row = target.setdefault(group, {})
        for name, value in values.items():
            row[name] = row.get(name, 0) + sign * value


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _receipt_split(first: date, last: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """[first, last] as (the whole months inside it, as their first days, or None) and the day ranges
    left over (before and after them)."""
    start = first if first.day == 1 else _next_month(first)
    end = _month_start(last) if _is_month_end(last) else _month_start(last) - timedelta(days=1)
    end = _month_start(end)  # the first day of the last whole month
    if start > end or start > last:
        return None, [(first, last)]
    whole_end = _next_month(end) - timedelta(days=1)
    left = [(first, start - timedelta(days=1))] if first < start else []
    if whole_end < last:
        left.append((whole_end + timedelta(days=1), last))
    return (start, end), left


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _grouped_totals(
    scope: Scope, period: Period, at: datetime | None, *, by_child: bool
) -> dict[str, Totals]:
    instant = judged_at(period, at)
    if instant is None:
        return {}
    day = timezone.localtime(instant).date()
    received = (period.start, min(period.end, day))
    unit = scope.unit
    prefix = len(unit.path) + PATH_STEP if by_child else None

    def base(
        model: Any, receipts: tuple[date, date] = received, field: str = "received_day"
    ) -> QuerySet[Any]:
        rows = _in_subtree(model.objects.all(), unit)
        if by_child:
            rows = rows.filter(unit__depth__gt=unit.depth)
        return rows.filter(**{f"{field}__range": receipts})

    found: dict[str, dict[str, int]] = {}
    if scope.procedures is not None:
        rows = base(ProcedureDayCounter).filter(procedure_id__in=scope.procedures, day__lte=day)
        _add(found, _sums(rows, {c: Sum(c) for c in L.COLUMNS}, prefix))
    else:
        month = _month_start(day)
        month_end = _is_month_end(day)
        sums: dict[str, Any] = {c: Sum(c) for c in L.RECEIPT_COLUMNS}
        outcome_months = Q(month__lte=month) if month_end else Q(month__lt=month)
        sums |= {c: Sum(c, filter=outcome_months) for c in OUTCOME_COLUMNS}
        outcome_days = {c: Sum(c) for c in OUTCOME_COLUMNS}
        months, days = _receipt_split(*received)
        tables: list[tuple[Any, Any, str, tuple[date, date] | None]] = [
            (UnitReceiptMonthCounter, UnitReceiptMonthDayCounter, "received_month", months)
        ]
        tables += [(UnitMonthCounter, UnitDayCounter, "received_day", left) for left in days]
        for by_month, by_day, field, receipts in tables:
            if receipts is None:
                continue
            _add(found, _sums(base(by_month, receipts, field), sums, prefix))
            if not month_end:
                rows = base(by_day, receipts, field).filter(day__gte=month, day__lte=day)
                _add(found, _sums(rows, outcome_days, prefix))
    if instant < datetime.combine(day, time.max, TZ):
        # Running period: dossiers due later today are not late yet.
        # One query per column, each a range of its index (late day, late instant) that carries the unit
        # and the receipt day: read from the index alone, whatever the size of the fact table.
        for column, day_field, instant_field in (
            (L.LATE, "late_day", "late_at"),
            (L.LATE_APOLOGY, "late_apology_day", "late_apology_at"),
        ):
            facts = base(DossierFact).filter(**{day_field: day, f"{instant_field}__gt": instant})
            if scope.procedures is not None:
                facts = facts.filter(procedure_id__in=scope.procedures)
            _add(found, _sums(facts, {column: Count("*")}, prefix), sign=-1)
    names = {f.name for f in fields(Totals)}
    return {group: Totals(**{k: v for k, v in row.items() if k in names}) for group, row in found.items()}


def dossier_totals(*, scope: Scope, period: Period, at: datetime | None = None) -> Totals:
    """The dossier counters of a unit's subtree (and procedures) for a period judged at `judged_at`."""
    return _grouped_totals(scope, period, at, by_child=False).get("", EMPTY)


def child_totals(*, scope: Scope, period: Period, at: datetime | None = None) -> dict[int, Totals]:
    """{child unit id: its subtree's counters}, for every direct child of the scope's unit."""
    children = list(Unit.objects.filter(parent=scope.unit).values_list("pk", "path"))
    grouped = _grouped_totals(scope, period, at, by_child=True)
    return {pk: grouped.get(path, EMPTY) for pk, path in children}


def indicator_facts(totals: Totals, *, accept_apology: bool) -> dict[str, tuple[int, int]]:
    """{indicator id: (numerator, denominator)} for the indicators whose facts motcua records."""
    return {
        "2.1": (totals.on_time(accept_apology=accept_apology), totals.received),
        "2.2": (totals.working_minutes, totals.completed),
        "3.3": (totals.online, totals.received),
        "4.1": (totals.e_result, totals.received),
        "4.2": (totals.digitised, totals.received),
        "4.3": (totals.reused, totals.received),
    }


def procedures_filter(*, procedure: str | None = None, sector: str | None = None) -> QuerySet[Any] | None:
    """The procedure ids a filter keeps (by procedure code or sector code); None: no filter."""
    from motcua.catalog.models import Procedure  # noqa: PLC0415 (the catalogue is only needed here)

    if not procedure and not sector:
        return None
    rows = Procedure.objects.all()
    if procedure:
        rows = rows.filter(code=procedure.strip())
    if sector:
        rows = rows.filter(sector__code=sector.strip())
    return rows.values("pk")
