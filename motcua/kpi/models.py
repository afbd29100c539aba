"""Stored KPI data: central targets per year, units' target overrides, and the KPI settings (colour bands,
target increase, the appointment 2.1 judges against). Writes go through `motcua.kpi.services`.
"""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.kpi.bands import BandFractions
from motcua.kpi.targets import DEFAULT_INCREASE, IncreaseMode, TargetMetric, TargetScope

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# QĐ 766/QĐ-TTg dates from 23/6/2022; targets stay within a sane range of years.
FIRST_YEAR, LAST_YEAR = 2022, 2100
RATE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def _actor_field(verbose_name: "StrOrPromise") -> models.ForeignKey:
    """Who last wrote the row (kept when the account goes)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


class YearlyTarget(models.Model):
    """A target rate for one year and one metric."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    metric = models.CharField(_("rate"), max_length=40, choices=TargetMetric.choices)
    rate = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2, validators=RATE_VALIDATORS)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=100), name="%(app_label)s_%(class)s_rate_percentage"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="%(app_label)s_%(class)s_year_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(metric__in=TargetMetric.values),
                name="%(app_label)s_%(class)s_metric_valid",
            ),
        ]


class CentralTarget(YearlyTarget):
    """A target the Government or the province sets for a year (LEGAL.md §12), e.g. online dossiers ≥ 50 %."""

    scope = models.CharField(_("for"), max_length=16, choices=TargetScope.choices, default=TargetScope.ALL)
    # Copied from an earlier year because no new table was issued; editing the row clears it.
    carried_over = models.BooleanField(_("carried over from an earlier year"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = _actor_field(_("updated by"))

    class Meta(YearlyTarget.Meta):
        verbose_name = _("central target")
        verbose_name_plural = _("central targets")
        ordering = ["-year", "metric", "scope"]
        constraints = [
            *YearlyTarget.Meta.constraints,
            models.UniqueConstraint(fields=["year", "metric", "scope"], name="kpi_central_target_unique"),
            models.CheckConstraint(
                condition=models.Q(scope__in=TargetScope.values), name="kpi_central_target_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_metric_display()} · {self.rate} %"


class UnitTarget(YearlyTarget):
    """A unit's own target for a year, set by hand instead of the computed one (LEGAL.md §12)."""

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.CASCADE, related_name="kpi_targets", verbose_name=_("unit")
    )
    note = models.CharField(_("reason"), max_length=500, blank=True)
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    set_by = _actor_field(_("set by"))

    class Meta(YearlyTarget.Meta):
        verbose_name = _("unit target")
        verbose_name_plural = _("unit targets")
        ordering = ["-year", "unit", "metric"]
        constraints = [
            *YearlyTarget.Meta.constraints,
            models.UniqueConstraint(fields=["unit", "year", "metric"], name="kpi_unit_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year} · {self.get_metric_display()} · {self.rate} %"


class KpiSettings(models.Model):
    """The installation's KPI settings: one row (id 1), seeded by the migrations."""

    SINGLETON_ID = 1

    # Colour bands as fractions of the target (LEGAL.md §12: thresholds not given, defaults 1, 0.9, 0.75).
    green_fraction = models.DecimalField(
        _("green from (share of the target)"), max_digits=4, decimal_places=3, default=Decimal("1.000")
    )
    yellow_fraction = models.DecimalField(
        _("yellow from (share of the target)"), max_digits=4, decimal_places=3, default=Decimal("0.900")
    )
    orange_fraction = models.DecimalField(
        _("orange from (share of the target)"), max_digits=4, decimal_places=3, default=Decimal("0.750")
    )
    # A unit's target above the central one: last year's result + this (LEGAL.md §12, "plus 10 %" [U]).
    target_increase = models.DecimalField(
        _("yearly increase of a unit's target"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_INCREASE,
        validators=RATE_VALIDATORS,
    )
    target_increase_mode = models.CharField(
        _("increase counted in"), max_length=16, choices=IncreaseMode.choices, default=IncreaseMode.POINTS
    )
    # Indicator 2.1 judges against the original appointment unless this is set (LEGAL.md §1.8 [U]).
    accept_apology_appointment = models.BooleanField(
        _("judge timeliness against the apology's new appointment"), default=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = _actor_field(_("updated by"))

    # What an administrator edits (the admin form and `services.kpi_settings_update`).
    EDITABLE_FIELDS = (
        "green_fraction",
        "yellow_fraction",
        "orange_fraction",
        "target_increase",
        "target_increase_mode",
        "accept_apology_appointment",
    )

    class Meta:
        verbose_name = _("KPI settings")
        verbose_name_plural = _("KPI settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="kpi_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(orange_fraction__gt=0)
                & models.Q(yellow_fraction__gt=models.F("orange_fraction"))
                & models.Q(green_fraction__gt=models.F("yellow_fraction"))
                & models.Q(green_fraction__lte=1),
                name="kpi_settings_band_fractions_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(target_increase__gte=0, target_increase__lte=100),
                name="kpi_settings_increase_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(target_increase_mode__in=IncreaseMode.values),
                name="kpi_settings_increase_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("KPI settings"))

    @property
    def band_fractions(self) -> BandFractions:
        return BandFractions(
            green=self.green_fraction, yellow=self.yellow_fraction, orange=self.orange_fraction
        )


# The counters and per-dossier facts kept from the dossier events (docs/KPI.md, "Counters").
from motcua.kpi.counters import (  # noqa: E402
    DossierFact,
    ProcedureDayCounter,
    ProcessedEvent,
    UnitDayCounter,
    UnitMonthCounter,
    UnitReceiptMonthCounter,
    UnitReceiptMonthDayCounter,
)

__all__ = [
    "CentralTarget",
    "DossierFact",
    "KpiSettings",
    "ProcedureDayCounter",
    "ProcessedEvent",
    "UnitDayCounter",
    "UnitMonthCounter",
    "UnitReceiptMonthCounter",
    "UnitReceiptMonthDayCounter",
    "UnitTarget",
]
