"""Writes of KPI data: central targets, units' own targets, the KPI settings. Each write is audited."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, NotFound
from motcua.kpi.bands import BandFractions
from motcua.kpi.models import FIRST_YEAR, LAST_YEAR, CentralTarget, KpiSettings, UnitTarget
from motcua.kpi.targets import IncreaseMode, TargetMetric, TargetScope
from motcua.organizations.models import Unit

# Targets have 2 decimals, band fractions 3; no setting is anywhere near this large.
RATE_PLACES, FRACTION_PLACES = 2, 3
LARGEST = Decimal(10) ** 6


def _decimal(value: Any, *, field: str, places: int) -> Decimal:
    """`value` as a Decimal with at most `places` decimals, or a field error."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    exponent = number.normalize().as_tuple().exponent if number.is_finite() else None
    if not isinstance(exponent, int) or abs(number) >= LARGEST or exponent < -places:
        raise ApplicationError(
            _("Enter a number with at most %(places)d decimals.") % {"places": places},
            code="invalid_number",
            fields={field: _("Enter a valid number.")},
        )
    return number.quantize(Decimal(1).scaleb(-places))


def check_rate(value: Any, *, field: str = "rate") -> Decimal:
    """A target rate: a percentage from 0 to 100 with at most 2 decimals."""
    rate = _decimal(value, field=field, places=RATE_PLACES)
    if not Decimal(0) <= rate <= Decimal(100):
        raise ApplicationError(
            _("A target is a percentage from 0 to 100."),
            code="rate_out_of_range",
            fields={field: _("Enter a percentage from 0 to 100.")},
        )
    return rate


