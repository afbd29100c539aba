"""The dossier (hồ sơ) itself, its daily code sequences and its per-state counters.

A dossier has an immutable public id from creation (URLs and the API use it) and a legal code (mã hồ sơ)
from its official receipt (LEGAL.md §2). Its status follows the state machine of issue 5 (LEGAL.md §1.11);
every change goes through a service of `motcua.dossiers.services`, which appends a `DossierEvent`.
"""

from __future__ import annotations

import hmac
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from motcua.accounts.models import User

# Form 01's lookup secret: 6 characters without the look-alikes 0/O, 1/I/L.
LOOKUP_SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 (an alphabet, not a secret)
LOOKUP_SECRET_LENGTH = 6
_LOOKUP_SALT = "motcua.dossiers.lookup_secret"
_LOOKUP_HASH_SALT = "motcua.dossiers.lookup_secret.hash"


class DossierQuerySet(models.QuerySet["Dossier"]):
    def visible_to(self, user: Any) -> DossierQuerySet:
        """The dossiers `user` may see.

        Staff (intake officer, specialist, leader, supervisor): dossiers whose receiving, competent or a
        coordinating unit lies in a subtree where they hold one of these roles, except the online drafts
        applicants are still writing. Applicants: their own dossiers. Superusers: all. Anonymous and
        deactivated users: none.
        """
        from motcua.dossiers.permissions import visible_dossiers  # noqa: PLC0415 (permissions imports models)

        return visible_dossiers(self, user)

    def open(self) -> DossierQuerySet:
        return self.exclude(status__in=Dossier.FINAL_STATUSES)


_CLOCK = models.Q(status__in=["processing", "waiting_supplement"])
# Work queues (D3, motcua/dossiers/queues.py): each lane of a queue reads its page through one of these
# (or the full (unit, status, due_at, id) indexes below); partial, so they hold only the open dossiers.
QUEUE_INDEXES = [
    models.Index(
        fields=["receiving_unit", "receive_due_at", "id"],
        condition=models.Q(status="submitted"),
        name="dossier_q_receive_due",
    ),
    models.Index(
        fields=["receiving_unit", "system_received_at", "id"],
        condition=models.Q(status="submitted"),
        name="dossier_q_receive_sys",
    ),
    models.Index(
        fields=["receiving_unit", "received_at", "id"],
        condition=models.Q(status="resolved"),
        name="dossier_q_return_rcv",
    ),
    models.Index(
        fields=["competent_unit", "received_at", "id"], condition=_CLOCK, name="dossier_q_clock_rcv"
    ),
    models.Index(fields=["due_at", "id"], condition=_CLOCK, name="dossier_q_clock_due"),
]


