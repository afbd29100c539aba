"""The editable calendar tables: the national calendar, units' calendars on top of it, dated exceptions.

The tables are the truth (DESIGN.md); the `holidays` package only seeds them. `selectors.calendar_for_unit`
builds the pure `motcua.worktime.Calendar` from them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.worktime.dates import ExceptionCategory, ExceptionKind


class WorkCalendar(models.Model):
    """The national calendar (no unit) or one unit's own periods and exceptions on top of it."""

    unit = models.OneToOneField(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_calendar",
        verbose_name=_("unit"),
    )
    is_national = models.BooleanField(_("national calendar"), default=False)
    # Working weekdays, 0 = Monday (QĐ 188/1999/QĐ-TTg art. 1: Monday to Friday). Empty on a unit: national.
    weekdays = models.JSONField(_("working weekdays"), default=list, blank=True)
    # [["07:30", "11:30"], ["13:00", "17:00"]]; empty on a unit: the national periods.
    periods = models.JSONField(_("working periods"), default=list, blank=True)
    # "N working days" always means N x this length, whatever a day's periods sum to.
    day_minutes = models.PositiveSmallIntegerField(_("standard working-day length (minutes)"), default=480)
    # The years the national seed covers; computations outside them are refused rather than guessed.
    first_year = models.PositiveSmallIntegerField(_("first year"), default=2020)
    last_year = models.PositiveSmallIntegerField(_("last year"), default=2035)
    # Replaced by every edit, so that cached calendars are rebuilt at once in every process. A random value,
    # not a counter: a rolled-back edit must never leave a cache entry that a later edit's value could hit.
    version = models.UUIDField(_("version"), default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_national=True, unit__isnull=True)
                | models.Q(is_national=False, unit__isnull=False),
                name="worktime_calendar_national_xor_unit",
            ),
            models.UniqueConstraint(
                fields=["is_national"],
                condition=models.Q(is_national=True),
                name="worktime_one_national_calendar",
            ),
            models.CheckConstraint(
                condition=models.Q(day_minutes__gt=0, day_minutes__lte=1440),
                name="worktime_day_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")), name="worktime_years_in_order"
            ),
        ]

    def __str__(self) -> str:
        return str(_("National calendar")) if self.is_national else str(self.unit)


class CalendarException(models.Model):
    """A dated exception: a non-working date (holiday, compensatory, bridge day) or an extra working date
    (swapped Saturday), with its reason and legal basis (LEGAL.md §3.3)."""

    class Kind(models.TextChoices):
        NON_WORKING = ExceptionKind.NON_WORKING.value, _("Non-working date")
        EXTRA_WORKING = ExceptionKind.EXTRA_WORKING.value, _("Extra working date")

    class Category(models.TextChoices):
        HOLIDAY = ExceptionCategory.HOLIDAY.value, _("Public holiday")
        COMPENSATORY = ExceptionCategory.COMPENSATORY.value, _("Compensatory day off")
        BRIDGE = ExceptionCategory.BRIDGE.value, _("Bridge day (swapped)")
        SWAPPED_WORKDAY = ExceptionCategory.SWAPPED_WORKDAY.value, _("Swapped working Saturday")
        LOCAL = ExceptionCategory.LOCAL.value, _("Local decision")

    class Source(models.TextChoices):
        SEED = "seed", _("National seed")
        ADMIN = "admin", _("Administrator")

    calendar = models.ForeignKey(
        WorkCalendar, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("calendar")
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    reason = models.CharField(_("reason"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    basis_confirmed = models.BooleanField(_("legal basis confirmed"), default=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ADMIN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="worktime_one_exception_per_day"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["non_working", "extra_working"]), name="worktime_exception_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.reason}"
