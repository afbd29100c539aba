"""Documents: digitised components, the applicant's data store, unit certificates, signed results
and certified e-copies. Files themselves are `dossiers.StoredFile` rows (content-addressed,
referenced, never copied)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataStore(models.Model):
    """Kho quản lý dữ liệu điện tử of one citizen or organisation (ND 45/2020; LEGAL.md §5), keyed by the
    applicant's identifier (personal ID or tax code) and linked to the account when there is one."""

    class OwnerKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANIZATION = "organization", _("Organisation")

    owner_kind = models.CharField(_("owner kind"), max_length=16, choices=OwnerKind.choices)
    # Never logged (personal data).
    identifier = models.CharField(_("identifier"), max_length=32)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_store",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data store")
        verbose_name_plural = _("data stores")
        constraints = [
            models.UniqueConstraint(fields=["owner_kind", "identifier"], name="data_store_owner_unique"),
            models.CheckConstraint(condition=~models.Q(identifier=""), name="data_store_identifier_set"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_kind} #{self.pk}"


class DataStoreItem(models.Model):
    """One document in a data store with the metadata that lets it be reused (TT 01/2023)."""

    class Origin(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded by the owner")
        DIGITISED = "digitised", _("Digitised at intake")
        RESULT = "result", _("Electronic result")
        CERTIFIED_COPY = "certified_copy", _("Certified electronic copy")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    store = models.ForeignKey(
        DataStore, on_delete=models.CASCADE, related_name="items", verbose_name=_("store")
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    file = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="store_items", verbose_name=_("file")
    )
    title = models.CharField(_("title"), max_length=1000)
    document_type_code = models.CharField(_("document type code"), max_length=64, blank=True)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=500, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dossier"),
    )
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("data store item")
        verbose_name_plural = _("data store items")
        ordering = ["-added_at", "-id"]
        indexes = [models.Index(fields=["store", "document_type_code"], name="store_item_type_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="store_item_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DigitisedDocument(models.Model):
    """A paper component scanned at intake with its metadata (TT 01/2023/TT-VPCP; LEGAL.md §5)."""

    component = models.OneToOneField(
        "dossiers.DossierComponent",
        on_delete=models.CASCADE,
        related_name="digitised",
        verbose_name=_("dossier component"),
    )
    document_type_code = models.CharField(_("document type code"), max_length=64, blank=True)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=500, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("digitised by")
    )
    digitised_at = models.DateTimeField(_("digitised at"))
    store_item = models.ForeignKey(
        DataStoreItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("data store item"),
    )

    class Meta:
        verbose_name = _("digitised document")
        verbose_name_plural = _("digitised documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="digitised_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_type_code} {self.number}".strip()


class UnitCertificate(models.Model):
    """A unit's signing certificate: a PKCS#12 file in storage whose passphrase is read from the
    environment variable named here (never stored). An HSM through PKCS#11 is planned (ADR 0010)."""

    class Purpose(models.TextChoices):
        SEAL = "seal", _("Unit seal")
        LEADER = "leader", _("Leader's signature")

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("unit")
    )
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices, default=Purpose.SEAL)
    signer_name = models.CharField(_("signer's name"), max_length=255)
    pkcs12 = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("PKCS#12 file")
    )
    passphrase_env = models.CharField(_("passphrase environment variable"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit certificate")
        verbose_name_plural = _("unit certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "purpose"],
                condition=models.Q(active=True),
                name="unit_certificate_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.purpose})"


class SignedDocument(models.Model):
    """A PDF signed with PAdES: a result, a slip or a certified copy; `public_id` is what /verify/ shows."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Electronic result")
        CERTIFIED_COPY = "certified_copy", _("Certified electronic copy")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("dossier"),
    )
    title = models.CharField(_("title"), max_length=1000)
    file = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("signed file")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"))
    signatures = models.PositiveSmallIntegerField(_("signatures"), default=1)

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")

    def __str__(self) -> str:
        return self.title


class CertifiedCopy(models.Model):
    """Chứng thực bản sao điện tử từ bản chính (ND 23/2015 as amended by ND 07/2025; LEGAL.md §8.2)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ISSUED = "issued", _("issued")

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("certifying unit")
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dossier"),
    )
    store = models.ForeignKey(
        DataStore, on_delete=models.PROTECT, related_name="+", verbose_name=_("data store")
    )
    title = models.CharField(_("title"), max_length=1000)
    scan = models.ForeignKey(
        "dossiers.StoredFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scan of the original"),
    )
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    compared_with_original = models.BooleanField(_("compared with the original"), default=False)
    compared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compared by"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    signed = models.OneToOneField(
        SignedDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certified_copy",
        verbose_name=_("signed copy"),
    )

    class Meta:
        verbose_name = _("certified copy")
        verbose_name_plural = _("certified copies")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="issued")
                | (models.Q(compared_with_original=True) & models.Q(signed__isnull=False)),
                name="certified_copy_issued_is_compared_and_signed",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("received_at")),
                name="certified_copy_due_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrustAnchor(models.Model):
    """A root certificate the verification trusts (the national root CA, or the demo CA); verification never
    fetches anything (ADR 0010)."""

    name = models.CharField(_("name"), max_length=255)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trust anchor")
        verbose_name_plural = _("trust anchors")

    def __str__(self) -> str:
        return self.name


class DigitisationExemption(models.Model):
    """A mandatory component not digitised at receipt for a reason TT 03/2025 art. 5 allows (the other
    exemptions, online dossiers and papers only shown for checking, follow from the dossier and catalogue)."""

    class Reason(models.TextChoices):
        VERIFICATION_RESULT = "verification_result", _("Result of a verification")
        STATE_SECRET = "state_secret", _("Contains state secrets")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", verbose_name=_("dossier")
    )
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("required document"),
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("digitisation exemption")
        verbose_name_plural = _("digitisation exemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "required_document"], name="digitisation_exemption_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reason


class ResultDraft(models.Model):
    """The result PDF prepared during processing; signed and issued when the dossier is approved (the
    outbox consumer on `dossier.approved`, `motcua/documents/consumers.py`)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="result_draft", verbose_name=_("dossier")
    )
    file = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    title = models.CharField(_("title"), max_length=1000)
    leader_signs = models.BooleanField(_("the leader signs too"), default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    signed = models.OneToOneField(
        SignedDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
        verbose_name=_("signed result"),
    )

    class Meta:
        verbose_name = _("result draft")
        verbose_name_plural = _("result drafts")

    def __str__(self) -> str:
        return self.title
