"""Back-office pages of the service index (QĐ 766): the dashboard, the dossiers behind a number, a
dossier's timeline as the index sees it, and the exports. Supervisors, leaders and administrators of a
unit see its index; the dossier lists are for supervisors and leaders (`permissions`).

The dashboard answers a plain GET (bookmarkable, works without script); with htmx, switching the unit or
the period replaces only the report (`HX-Request`: the partial template).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.catalog.models import Sector
from motcua.core.errors import ApplicationError, NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.privacy import dossiers_listed
from motcua.dossiers.selectors import dossier_events, dossier_get
from motcua.kpi import drilldown, exports, permissions
from motcua.kpi import facts as kpi_facts
from motcua.kpi.chart import build_chart
from motcua.kpi.counters import DossierFact
from motcua.kpi.facts import Period, Scope, dossier_totals, indicator_facts, parse_period, procedures_filter
from motcua.kpi.forecast import Forecast
from motcua.kpi.forecast import forecast as build_forecast
from motcua.kpi.indicators import INDICATORS, TOP_GROUPS
from motcua.kpi.links import dossier_page_url
from motcua.kpi.reports import (
    RANKING_INDICATORS,
    TREND_INDICATORS,
    child_ranking,
    monthly_trend,
    unit_index,
)
from motcua.kpi.selectors import kpi_settings
from motcua.organizations.models import Unit

STATUS_LABELS = dict(Dossier.Status.choices)
# How many units the unit chooser lists (the ranking links reach any other one).
UNIT_CHOICES_LIMIT = 300
PERIOD_YEARS = 3


def period_choices(today: date) -> list[tuple[str, Any]]:
    """The periods the chooser offers, grouped by year (the year, its quarters, its months), after the
    choice of a date range (the two date fields)."""
    groups: list[tuple[str, Any]] = [("", _("Date range (enter the days)"))]
    for year in range(today.year, today.year - PERIOD_YEARS, -1):
        options = [(f"{year}", _("Year %(year)d") % {"year": year})]
        options += [
            (f"{year}-Q{q}", _("Quarter %(quarter)d/%(year)d") % {"quarter": q, "year": year})
            for q in range(1, 5)
        ]
        options += [
            (f"{year}-{m:02d}", _("Month %(month)d/%(year)d") % {"month": m, "year": year})
            for m in range(1, 13)
        ]
        groups.append((str(year), options))
    return groups


class ReportForm(forms.Form):
    unit = forms.IntegerField(label=gettext_lazy("Unit"), required=False, widget=forms.Select)
    period = forms.CharField(label=gettext_lazy("Period"), required=False, max_length=20)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)

    def __init__(self, data: Any, *, user: Any, today: date) -> None:
        super().__init__(data)
        self.user, self.today = user, today
        units = list(
            permissions.index_units(user).filter(is_active=True).order_by("path")[:UNIT_CHOICES_LIMIT]
        )
        top = min((u.depth for u in units), default=0)
        # Indented by depth (an em space per level), so that the tree reads in the list.
        self.unit_choices = [(u.pk, "\u2003" * (u.depth - top) + u.name) for u in units]
        self.fields["unit"].widget.choices = self.unit_choices
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = [
            ("", _("All sectors")),
            *((s.code, s.name) for s in Sector.objects.order_by("name")),
        ]
        self.fields["period"].widget = forms.Select(choices=period_choices(today))
        self.unit_obj: Unit | None = None
        self.period_obj: Period | None = None

    def clean_unit(self) -> int | None:
        unit_id = self.cleaned_data.get("unit")
        if unit_id in (None, ""):
            home = permissions.home_unit(self.user)
            if home is None:
                raise forms.ValidationError(_("You watch no unit."))
            self.unit_obj = home
            return home.pk
        try:
            self.unit_obj = permissions.unit_for_index(user=self.user, unit_id=unit_id)
        except ApplicationError as error:
            raise forms.ValidationError(str(error.message)) from None
        return int(unit_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.period_obj = parse_period(
                data.get("period") or None,
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                today=self.today,
            )
        except ApplicationError as error:
            names = {"from": "date_from", "to": "date_to", "period": "period"}
            for name, message in error.fields.items():
                self.add_error(names.get(name), str(message))
        return data


def _form_fields(request: HttpRequest) -> Any:
    """The query string as the form expects it (the API names: from, to)."""
    data = request.GET.copy()
    for api_name, form_name in (("from", "date_from"), ("to", "date_to")):
        if api_name in data and form_name not in data:
            data[form_name] = data.get(api_name, "")
    if data.get("period"):  # a period chosen in the list replaces a date range typed before
        data.pop("date_from", None)
        data.pop("date_to", None)
    elif "period" not in data and not data.get("date_from") and not data.get("date_to"):
        data["period"] = str(timezone.localdate().year)  # the first visit: this year
    return data


def _unit_choice_fix(form: ReportForm) -> None:
    """Keep the unit asked for selectable even when it lies deeper than the chooser lists."""
    unit = form.unit_obj
    if unit is not None and unit.pk not in {pk for pk, _label in form.unit_choices}:
        form.fields["unit"].widget.choices = [*form.unit_choices, (unit.pk, unit.name)]


def _require_dashboard(request: HttpRequest) -> None:
    if not permissions.may_open_dashboard(request.user):
        raise PermissionDenied


@dataclass
class Selection:
    form: ReportForm
    unit: Unit | None
    period: Period | None
    procedures: QuerySet[Any] | None
    sector: str

    @property
    def valid(self) -> bool:
        return self.unit is not None and self.period is not None

    def query(self, **extra: Any) -> str:
        params = {"unit": self.unit.pk if self.unit else ""}
        assert self.period is not None
        if self.period.kind == "range":
            params |= {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        else:
            params["period"] = self.period.key
        if self.sector:
            params["sector"] = self.sector
        params |= {key: value for key, value in extra.items() if value not in (None, "")}
        return urlencode(params)

    def rest(self) -> str:
        """The query without the unit (links to another unit for the same period)."""
        return self.query().split("&", 1)[1]


def _selection(request: HttpRequest) -> Selection:
    form = ReportForm(_form_fields(request), user=request.user, today=timezone.localdate())
    valid = form.is_valid()
    _unit_choice_fix(form)
    sector = form.cleaned_data.get("sector", "") if valid else ""
    return Selection(
        form=form,
        unit=form.unit_obj if valid else None,
        period=form.period_obj if valid else None,
        procedures=procedures_filter(sector=sector) if sector else None,
        sector=sector,
    )


def _trend_chart(points: list[Any]) -> Any:
    labels = [f"{p.period.start.month:02d}/{p.period.start.year % 100:02d}" for p in points]
    return build_chart(
        labels,
        [
            ("total", _("Index (points)"), [p.total for p in points]),
            ("on_time", _("2.1 on time (%)"), [p.percents["2.1"] for p in points]),
            ("online", _("3.3 online (%)"), [p.percents["3.3"] for p in points]),
        ],
    )


def report_context(selection: Selection, *, user: Any) -> dict[str, Any]:
    """Everything the dashboard (and its exports) shows for a valid selection."""
    assert selection.unit is not None and selection.period is not None
    settings = kpi_settings()
    unit, period, procedures = selection.unit, selection.period, selection.procedures
    index = unit_index(unit=unit, period=period, procedures=procedures, settings=settings)
    ranking = child_ranking(unit=unit, period=period, procedures=procedures, settings=settings)
    trend = monthly_trend(unit=unit, period=period, procedures=procedures, settings=settings)
    lists = permissions.may_list_dossiers(user, unit)
    risks: Forecast | None = None
    if lists:
        risks = build_forecast(
            unit=unit,
            period=period,
            procedures=procedures,
            accept_apology=settings.accept_apology_appointment,
        )
    groups = [
        {
            "group": index.result.groups[group_id],
            "lines": [line for line in index.lines.values() if line.result.indicator.group == group_id],
            "blocks": [
                {
                    "group": child,
                    "lines": [
                        line for line in index.lines.values() if line.result.indicator.group == child.group.id
                    ],
                }
                for child in index.result.groups[group_id].children
            ],
        }
        for group_id in TOP_GROUPS
    ]
    return {
        "selection": selection,
        "index": index,
        "groups": groups,
        "ranking": ranking,
        "ranking_ids": RANKING_INDICATORS,
        "ranking_rows": [
            {"row": row, "lines": [row.lines[i] for i in RANKING_INDICATORS]} for row in ranking
        ],
        "trend": trend,
        "trend_ids": TREND_INDICATORS,
        "trend_rows": [{"point": p, "percents": [p.percents[i] for i in TREND_INDICATORS]} for p in trend],
        "chart": _trend_chart(trend) if trend else None,
        "forecast": risks,
        "may_list": lists,
        "drillable": set(drilldown.RULES),
        "query": selection.query(),
        "query_rest": selection.rest(),
        "parent": unit.parent
        if unit.parent is not None and permissions.may_view_index(user, unit.parent)
        else None,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request)
    selection = _selection(request)
    context: dict[str, Any] = {"selection": selection, "form": selection.form}
    if selection.valid:
        context |= report_context(selection, user=request.user)
    template = "kpi/_report.html" if request.headers.get("HX-Request") else "kpi/dashboard.html"
    return render(request, template, context, status=200 if selection.valid or not request.GET else 400)


WHICH_LABELS = {
    drilldown.NUMERATOR: gettext_lazy("Numerator"),
    drilldown.DENOMINATOR: gettext_lazy("Denominator"),
    drilldown.MISSING: gettext_lazy("Not in the numerator"),
}


@login_required
@require_GET
def indicator_dossiers(request: HttpRequest, indicator: str) -> HttpResponse:
    _require_dashboard(request)
    if indicator not in INDICATORS:
        raise Http404
    selection = _selection(request)
    context: dict[str, Any] = {
        "selection": selection,
        "form": selection.form,
        "indicator": INDICATORS[indicator],
    }
    if not selection.valid:
        return render(request, "kpi/dossiers.html", context, status=400)
    assert selection.unit is not None and selection.period is not None
    if not permissions.may_list_dossiers(request.user, selection.unit):
        raise PermissionDenied
    which = request.GET.get("which") or drilldown.DENOMINATOR
    accept = kpi_settings().accept_apology_appointment
    try:
        page = drilldown.dossier_page(
            unit=selection.unit,
            period=selection.period,
            indicator_id=indicator,
            which=which,
            procedures=selection.procedures,
            accept_apology=accept,
            after=request.GET.get("after") or None,
        )
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "kpi/dossiers.html", context, status=error.status)
    # The page names each dossier's applicant to a supervisor: logged (ND 13/2023).
    dossiers_listed(reader=request.user, dossier_ids=[row["dossier_id"] for row in page.rows])
    totals = dossier_totals(
        scope=Scope(unit=selection.unit, procedures=selection.procedures), period=selection.period
    )
    numerator, denominator = indicator_facts(totals, accept_apology=accept)[indicator]
    for row in page.rows:
        row["page_url"] = dossier_page_url(row["dossier__public_id"])
    context |= {
        "which": which,
        "which_choices": [
            (key, label, reverse("kpi:dossiers", args=[indicator]) + "?" + selection.query(which=key))
            for key, label in WHICH_LABELS.items()
        ],
        "which_label": WHICH_LABELS.get(which, ""),
        "page": page,
        "numerator": numerator,
        "denominator": denominator,
        "next_url": reverse("kpi:dossiers", args=[indicator])
        + "?"
        + selection.query(which=which, after=page.next_cursor)
        if page.next_cursor
        else None,
        "dashboard_url": reverse("kpi:dashboard") + "?" + selection.query(),
    }
    return render(request, "kpi/dossiers.html", context)


@login_required
@require_GET
def dossier_timeline(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A dossier's events and how indicator 2.1 judges it (the drill-down's link from a late dossier)."""
    _require_dashboard(request)
    try:
        dossier = dossier_get(user=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None
    if not permissions.may_list_dossiers(request.user, dossier.competent_unit):
        raise PermissionDenied
    fact = DossierFact.objects.filter(dossier=dossier).first()
    accept = kpi_settings().accept_apology_appointment
    late_at = (fact.late_apology_at if accept else fact.late_at) if fact else None
    waits = [
        (datetime.fromisoformat(start), datetime.fromisoformat(end) if end else None)
        for start, end in (fact.waits if fact else [])
    ]
    return render(
        request,
        "kpi/timeline.html",
        {
            "dossier": dossier,
            "events": [
                (event, capfirst(STATUS_LABELS.get(event.to_status, event.to_status)))
                for event in dossier_events(dossier=dossier)
            ],
            "fact": fact,
            "waits": waits,
            "late_at": late_at,
            "late_now": late_at is not None and late_at <= kpi_facts.now(),
            "accept_apology": accept,
            "page_url": dossier_page_url(dossier.public_id),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_dashboard(request)
    if fmt not in exports.FORMATS:
        raise Http404
    selection = _selection(request)
    if not selection.valid:
        return render(
            request, "kpi/dashboard.html", {"selection": selection, "form": selection.form}, status=400
        )
    context = report_context(selection, user=request.user)
    return exports.response(fmt, context)
