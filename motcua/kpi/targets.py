"""Targets: the central targets of the year and the rule that gives each unit its own (LEGAL.md §12).

Central targets are data (`CentralTarget`, seeded with the 2024 table of NQ 01/NQ-CP and 02/NQ-CP);
a unit's target follows the rule of the 2024 TTHC-control plan (appendix §1): last year's result below the
central target → the central target; equal or above → last year's result plus 10, never below the
central target. "Plus 10 %" is not said to be percentage points or relative [U]: `IncreaseMode`, a
setting (default: percentage points), and the target is capped at 100 %. Pure functions here; the
stored targets and overrides are read through `motcua.kpi.selectors`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
HUNDREDTH = Decimal("0.01")
DEFAULT_INCREASE = Decimal(10)


class IncreaseMode(models.TextChoices):
    POINTS = "points", _("Percentage points")
    RELATIVE = "relative", _("Per cent of last year's result")


class TargetScope(models.TextChoices):
    """Which units a central target is for: the 2024 table sets some only for departments or communes."""

    ALL = "all", _("All units")
    DEPARTMENTS = "departments", _("Departments and province-level agencies")
    COMMUNES = "communes", _("Commune people's committees")


class TargetMetric(models.TextChoices):
    """The rates the directives set targets for (LEGAL.md §12), with the QĐ 766 indicator each one judges."""

    ON_TIME = "on_time", _("Dossiers processed on time")
    ONLINE_DOSSIERS = "online_dossiers", _("Dossiers received and processed online")
    ONLINE_SERVICES_WITH_DOSSIERS = "online_services_with_dossiers", _("Online services with dossiers")
    ONLINE_PAYMENTS = "online_payments", _("Fee payments made online")
    DIGITISED = "digitised", _("Dossiers and results digitised")
    E_RESULTS = "e_results", _("Results issued electronically")
    E_CERTIFIED_COPIES = "e_certified_copies", _("Electronic certified copies from originals")
    REUSE = "reuse", _("Reuse of digitised information and data")
    FEEDBACK_ON_TIME = "feedback_on_time", _("Feedback handled on time")
    SATISFACTION = "satisfaction", _("Satisfaction with receiving and processing procedures")
    SYNCED = "synced", _("Dossiers synced to the national portal")
    ONLINE_RECEIVED_ON_TIME = "online_received_on_time", _("Online dossiers received within 8 working hours")
    DOCUMENTS_ONLINE = "documents_online", _("Documents and work files processed online")


# The indicator whose rate a target judges; None: a directive target outside QĐ 766.
METRIC_INDICATOR: dict[str, str | None] = {
    TargetMetric.ON_TIME: "2.1",
    TargetMetric.ONLINE_DOSSIERS: "3.3",
    TargetMetric.ONLINE_SERVICES_WITH_DOSSIERS: "3.2",
    TargetMetric.ONLINE_PAYMENTS: "3.6",
    TargetMetric.DIGITISED: "4.2",
    TargetMetric.E_RESULTS: "4.1",
    TargetMetric.E_CERTIFIED_COPIES: "4.6",
    TargetMetric.REUSE: "4.3",
    TargetMetric.FEEDBACK_ON_TIME: "5.2",
    TargetMetric.SATISFACTION: "5.4",
    TargetMetric.SYNCED: "1.4",
    TargetMetric.ONLINE_RECEIVED_ON_TIME: None,
    TargetMetric.DOCUMENTS_ONLINE: None,
}
INDICATOR_METRIC: dict[str, str] = {
    indicator: metric for metric, indicator in METRIC_INDICATOR.items() if indicator is not None
}


def scopes_for_level(level: str) -> tuple[str, ...]:
    """The central-target scopes that apply to a unit of `level`, the most specific first."""
    if level == "commune":
        return (TargetScope.COMMUNES, TargetScope.ALL)
    return (TargetScope.DEPARTMENTS, TargetScope.ALL)


def _check_rate(name: str, value: Decimal) -> None:
    if not Decimal(0) <= value <= HUNDRED:
        raise ValueError(f"{name} must be a percentage between 0 and 100, got {value}")


def unit_target(
    *,
    central: Decimal,
    last_year: Decimal | None,
    increase: Decimal = DEFAULT_INCREASE,
    mode: str = IncreaseMode.POINTS,
) -> Decimal:
    """A unit's target from the central target and its result of the previous year (LEGAL.md §12).

    No result last year, or below the central target → the central target. Equal or above → last year's
    result + `increase` percentage points (or × (1 + increase %) in relative mode), capped at 100 %, never
    below the central target. Half-up to 2 decimals.
    """
    central, increase = Decimal(central), Decimal(increase)
    _check_rate("central", central)
    if increase < 0:
        raise ValueError(f"increase must not be negative, got {increase}")
    if last_year is None:
        return central.quantize(HUNDREDTH)
    last_year = Decimal(last_year)
    _check_rate("last_year", last_year)
    if last_year < central:
        return central.quantize(HUNDREDTH)
    if mode == IncreaseMode.POINTS:
        raised = last_year + increase
    elif mode == IncreaseMode.RELATIVE:
        raised = last_year * (1 + increase / HUNDRED)
    else:
        raise ValueError(f"unknown increase mode {mode!r}")
    return max(central, min(HUNDRED, raised)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
