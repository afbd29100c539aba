"""Reads of KPI data: the settings row, the central target that applies, a unit's target for a year."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.kpi.models import CentralTarget, KpiSettings, UnitTarget
from motcua.kpi.targets import scopes_for_level, unit_target
from motcua.organizations.models import Unit


def kpi_settings() -> KpiSettings:
    """The KPI settings row (seeded by migration 0002; recreated with the defaults if it went missing)."""
    row, _created = KpiSettings.objects.get_or_create(id=KpiSettings.SINGLETON_ID)
    return row


class TargetSource(models.TextChoices):
    OVERRIDE = "override", _("Set for the unit")
    COMPUTED = "computed", _("Computed from last year's result")
    CENTRAL = "central", _("Central target")


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """A unit's target for a year and a rate, and where it came from.

    `central` is the central target it rests on (None for an override without one); its `year` may be
    earlier than the year asked when no later table exists (its `carried_over` rows say the same).
    """

    rate: Decimal
    source: TargetSource
    central: CentralTarget | None
    override: UnitTarget | None


def central_targets(
    *, year: int, metrics: Iterable[str] | None = None
) -> dict[tuple[str, str], CentralTarget]:
    """{(metric, scope): target} in force in `year`: per metric and scope, the latest row up to `year`."""
    rows = CentralTarget.objects.filter(year__lte=year).order_by("metric", "scope", "-year")
    if metrics is not None:
        rows = rows.filter(metric__in=list(metrics))
    found: dict[tuple[str, str], CentralTarget] = {}
    for row in rows:
        found.setdefault((row.metric, row.scope), row)
    return found


def central_target_for(*, year: int, metric: str, level: str) -> CentralTarget | None:
    """The central target for a unit of `level`: the latest year up to `year`, then the closest scope."""
    in_force = central_targets(year=year, metrics=[metric])
    candidates = [
        in_force[(metric, scope)] for scope in scopes_for_level(level) if (metric, scope) in in_force
    ]
    if not candidates:
        return None
    newest = max(target.year for target in candidates)
    return next(target for target in candidates if target.year == newest)


def resolve_target(
    *,
    central: CentralTarget | None,
    override: UnitTarget | None,
    last_year_result: Decimal | None,
    settings: KpiSettings,
) -> ResolvedTarget | None:
    """A unit's target from what is stored: its override, else the §12 rule over the central target."""
    if override is not None:
        return ResolvedTarget(
            rate=override.rate, source=TargetSource.OVERRIDE, central=central, override=override
        )
    if central is None:
        return None
    rate = unit_target(
        central=central.rate,
        last_year=last_year_result,
        increase=settings.target_increase,
        mode=settings.target_increase_mode,
    )
    above = last_year_result is not None and last_year_result >= central.rate
    source = TargetSource.COMPUTED if above else TargetSource.CENTRAL
    return ResolvedTarget(rate=rate, source=source, central=central, override=None)


def unit_target_for(
    *, unit: Unit, year: int, metric: str, last_year_result: Decimal | None
) -> ResolvedTarget | None:
    """The target of `unit` for `metric` in `year` (LEGAL.md §12); None when no central target exists.

    `last_year_result` is the unit's rate of the previous year (from the counters), None if unknown.
    """
    override = UnitTarget.objects.filter(unit=unit, year=year, metric=metric).first()
    central = central_target_for(year=year, metric=metric, level=unit.level)
    return resolve_target(
        central=central, override=override, last_year_result=last_year_result, settings=kpi_settings()
    )


def unit_target_overrides(*, unit_ids: Iterable[int], year: int) -> dict[tuple[int, str], UnitTarget]:
    """{(unit id, metric): override} for many units in one query (rankings of child units)."""
    rows = UnitTarget.objects.filter(unit_id__in=list(unit_ids), year=year)
    return {(row.unit_id, row.metric): row for row in rows}
