"""The rows of a procedure version: every component ND 63/2010 art. 8(2) publishes (LEGAL.md §6.1),
the e-forms of its declarations and the internal process the dossier engine executes.

Every row belongs to one version, has a position (from 1) and is frozen with its version once published
(`guards.VersionChild`). Facts not confirmed by a public source carry `confirmed=False` and a note.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.catalog.models.choices import (
    AgencyRole,
    AgencyScope,
    Channel,
    DocumentKind,
    FeeKind,
    LegalKind,
    LookupDatabase,
    StepScope,
    TimeLimitUnit,
)
from motcua.catalog.models.fields import TextJSONField
from motcua.catalog.models.guards import VersionChild
from motcua.catalog.models.procedures import ProcedureVersion


def _version(related_name: str) -> models.ForeignKey[ProcedureVersion, ProcedureVersion]:
    return models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name=related_name, verbose_name=_("version")
    )


def _position_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["version", "position"], name=f"catalog_{name}_position_unique")


class Fact(models.Model):
    """A published fact that may be unconfirmed (PROCEDURES.md tag [unconfirmed])."""

    confirmed = models.BooleanField(_("confirmed by a public source"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class SequenceStep(VersionChild):
    """Art. 8(2)(b): one step of the sequence the applicant follows (trình tự thực hiện)."""

    version = _version("sequence_steps")
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("step of the sequence")
        verbose_name_plural = _("sequence of steps")
        constraints = [_position_unique("sequencestep")]

    def __str__(self) -> str:
        return self.title


class ProcedureMethod(VersionChild):
    """Art. 8(2)(c): a method of submission, with its own time limit where the published table gives one
    per channel (e.g. 17 working days online, 27 in person)."""

    version = _version("methods")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    description = models.TextField(_("description"), blank=True)
    time_limit_amount = models.DecimalField(
        _("time limit on this channel"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    time_limit_unit = models.CharField(
        _("unit of that time limit"), max_length=16, choices=TimeLimitUnit.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        constraints = [
            _position_unique("method"),
            models.UniqueConstraint(fields=["version", "channel"], name="catalog_method_channel_once"),
            models.CheckConstraint(
                condition=models.Q(time_limit_amount__isnull=True, time_limit_unit="")
                | (models.Q(time_limit_amount__gte=0) & ~models.Q(time_limit_unit="")),
                name="catalog_method_time_limit_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.get_channel_display()


class ProcedureAgency(VersionChild, Fact):
    """Art. 8(2)(g): a unit taking part, by role: implementing, competent, receiving or coordinating."""

    version = _version("agencies")
    role = models.CharField(_("role"), max_length=16, choices=AgencyRole.choices)
    scope = models.CharField(_("scope"), max_length=32, choices=AgencyScope.choices, default=AgencyScope.UNIT)
    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_roles",
        verbose_name=_("unit"),
    )
    # The agency as the published text names it (e.g. "Ủy ban nhân dân cấp xã").
    name = models.CharField(_("name as published"), max_length=500)

    class Meta(VersionChild.Meta):
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            _position_unique("agency"),
            models.CheckConstraint(
                condition=models.Q(scope=AgencyScope.UNIT, unit__isnull=False)
                | (~models.Q(scope=AgencyScope.UNIT) & models.Q(unit__isnull=True)),
                name="catalog_agency_unit_iff_scope_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class EForm(VersionChild):
    """The electronic form of a declaration: a JSON Schema (the subset `motcua.catalog.eforms` supports)
    and a small layout spec."""

    version = _version("eforms")
    key = models.SlugField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    # The paper form it stands for, e.g. "Mẫu CT01 (TT 53/2025/TT-BCA)".
    form_reference = models.CharField(_("form it stands for"), max_length=500, blank=True)
    # Text, not jsonb: the order of the schema's properties is the order of the form's fields.
    schema = TextJSONField(_("JSON Schema"))
    layout = TextJSONField(_("layout"), default=dict, blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("e-form")
        verbose_name_plural = _("e-forms")
        constraints = [
            _position_unique("eform"),
            models.UniqueConstraint(fields=["version", "key"], name="catalog_eform_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class RequiredDocument(VersionChild, Fact):
    """Art. 8(2)(d): a component of the dossier (thành phần hồ sơ) and how many originals and copies.

    `document_type` lets a document already in the applicant's data store be matched and reused
    (ND 45/2020 art. 9); `lookup_database` says a national database may replace it (NQ 66.7/2025);
    `digitisation_required` follows TT 01/2023/TT-VPCP. A dossier holds `DossierComponent`s against these.
    """

    version = _version("documents")
    name = models.CharField(_("name"), max_length=1000)
    document_type = models.CharField(_("document type code"), max_length=64, blank=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=DocumentKind.choices, default=DocumentKind.SUBMIT
    )
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    required = models.BooleanField(_("always required"), default=True)
    condition = models.TextField(_("when it is required"), blank=True)
    # A heading that groups components by case ("Nhà ở riêng lẻ", "Chỗ ở thuê, mượn"...).
    group = models.CharField(_("case"), max_length=255, blank=True)
    digitisation_required = models.BooleanField(_("digitisation is mandatory"), default=False)
    lookup_database = models.CharField(
        _("may be replaced by a lookup in"), max_length=16, choices=LookupDatabase.choices, blank=True
    )
    # RESTRICT, not PROTECT: deleting a draft deletes its documents and e-forms together.
    eform = models.ForeignKey(
        EForm,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="documents",
        verbose_name=_("e-form"),
    )

    class Meta(VersionChild.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [_position_unique("document")]

    def __str__(self) -> str:
        return self.name


class Fee(VersionChild, Fact):
    """Art. 8(2)(h): a fee (phí) or charge (lệ phí), in VND, per channel, with its exemptions."""

    version = _version("fees")
    kind = models.CharField(_("kind"), max_length=8, choices=FeeKind.choices)
    name = models.CharField(_("name"), max_length=500)
    # Empty when the amount is set elsewhere (e.g. by the provincial council) and not known here.
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    # What the amount is charged per: "lần", "trang", "bản"...
    per = models.CharField(_("per"), max_length=100, blank=True)
    # Empty: every channel.
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    exemptions = models.TextField(_("exemptions"), blank=True)
    payable_online = models.BooleanField(_("payable online"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")
        constraints = [_position_unique("fee")]

    def __str__(self) -> str:
        return self.name


class ProcedureResult(VersionChild, Fact):
    """Art. 8(2)(h): the document issued, its validity, whether paper is required and an e-version exists."""

    version = _version("results")
    name = models.CharField(_("name"), max_length=500)
    # The national result code, e.g. KQ.G15.000031.
    code = models.CharField(_("result code"), max_length=64, blank=True)
    validity = models.CharField(_("validity"), max_length=255, blank=True)
    paper_required = models.BooleanField(_("a paper result is required"), default=True)
    electronic = models.BooleanField(_("issued electronically"), default=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [_position_unique("result")]

    def __str__(self) -> str:
        return self.name


class LegalBasis(VersionChild, Fact):
    """A legal document the procedure rests on (căn cứ pháp lý), with its dates.

    `governs_publication` marks the document whose entry into force this version implements: indicator
    1.1 measures the publication decision against its effective date (`motcua.catalog.publication`).
    """

    version = _version("legal_bases")
    kind = models.CharField(_("kind"), max_length=16, choices=LegalKind.choices)
    number = models.CharField(_("number"), max_length=100)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    governs_publication = models.BooleanField(
        _("its effective date sets the publication deadline"), default=False
    )

    class Meta(VersionChild.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            _position_unique("legalbasis"),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(governs_publication=True),
                name="catalog_one_governing_legal_basis",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(effective_on__gte=models.F("issued_on")),
                name="catalog_legal_basis_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ProcessStep(VersionChild):
    """A step of the internal process (quy trình nội bộ): who does it, where, in how many working minutes,
    what they may do, and after which steps (a step after several steps joins them; several steps after
    one fan out). `motcua.catalog.processes` checks the graph and the critical path against the limit."""

    version = _version("process_steps")
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("responsible role"), max_length=32, choices=Role.choices)
    unit_scope = models.CharField(_("where"), max_length=16, choices=StepScope.choices)
    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_steps",
        verbose_name=_("unit"),
    )
    # Working minutes: budgets such as "0.25 ngày làm việc" are whole minutes (LEGAL.md §3.1).
    budget_minutes = models.PositiveIntegerField(_("time budget (working minutes)"))
    actions = models.JSONField(_("allowed actions"), default=list)
    # Keys of the steps this one follows; empty for a first step.
    after = models.JSONField(_("after the steps"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("internal process step")
        verbose_name_plural = _("internal process")
        constraints = [
            _position_unique("processstep"),
            models.UniqueConstraint(fields=["version", "key"], name="catalog_process_step_key_unique"),
            models.CheckConstraint(
                condition=models.Q(budget_minutes__gt=0), name="catalog_step_budget_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_scope=StepScope.UNIT, unit__isnull=False)
                | (~models.Q(unit_scope=StepScope.UNIT) & models.Q(unit__isnull=True)),
                name="catalog_step_unit_iff_scope_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


VERSION_CHILD_MODELS: tuple[type[VersionChild], ...] = (
    SequenceStep,
    ProcedureMethod,
    ProcedureAgency,
    EForm,
    RequiredDocument,
    Fee,
    ProcedureResult,
    LegalBasis,
    ProcessStep,
)
