"""Reads of the calendar tables: the DB-backed calendars build the same pure `Calendar` object."""

from __future__ import annotations

import calendar as stdlib_calendar
import functools
import threading
from collections import OrderedDict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.worktime.amounts import Convention, TimeUnit
from motcua.worktime.calendar import Calendar, OutsideSpan
from motcua.worktime.dates import DateException, ExceptionCategory, ExceptionKind
from motcua.worktime.models import CalendarException, WorkCalendar

_CACHE_SIZE = 256
_cache: OrderedDict[tuple[Any, ...], Calendar] = OrderedDict()
_lock = threading.Lock()


def national_calendar() -> WorkCalendar:
    """The national calendar row (seeded by migration `worktime.0002`)."""
    calendar = WorkCalendar.objects.filter(is_national=True).first()
    if calendar is None:
        raise RuntimeError("the national calendar is not seeded: run `manage.py migrate`")
    return calendar


def unit_calendar(*, unit: Any) -> WorkCalendar | None:
    """The unit's own calendar row, if it has one."""
    return WorkCalendar.objects.filter(unit=unit).first()


def calendar_exceptions(*, calendar: WorkCalendar, year: int | None = None) -> QuerySet[CalendarException]:
    exceptions = calendar.exceptions.all()
    if year is not None:
        exceptions = exceptions.filter(day__year=year)
    return exceptions.order_by("day")


def parse_periods(periods: list[list[str]]) -> tuple[tuple[time, time], ...]:
    return tuple((time.fromisoformat(start), time.fromisoformat(end)) for start, end in periods)


def _pure_exceptions(calendar_id: int) -> list[DateException]:
    rows = CalendarException.objects.filter(calendar_id=calendar_id).values_list(
        "day", "kind", "category", "reason", "legal_basis", "basis_confirmed"
    )
    return [
        DateException(day, ExceptionKind(kind), ExceptionCategory(category), reason, basis, confirmed)
        for day, kind, category, reason, basis, confirmed in rows
    ]


def _build(national: WorkCalendar, own: WorkCalendar | None) -> Calendar:
    calendar = Calendar(
        weekdays=national.weekdays,
        periods=parse_periods(national.periods),
        exceptions=_pure_exceptions(national.pk),
        day_minutes=national.day_minutes,
        first_year=national.first_year,
        last_year=national.last_year,
    )
    if own is None:
        return calendar
    return calendar.with_overrides(
        periods=parse_periods(own.periods) if own.periods else None,
        exceptions=_pure_exceptions(own.pk),
    )


@functools.cache
def _versions_sql() -> str:
    meta: Any = WorkCalendar._meta
    column = {name: meta.get_field(name).column for name in ("is_national", "unit", "version")}
    return (
        f"SELECT {meta.pk.column}, {column['is_national']}, {column['version']} "  # noqa: S608
        f"FROM {meta.db_table} WHERE {column['is_national']} OR {column['unit']} = %s"
    )


def calendar_for_unit(*, unit: Any = None) -> Calendar:
    """The working calendar a dossier of `unit` runs on: the national calendar with the unit's own periods
    and exceptions on top (the national calendar alone when `unit` is None or has none).

    One query checks the versions; the calendar is rebuilt only after an edit, so an edit applies to new
    computations at once in every process, while due moments already given are stored and never move.
    The check is plain SQL built once from the model's metadata: every work-queue page and every action
    makes it, and through the ORM it cost four times what the database takes to answer it.
    """
    unit_id = getattr(unit, "pk", unit)
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(), [unit_id or 0])  # no unit has the key 0: the national row alone
        rows = cursor.fetchall()
    national = next(((pk, str(version)) for pk, is_national, version in rows if is_national), None)
    if national is None:
        raise RuntimeError("the national calendar is not seeded: run `manage.py migrate`")
    own = next(((pk, str(version)) for pk, is_national, version in rows if not is_national), None)
    key = (*national, *(own or (None, None)))
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    built = _build(
        WorkCalendar.objects.get(pk=national[0]), WorkCalendar.objects.get(pk=own[0]) if own else None
    )
    with _lock:
        _cache[key] = built
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def month_grid(*, year: int) -> list[list[list[date | None]]]:
    """A year as 12 months of weeks (Monday first) of dates, None outside the month: for the staff page."""
    months = stdlib_calendar.Calendar(firstweekday=0)
    return [
        [
            [day if day.month == month else None for day in week]
            for week in months.monthdatescalendar(year, month)
        ]
        for month in range(1, 13)
    ]


def outside_calendar() -> ApplicationError:
    """The refusal of a moment or deadline beyond the years the working calendar covers."""
    return ApplicationError(
        _(
            "The deadline falls outside the years the working calendar covers; "
            "ask an administrator to extend the calendar."
        ),
        code="outside_calendar",
    )


def due_for(
    *,
    start: datetime,
    amount: str | int | Decimal,
    time_unit: str,
    convention: str = "hours",
    unit: Any = None,
) -> datetime:
    """The due moment of a time limit on `unit`'s calendar, with every engine refusal turned into an
    `ApplicationError` a person can act on. Shared by the API, the `deadline` command and the pages."""
    if start.utcoffset() is None:
        raise ApplicationError(
            _("Give the start with its UTC offset, e.g. 2026-03-02T08:00:00+07:00."),
            code="naive_datetime",
            fields={"start": _("Add the UTC offset, e.g. +07:00.")},
        )
    try:
        time_unit, convention = TimeUnit(time_unit), Convention(convention)
    except ValueError:
        raise ApplicationError(
            _("Choose one of the allowed values."),
            code="invalid",
            fields={"time_unit": _("working_hours, working_days, calendar_days or months.")}
            if time_unit not in {u.value for u in TimeUnit}
            else {"convention": _("hours or civil.")},
        ) from None
    if isinstance(amount, str):
        amount = amount.strip()
    calendar = calendar_for_unit(unit=unit)
    try:
        return calendar.due(start, amount, time_unit, convention)
    except (OutsideSpan, OverflowError):
        raise outside_calendar() from None
    except (TypeError, ValueError):
        raise ApplicationError(
            _("The amount is not valid for this unit of time."),
            code="invalid_amount",
            fields={
                "amount": _(
                    "Enter a number that is not negative, with a dot for decimals; working days and hours "
                    "may be fractions that come to whole minutes, calendar days and months must be whole."
                )
            },
        ) from None
