"""Procedures, their versions (a draft, then immutable published versions) and where they were posted.

A `Procedure` is the stable identity (codes, sector, level, owner unit, retirement). Everything
ND 63/2010 art. 8(2) asks to publish lives on a `ProcedureVersion` and its child rows
(`motcua.catalog.models.components`). A version is edited as a draft and published with its publication
decision; from then on it is frozen (`guards.py`), and running dossiers keep the version they were
submitted under (docs/adr/0006-catalog-versions.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models.choices import (
    CountingConvention,
    Level,
    OnlineLevel,
    OnlineReason,
    PostingChannel,
    SupplementClock,
    TimeLimitUnit,
    VersionStatus,
)
from motcua.catalog.models.fields import TextJSONField
from motcua.catalog.models.guards import ImmutableVersion, VersionQuerySet


class Sector(models.Model):
    """A sector (lĩnh vực) of procedures, e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="catalog_sector_code_not_empty")
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def active(self) -> ProcedureQuerySet:
        return self.filter(retired_at__isnull=True)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính): its identity and classification."""

    # The local code (mã thủ tục của địa phương, e.g. 1.001193.000.00.00.H44): unique in motcua, the key
    # import and export files use.
    code = models.CharField(_("local code"), max_length=64, unique=True)
    # The national code in the National Database on administrative procedures (e.g. 2.000815).
    national_code = models.CharField(_("national code"), max_length=32, blank=True, db_index=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("sector")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # The department or commune that maintains the procedure in the catalogue.
    owner_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="owned_procedures",
        verbose_name=_("owner unit"),
    )
    # The name of the latest published version (or of the first draft): for lists and search.
    name = models.CharField(_("name"), max_length=1000)
    latest_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("latest published version"),
    )
    # Retired (bãi bỏ): no new dossiers from this moment; dossiers already submitted keep running.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retirement_reason = models.CharField(_("reason for retirement"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="catalog_procedure_code_not_empty"),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="catalog_procedure_level_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(retired_at__isnull=True, retirement_reason="")
                | models.Q(retired_at__isnull=False),
                name="catalog_procedure_reason_only_when_retired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """One version of a procedure's published content. Draft until published; immutable afterwards."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )

    # ND 63/2010 art. 8(2)(a): name.
    name = models.CharField(_("name"), max_length=1000)
    # Art. 8(2)(h): requirements and conditions (yêu cầu, điều kiện).
    requirements = models.TextField(_("requirements and conditions"), blank=True)
    # Art. 8(2)(d): number of dossier sets (số lượng hồ sơ).
    dossier_sets = models.PositiveSmallIntegerField(_("number of dossier sets"), default=1)
    # Art. 8(2)(e): subjects (đối tượng thực hiện).
    subjects_citizens = models.BooleanField(_("citizens may apply"), default=True)
    subjects_organizations = models.BooleanField(_("organisations may apply"), default=False)
    subjects_note = models.TextField(_("subjects, as published"), blank=True)
    # Art. 8(2)(đ): time limit, its unit and counting convention (LEGAL.md §3).
    time_limit_amount = models.DecimalField(_("time limit"), max_digits=8, decimal_places=2, default=0)
    time_limit_unit = models.CharField(
        _("unit of the time limit"),
        max_length=16,
        choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    time_limit_convention = models.CharField(
        _("counting convention"),
        max_length=8,
        choices=CountingConvention.choices,
        default=CountingConvention.HOURS,
    )
    # ND 23/2015 art. 7 as amended by ND 07/2025: a request received after this time counts from the next
    # working day (LEGAL.md §3.2). Empty when the procedure has no such rule.
    cutoff_time = models.TimeField(_("cut-off time of the day"), null=True, blank=True)
    # ND 224/2026 art. 14 (LEGAL.md §6.2).
    online_level = models.CharField(
        _("online service level"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    online_reason = models.CharField(
        _("reason it is not full-process"), max_length=32, choices=OnlineReason.choices, blank=True
    )
    online_reason_text = models.TextField(_("published explanation"), blank=True)
    # Processing rules the dossier engine reads (LEGAL.md §1.6, §1.10).
    supplement_clock = models.CharField(
        _("clock on a supplement request"),
        max_length=8,
        choices=SupplementClock.choices,
        default=SupplementClock.PAUSE,
    )
    max_supplement_requests = models.PositiveSmallIntegerField(
        _("supplement requests allowed during processing"), default=1
    )
    leader_signature_required = models.BooleanField(_("the leader signs the result digitally"), default=True)
    return_at_counter = models.BooleanField(_("result returned at the counter"), default=True)
    return_by_post = models.BooleanField(_("result returned by post"), default=False)
    return_electronically = models.BooleanField(_("result returned electronically"), default=False)
    # The ministry's decision that published the procedure nationally (e.g. 163/QĐ-BTP).
    national_decision = models.CharField(_("national publication decision"), max_length=100, blank=True)
    # Facts not confirmed by a public source: {field name: note} (PROCEDURES.md tag [unconfirmed]).
    unconfirmed = TextJSONField(_("unconfirmed facts"), default=dict, blank=True)

    # The publication decision (quyết định công bố) and when the version applies to new dossiers.
    decision_number = models.CharField(_("publication decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("publication decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=255, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    effective_from = models.DateField(_("applies to dossiers from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    # The whole content as published (the same structure as the export file) and its SHA-256.
    snapshot = TextJSONField(_("published content"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("SHA-256 of the published content"), max_length=64, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VersionQuerySet.as_manager()
    # The status the row had when loaded: a published row refuses `save()` (guards.py).
    _stored_status: str | None = None

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="catalog_version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="catalog_one_draft_per_procedure",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values), name="catalog_version_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="catalog_version_number_positive"),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | (
                    ~models.Q(decision_number="")
                    & models.Q(
                        decision_date__isnull=False,
                        effective_from__isnull=False,
                        published_at__isnull=False,
                        snapshot__isnull=False,
                    )
                ),
                name="catalog_published_version_has_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_from__isnull=True)
                | models.Q(decision_date__isnull=True)
                | models.Q(effective_from__gte=models.F("decision_date")),
                name="catalog_version_effective_after_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_amount__gte=0), name="catalog_version_time_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_unit__in=TimeLimitUnit.values),
                name="catalog_version_time_unit_valid",
            ),
            # ND 224/2026 art. 14: a service that is not full-process publishes its reason.
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(online_level=OnlineLevel.FULL, online_reason="")
                | (~models.Q(online_level=OnlineLevel.FULL) & ~models.Q(online_reason="")),
                name="catalog_version_reason_iff_not_full",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(subjects_citizens=True)
                | models.Q(subjects_organizations=True),
                name="catalog_published_version_has_subjects",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(return_at_counter=True)
                | models.Q(return_by_post=True)
                | models.Q(return_electronically=True),
                name="catalog_published_version_returns_results",
            ),
            models.CheckConstraint(
                condition=models.Q(dossier_sets__gte=1), name="catalog_version_at_least_one_set"
            ),
        ]
        indexes = [
            models.Index(fields=["procedure", "status", "effective_from"], name="catalog_version_in_force"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    # --- immutability (guards.py) --------------------------------------------------------------------
    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_stored_status", None) == VersionStatus.PUBLISHED:
            raise ImmutableVersion
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if (
            getattr(self, "_stored_status", None) == VersionStatus.PUBLISHED
            or self.status == VersionStatus.PUBLISHED
        ):
            raise ImmutableVersion
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> ProcedureVersion:
        instance = super().from_db(*args, **kwargs)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def return_methods(self) -> list[str]:
        flags = (
            ("counter", self.return_at_counter),
            ("post", self.return_by_post),
            ("electronic", self.return_electronically),
        )
        return [method for method, offered in flags if offered]


class PublicationPosting(models.Model):
    """A published version made public somewhere, on a date (indicator 1.2: the national database).

    Append-only: a posting is a fact; it belongs to a version but is not part of its frozen content.
    """

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="postings", verbose_name=_("version")
    )
    channel = models.CharField(_("where"), max_length=32, choices=PostingChannel.choices)
    posted_on = models.DateField(_("posted on"))
    reference = models.CharField(_("reference or address"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication posting")
        verbose_name_plural = _("publication postings")
        ordering = ["version", "posted_on", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "channel", "posted_on"], name="catalog_posting_once_per_day_and_channel"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=PostingChannel.values), name="catalog_posting_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.get_channel_display()} {self.posted_on:%d/%m/%Y}"