def check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        message = _("The year must be from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise ApplicationError(message, code="year_out_of_range", fields={"year": message})
    return year


def check_metric(metric: Any) -> str:
    if metric not in TargetMetric.values:
        raise ApplicationError(
            _("Choose one of the listed rates."), code="unknown_metric", fields={"metric": _("Unknown rate.")}
        )
    return str(metric)


def check_scope(scope: Any) -> str:
    if scope not in TargetScope.values:
        raise ApplicationError(
            _("Choose which units the target is for."),
            code="unknown_scope",
            fields={"scope": _("Unknown group of units.")},
        )
    return str(scope)


def check_band_fractions(*, green: Any, yellow: Any, orange: Any) -> BandFractions:
    """Colour thresholds as shares of the target: 0 < orange < yellow < green ≤ 1, 3 decimals at most."""
    values = {
        name: _decimal(value, field=f"{name}_fraction", places=FRACTION_PLACES)
        for name, value in (("green", green), ("yellow", yellow), ("orange", orange))
    }
    try:
        return BandFractions(**values)
    except ValueError:
        raise ApplicationError(
            _(
                "The colour thresholds must rise from orange to yellow to green "
                "(0 < orange < yellow < green ≤ 1)."
            ),
            code="band_fractions_unordered",
            fields={"yellow_fraction": _("Between the orange and the green thresholds.")},
        ) from None


@transaction.atomic
def central_target_set(
    *, actor: Any, year: int, metric: str, rate: Any, scope: str = TargetScope.ALL, legal_basis: str = ""
) -> CentralTarget:
    """Create or change the central target of a year; an edited carried-over row is no longer carried over."""
    year, metric, scope = check_year(year), check_metric(metric), check_scope(scope)
    rate = check_rate(rate)
    target = CentralTarget.objects.select_for_update().filter(year=year, metric=metric, scope=scope).first()
    if target is None:
        target = CentralTarget.objects.create(
            year=year,
            metric=metric,
            scope=scope,
            rate=rate,
            legal_basis=legal_basis.strip(),
            updated_by=actor,
        )
        audit_log(actor=actor, action="create", obj=target, before=None, after=snapshot(target))
        return target
    before = snapshot(target)
    target.rate, target.legal_basis = rate, legal_basis.strip()
    target.carried_over, target.updated_by = False, actor
    target.save(update_fields=["rate", "legal_basis", "carried_over", "updated_by", "updated_at"])
    audit_log(actor=actor, action="update", obj=target, before=before, after=snapshot(target))
    return target


@transaction.atomic
def central_targets_carry_over(*, actor: Any, to_year: int) -> list[CentralTarget]:
    """Copy the latest earlier year's central targets into `to_year`, marked carried over.

    Rows the year already has are kept as they are; returns the rows created.
    """
    to_year = check_year(to_year)
    source_year = (
        CentralTarget.objects.filter(year__lt=to_year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if source_year is None:
        raise ApplicationError(
            _("There are no central targets before %(year)d to carry over.") % {"year": to_year},
            code="nothing_to_carry_over",
            fields={"year": _("Enter the targets of this year by hand.")},
        )
    existing = set(CentralTarget.objects.filter(year=to_year).values_list("metric", "scope"))
    created = []
    for source in CentralTarget.objects.filter(year=source_year).order_by("metric", "scope"):
        if (source.metric, source.scope) in existing:
            continue
        target = CentralTarget.objects.create(
            year=to_year,
            metric=source.metric,
            scope=source.scope,
            rate=source.rate,
            legal_basis=source.legal_basis,
            carried_over=True,
            updated_by=actor,
        )
        audit_log(actor=actor, action="carry_over", obj=target, before=None, after=snapshot(target))
        created.append(target)
    return created


@transaction.atomic
def unit_target_set(
    *, actor: Any, unit: Unit, year: int, metric: str, rate: Any, note: str = ""
) -> UnitTarget:
    """Give a unit its own target for a year, replacing the computed one (LEGAL.md §12)."""
    year, metric, rate = check_year(year), check_metric(metric), check_rate(rate)
    target = UnitTarget.objects.select_for_update().filter(unit=unit, year=year, metric=metric).first()
    if target is None:
        target = UnitTarget.objects.create(
            unit=unit, year=year, metric=metric, rate=rate, note=note.strip(), set_by=actor
        )
        audit_log(actor=actor, action="create", obj=target, before=None, after=snapshot(target), unit=unit)
        return target
    before = snapshot(target)
    target.rate, target.note, target.set_by = rate, note.strip(), actor
    target.save(update_fields=["rate", "note", "set_by", "set_at"])
    audit_log(actor=actor, action="update", obj=target, before=before, after=snapshot(target), unit=unit)
    return target


@transaction.atomic
def unit_target_clear(*, actor: Any, unit: Unit, year: int, metric: str) -> None:
    """Remove a unit's own target: the computed one applies again."""
    target = UnitTarget.objects.select_for_update().filter(unit=unit, year=year, metric=metric).first()
    if target is None:
        raise NotFound(_("This unit has no target of its own for that year and rate."))
    audit_log(actor=actor, action="delete", obj=target, before=snapshot(target), after=None, unit=unit)
    target.delete()


@transaction.atomic
def kpi_settings_update(
    *,
    actor: Any,
    green_fraction: Any,
    yellow_fraction: Any,
    orange_fraction: Any,
    target_increase: Any,
    target_increase_mode: str,
    accept_apology_appointment: bool,
) -> KpiSettings:
    """Change the KPI settings: colour thresholds, units' yearly target increase, the 2.1 appointment."""
    fractions = check_band_fractions(green=green_fraction, yellow=yellow_fraction, orange=orange_fraction)
    increase = check_rate(target_increase, field="target_increase")
    if target_increase_mode not in IncreaseMode.values:
        raise ApplicationError(
            _("Choose how the increase is counted."),
            code="unknown_increase_mode",
            fields={"target_increase_mode": _("Unknown way of counting.")},
        )
    settings_row, _created = KpiSettings.objects.select_for_update().get_or_create(
        id=KpiSettings.SINGLETON_ID
    )
    before = snapshot(settings_row)
    settings_row.green_fraction = fractions.green
    settings_row.yellow_fraction = fractions.yellow
    settings_row.orange_fraction = fractions.orange
    settings_row.target_increase = increase
    settings_row.target_increase_mode = target_increase_mode
    settings_row.accept_apology_appointment = bool(accept_apology_appointment)
    settings_row.updated_by = actor
    settings_row.save(update_fields=[*KpiSettings.EDITABLE_FIELDS, "updated_by", "updated_at"])
    audit_log(actor=actor, action="update", obj=settings_row, before=before, after=snapshot(settings_row))
    return settings_row