class Dossier(models.Model):
    """A request for one administrative procedure by one applicant (LEGAL.md §1)."""

    class Status(models.TextChoices):
        # National status names (QĐ 766 formula 2.1) in the comments; LEGAL.md §1.11.
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted, waiting for receipt")
        SUPPLEMENT_AT_INTAKE = "supplement_at_intake", _("waiting for a supplement before receipt")
        REFUSED_AT_INTAKE = "refused_at_intake", _("refused at intake")  # final
        PROCESSING = "processing", _("being processed")
        WAITING_SUPPLEMENT = "waiting_supplement", _("waiting for a supplement")
        REJECTED = "rejected", _("rejected")  # "Từ chối", final
        RESOLVED = "resolved", _("resolved, result ready")  # "Đã xử lý xong"
        RETURNED = "returned", _("result returned")  # "Đã trả kết quả", final
        STOPPED = "stopped", _("stopped")  # "Dừng xử lý" / "Công dân yêu cầu rút hồ sơ", final

    class Channel(models.TextChoices):
        """KenhThucHien, the national channel codes (LEGAL.md §1.2)."""

        DIRECT = "1", _("In person")
        ONLINE = "2", _("Online")
        POSTAL = "3", _("By post")

    class ReturnMethod(models.TextChoices):
        COUNTER = "counter", _("At the counter")
        POST = "post", _("By post")
        ELECTRONIC = "electronic", _("Electronically")
        AUTHORISED = "authorised", _("To an authorised person")

    class ApplicantKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANIZATION = "organization", _("Organisation")

    class StopKind(models.TextChoices):
        NONE = "", _("Not stopped")
        STOPPED = "stopped", _("Stopped at the applicant's request")  # Form 05
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")

    FINAL_STATUSES = frozenset({Status.REFUSED_AT_INTAKE, Status.REJECTED, Status.RETURNED, Status.STOPPED})

    # Immutable public id: URLs and API paths use it, never the primary key.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # Mã hồ sơ, `{agency e-ID}-YYMMDD-NNNN`, given at receipt (LEGAL.md §2).
    code = models.CharField(_("dossier code"), max_length=64, null=True, blank=True, unique=True)
    # The parts of the code, kept for the uniqueness of (agency, day, sequence) and for reports.
    code_agency = models.CharField(_("agency code in the dossier code"), max_length=35, blank=True)
    code_day = models.DateField(_("day in the dossier code"), null=True, blank=True)
    code_sequence = models.PositiveIntegerField(_("sequence in the dossier code"), null=True, blank=True)
    lookup_secret_hash = models.CharField(_("lookup secret (hashed)"), max_length=64, blank=True)

    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    stop_kind = models.CharField(
        _("how it stopped"), max_length=16, choices=StopKind.choices, blank=True, default=StopKind.NONE
    )
    channel = models.CharField(_("channel"), max_length=1, choices=Channel.choices)
    return_method = models.CharField(_("return method"), max_length=16, choices=ReturnMethod.choices)

    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("procedure")
    )
    # Bound at submission; later catalogue edits never change a running dossier (ADR 0006).
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
    )

    # The applicant: the account if they have one, and always the facts Form 01 prints.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("applicant account"),
    )
    applicant_kind = models.CharField(_("applicant kind"), max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    # Personal ID number (12 digits) or tax code: never logged (ND 13/2023).
    applicant_identifier = models.CharField(_("applicant ID number or tax code"), max_length=14, blank=True)
    applicant_address = models.CharField(_("applicant address"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("applicant phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("applicant e-mail"), blank=True)
    # The authorised representative (người được ủy quyền), if any: name, identifier, address, phone,
    # email, authorisation document.
    representative = models.JSONField(_("authorised representative"), null=True, blank=True)

    receiving_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving unit"),
    )
    competent_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        verbose_name=_("competent unit"),
    )
    coordinating_units = models.ManyToManyField(
        "organizations.Unit",
        blank=True,
        related_name="coordinated_dossiers",
        verbose_name=_("coordinating units"),
    )

    form_data = models.JSONField(_("e-form data"), default=dict, blank=True)
    fees_due_vnd = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)

    # The open step of the internal process on the main line (None during a fan-out to coordinating
    # agencies and outside processing) and who holds the dossier now.
    current_step = models.ForeignKey(
        "dossiers.DossierStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current step"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
        verbose_name=_("assignee"),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # NgayNopHoSo: the first submission.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The system's receipt of the latest complete submission (online: ND 45/2020 art. 11).
    system_received_at = models.DateTimeField(_("received by the system at"), null=True, blank=True)
    # Postal dossiers: the postmark, given at intake (ADR 0008).
    postmarked_at = models.DateTimeField(_("postmarked at"), null=True, blank=True)
    # ND 45/2020 art. 11: an online dossier must be received within 8 working hours of system receipt.
    receive_due_at = models.DateTimeField(_("to be received by"), null=True, blank=True)
    received_late = models.BooleanField(_("received late"), default=False)
    # NgayTiepNhan: the official receipt (Form 01).
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    # When the legal time limit starts (ADR 0008): kept apart from the receipt.
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    # NgayHenTra: fixed at receipt; only an apology (Form 04) changes it.
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    # The due moment: the appointment moved by supplement pauses (restarts), or by the apology.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    # NgayKetThucXuLy: the end of processing (resolved, rejected, refused or stopped).
    ended_at = models.DateTimeField(_("processing ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason for the end"), blank=True)
    result_note = models.TextField(_("result"), blank=True)
    result_returned_by = models.CharField(
        _("result returned by"), max_length=16, choices=ReturnMethod.choices, blank=True
    )

    # +1 per action: optimistic concurrency (the API's If-Match).
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_agency", "code_day", "code_sequence"],
                condition=models.Q(code_sequence__isnull=False),
                name="dossier_code_parts_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "supplement_at_intake",
                        "refused_at_intake",
                        "processing",
                        "waiting_supplement",
                        "rejected",
                        "resolved",
                        "returned",
                        "stopped",
                    ]
                ),
                name="dossier_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["1", "2", "3"]), name="dossier_channel_valid"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="dossier_version_positive"),
            # A dossier has its code exactly when it has been received.
            models.CheckConstraint(
                condition=models.Q(code__isnull=True, received_at__isnull=True)
                | models.Q(code__isnull=False, received_at__isnull=False),
                name="dossier_code_iff_received",
            ),
            models.CheckConstraint(
                condition=models.Q(stop_kind="") | models.Q(status="stopped"),
                name="dossier_stop_kind_only_when_stopped",
            ),
            models.CheckConstraint(
                condition=models.Q(received_at__isnull=True)
                | models.Q(submitted_at__isnull=False, received_at__gte=models.F("submitted_at")),
                name="dossier_received_after_submitted",
            ),
            models.CheckConstraint(
                condition=models.Q(appointment_at__isnull=True)
                | models.Q(clock_started_at__isnull=False, appointment_at__gte=models.F("clock_started_at")),
                name="dossier_appointment_after_clock_start",
            ),
        ]
        indexes = [
            # Work queues (keyset pagination on (due_at, id)) per unit and per assignee.
            models.Index(fields=["receiving_unit", "status", "due_at", "id"], name="dossier_rcv_queue"),
            models.Index(fields=["competent_unit", "status", "due_at", "id"], name="dossier_cmp_queue"),
            models.Index(fields=["assignee", "status", "due_at", "id"], name="dossier_assignee_queue"),
            models.Index(fields=["applicant", "created_at"], name="dossier_applicant"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # Work queues (D3, queues.py): partial indexes over the open dossiers of each lane and order.
            *QUEUE_INDEXES,
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    # --- Form 01's lookup secret -----------------------------------------------------------------------
    @property
    def lookup_secret(self) -> str:
        """The 6-character secret printed on Form 01 (public status lookup with the code).

        Derived from the server secret and the public id, so that the slip can be printed again; only its
        hash is stored, and a lookup compares hashes (`lookup_secret_matches`). Empty before receipt.
        """
        if not self.lookup_secret_hash:
            return ""
        return derive_lookup_secret(self.public_id)

    def lookup_secret_matches(self, candidate: str) -> bool:
        return lookup_secret_matches(self.lookup_secret_hash, candidate)

    def is_applicant(self, user: User | Any) -> bool:
        return bool(user is not None and user.is_authenticated and self.applicant_id == user.pk)


def derive_lookup_secret(public_id: uuid.UUID) -> str:
    digest = salted_hmac(_LOOKUP_SALT, str(public_id), algorithm="sha256").digest()
    size = len(LOOKUP_SECRET_ALPHABET)
    return "".join(LOOKUP_SECRET_ALPHABET[byte % size] for byte in digest[:LOOKUP_SECRET_LENGTH])


def hash_lookup_secret(secret: str) -> str:
    return salted_hmac(_LOOKUP_HASH_SALT, secret, algorithm="sha256").hexdigest()


def lookup_secret_matches(stored_hash: str, candidate: str) -> bool:
    """Whether `candidate` (as typed: any case, spaces around) is the secret whose hash is `stored_hash`."""
    if not stored_hash or not candidate:
        return False
    return hmac.compare_digest(stored_hash, hash_lookup_secret(candidate.strip().upper()))


class DossierCodeSequence(models.Model):
    """The last sequence number given on one day under one agency code (LEGAL.md §2: daily, gapless).

    Locked with SELECT … FOR UPDATE inside the receipt transaction: a rolled-back receipt gives its
    number back."""

    agency_code = models.CharField(_("agency code"), max_length=35)
    day = models.DateField(_("day"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dossier code sequence")
        verbose_name_plural = _("dossier code sequences")
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_code_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day:%y%m%d} {self.last_value}"


class DossierStatusCounter(models.Model):
    """How many dossiers are in each status per unit and per part the unit plays (receiving or
    competent), kept by the services in the same transaction: the work queues read counts here, never
    with a COUNT over the dossiers."""

    class Part(models.TextChoices):
        RECEIVING = "receiving", _("Receiving unit")
        COMPETENT = "competent", _("Competent unit")

    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    status = models.CharField(_("status"), max_length=32, choices=Dossier.Status.choices)
    value = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("dossier counter")
        verbose_name_plural = _("dossier counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "part", "status"], name="dossier_counter_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="dossier_counter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.part} {self.status}={self.value}"
