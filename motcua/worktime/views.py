"""Staff page: a year's working calendar as a month grid, where administrators add and remove exceptions."""

from datetime import MAXYEAR, MINYEAR, date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role, units_where
from motcua.core.errors import ApplicationError
from motcua.organizations.models import Unit
from motcua.worktime.forms import CalendarExceptionForm
from motcua.worktime.models import CalendarException, WorkCalendar
from motcua.worktime.selectors import calendar_exceptions, calendar_for_unit, month_grid, national_calendar
from motcua.worktime.services import (
    calendar_exception_add,
    calendar_exception_remove,
    unit_calendar_get_or_create,
)


def _may_edit_calendar(user: Any, unit: Unit | None) -> bool:
    """A unit's calendar: its administrators (a grant on an ancestor counts). The national calendar, which
    every unit without its own runs on: the administrators of a root unit (the province) only."""
    if user.is_superuser or unit is not None:
        return has_role(user, Role.ADMIN, unit)
    return has_role(user, Role.ADMIN) and units_where(user, Role.ADMIN).filter(parent__isnull=True).exists()


def _require_calendar_admin(request: HttpRequest, unit: Unit | None) -> None:
    if not _may_edit_calendar(request.user, unit):
        raise PermissionDenied


def _chosen(request: HttpRequest) -> tuple[int, Unit | None]:
    """The year and unit asked for; a malformed value is a 404, never a server error."""
    raw_year = request.GET.get("year") or request.POST.get("year")
    raw_unit = request.GET.get("unit") or request.POST.get("unit")
    try:
        year = int(raw_year) if raw_year else timezone.localdate().year
        unit_id = int(raw_unit) if raw_unit else None
    except ValueError:
        raise Http404 from None
    if not MINYEAR < year < MAXYEAR:
        raise Http404
    unit = get_object_or_404(Unit, pk=unit_id) if unit_id is not None else None
    return year, unit


def _page_url(year: int, unit: Unit | None) -> str:
    query = f"?year={year}" + (f"&unit={unit.pk}" if unit else "")
    return reverse("worktime:calendar") + query


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    year, unit = _chosen(request)
    _require_calendar_admin(request, unit)
    national = national_calendar()
    own = unit.work_calendar if unit is not None and hasattr(unit, "work_calendar") else None
    edited: WorkCalendar = national if unit is None else (own or national)
    form = CalendarExceptionForm(initial={"basis_confirmed": True})
    if request.method == "POST":
        form = CalendarExceptionForm(request.POST)
        if form.is_valid():
            target = national if unit is None else unit_calendar_get_or_create(unit=unit)
            try:
                calendar_exception_add(actor=request.user, calendar=target, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, str(error.message))
                for name, text in error.fields.items():
                    if name in form.fields:
                        form.add_error(name, str(text))
            else:
                messages.success(request, _("The exception was added; new deadlines use it at once."))
                return HttpResponseRedirect(_page_url(year, unit))
    pure = calendar_for_unit(unit=unit)
    first, last = pure.span()
    in_span = first.year <= year <= last.year
    national_by_day = {e.day: e for e in calendar_exceptions(calendar=national, year=year)}
    own_by_day = {e.day: e for e in calendar_exceptions(calendar=own, year=year)} if own else {}
    months = []
    for number, weeks in enumerate(month_grid(year=year), start=1):
        rows = []
        for week in weeks:
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day is None:
                    cells.append(None)
                    continue
                exception = own_by_day.get(day) or national_by_day.get(day)
                cells.append(
                    {
                        "day": day,
                        "working": in_span and pure.is_working_day(day),
                        "exception": exception,
                    }
                )
            rows.append(cells)
        months.append({"number": number, "first": date(year, number, 1), "weeks": rows})
    context = {
        "year": year,
        "unit": unit,
        "in_span": in_span,
        "months": months,
        "national_exceptions": list(national_by_day.values()),
        "own_exceptions": list(own_by_day.values()),
        "edited": edited,
        "form": form,
        "units": units_where(request.user, Role.ADMIN).filter(is_active=True).order_by("path")[:500],
    }
    return render(request, "worktime/calendar.html", context)


@login_required
@require_POST
def exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    year, unit = _chosen(request)
    exception = get_object_or_404(CalendarException.objects.select_related("calendar__unit"), pk=pk)
    _require_calendar_admin(request, exception.calendar.unit)
    calendar_exception_remove(actor=request.user, exception=exception)
    messages.success(request, _("The exception was removed; new deadlines use the calendar without it."))
    return HttpResponseRedirect(_page_url(year, unit))
