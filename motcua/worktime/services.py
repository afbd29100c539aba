"""Writes to the calendar tables. Every edit replaces the calendar's version so that new computations use it
at once; due moments already given are stored on their dossiers and never move."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, Conflict
from motcua.worktime.calendar import period_minutes
from motcua.worktime.models import CalendarException, WorkCalendar
from motcua.worktime.national import national_exceptions
from motcua.worktime.selectors import national_calendar

_KIND_CATEGORIES = {
    CalendarException.Kind.NON_WORKING: {
        CalendarException.Category.HOLIDAY,
        CalendarException.Category.COMPENSATORY,
        CalendarException.Category.BRIDGE,
        CalendarException.Category.LOCAL,
    },
    CalendarException.Kind.EXTRA_WORKING: {
        CalendarException.Category.SWAPPED_WORKDAY,
        CalendarException.Category.LOCAL,
    },
}


def _bump(calendar: WorkCalendar) -> None:
    WorkCalendar.objects.filter(pk=calendar.pk).update(version=uuid.uuid4())


@transaction.atomic
def calendar_exception_add(
    *,
    actor: Any,
    calendar: WorkCalendar,
    day: date,
    kind: str,
    category: str,
    reason: str,
    legal_basis: str,
    basis_confirmed: bool = True,
) -> CalendarException:
    """Add a dated exception (a day off, or a worked Saturday) to the national or a unit's calendar."""
    national = calendar if calendar.is_national else national_calendar()
    if not national.first_year <= day.year <= national.last_year:
        raise ApplicationError(
            _("The date is outside the years the calendar covers (%(first)s-%(last)s).")
            % {"first": national.first_year, "last": national.last_year},
            code="outside_calendar",
            fields={"day": _("Choose a date inside the calendar's years.")},
        )
    if kind not in _KIND_CATEGORIES:
        raise ApplicationError(
            _("Choose the kind of exception."), code="invalid", fields={"kind": _("Required.")}
        )
    if category not in _KIND_CATEGORIES[CalendarException.Kind(kind)]:
        raise ApplicationError(
            _("This category does not fit this kind of exception."),
            code="invalid",
            fields={"category": _("Choose a category that fits the kind.")},
        )
    fields = {}
    if not reason.strip():
        fields["reason"] = _("Give the reason, e.g. the name of the holiday.")
    if not legal_basis.strip():
        fields["legal_basis"] = _("Cite the decision or notice, e.g. Công văn 2450/VPCP-KGVX.")
    if fields:
        raise ApplicationError(
            _("The reason and the legal basis are required."), code="invalid", fields=fields
        )
    try:
        with transaction.atomic():
            exception = CalendarException.objects.create(
                calendar=calendar,
                day=day,
                kind=kind,
                category=category,
                reason=reason.strip(),
                legal_basis=legal_basis.strip(),
                basis_confirmed=basis_confirmed,
                source=CalendarException.Source.ADMIN,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("This date already has an exception; remove it first."),
            code="exception_exists",
            fields={"day": _("Already an exception.")},
        ) from None
    _bump(calendar)
    audit_log(
        actor=actor,
        action="create",
        obj=exception,
        before=None,
        after=snapshot(exception),
        unit=calendar.unit,
    )
    return exception


@transaction.atomic
def calendar_exception_remove(*, actor: Any, exception: CalendarException) -> None:
    """Remove a dated exception (e.g. 24/11 if its legal basis is not confirmed)."""
    exception = CalendarException.objects.select_for_update().select_related("calendar").get(pk=exception.pk)
    audit_log(
        actor=actor,
        action="delete",
        obj=exception,
        before=snapshot(exception),
        after=None,
        unit=exception.calendar.unit,
    )
    exception.delete()
    _bump(exception.calendar)


@transaction.atomic
def unit_calendar_set_periods(
    *, actor: Any, unit: Any, periods: Iterable[tuple[time, time]] | None
) -> WorkCalendar:
    """Give a unit its own working periods (None or empty: back to the national periods)."""
    periods = list(periods or [])
    try:
        period_minutes(periods)
    except ValueError:
        raise ApplicationError(
            _("Working periods must be in order, must not overlap and must end after they start."),
            code="invalid_periods",
            fields={"periods": _("Check the start and end of each period.")},
        ) from None
    calendar, _created = WorkCalendar.objects.select_for_update().get_or_create(unit=unit)
    before = snapshot(calendar)
    calendar.periods = [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in periods]
    calendar.version = uuid.uuid4()
    calendar.save(update_fields=["periods", "version", "updated_at"])
    audit_log(actor=actor, action="update", obj=calendar, before=before, after=snapshot(calendar), unit=unit)
    return calendar


def unit_calendar_get_or_create(*, unit: Any) -> WorkCalendar:
    """The unit's own calendar row, created empty (national periods, no own exceptions) when missing."""
    calendar, _created = WorkCalendar.objects.get_or_create(unit=unit)
    return calendar


@transaction.atomic
def national_calendar_seed(*, first_year: int, last_year: int) -> int:
    """Extend the national calendar to cover first_year..last_year, seeding only the years it did not cover
    yet: a covered year is never re-seeded, so an administrator's edit (or removal) is never undone (the
    tables are the truth). Returns how many dates were added."""
    national = WorkCalendar.objects.select_for_update().get(is_national=True)
    years = [
        year
        for year in range(first_year, last_year + 1)
        if not national.first_year <= year <= national.last_year
    ]
    if not years:
        return 0
    first_year, last_year = min(first_year, national.first_year), max(last_year, national.last_year)
    if last_year - first_year + 1 != len(years) + national.last_year - national.first_year + 1:
        raise ApplicationError(
            _("The years to seed must join the years the calendar already covers."), code="invalid_years"
        )
    existing = set(national.exceptions.filter(day__year__in=years).values_list("day", flat=True))
    created = CalendarException.objects.bulk_create(
        CalendarException(
            calendar=national,
            day=e.day,
            kind=e.kind.value,
            category=e.category.value,
            reason=e.reason,
            legal_basis=e.legal_basis,
            basis_confirmed=e.basis_confirmed,
            source=CalendarException.Source.SEED,
        )
        for e in national_exceptions(years)
        if e.day not in existing
    )
    national.first_year, national.last_year = first_year, last_year
    national.version = uuid.uuid4()
    national.save(update_fields=["first_year", "last_year", "version", "updated_at"])
    return len(created)
