"""What happens to a dossier: events, internal-process steps, components, supplement requests, the
apology, intake notes given without a dossier and the slips (forms 01–07) issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models.dossier import Dossier

EVENT_SCHEMA_VERSION = 1


class DossierEvent(models.Model):
    """One fact in a dossier's life, appended by the service that made it (docs/EVENTS.md).

    Append-only and numbered 1..n per dossier; the outbox row `dossier.<kind>` carries the same payload.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Dossier submitted")
        RECEIVED = "received", _("Received")
        SUPPLEMENT_REQUESTED_AT_INTAKE = "supplement_requested_at_intake", _("Supplement requested at intake")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        REFUSED_AT_INTAKE = "refused_at_intake", _("Refused at intake")
        FORWARDED = "forwarded", _("Forwarded")
        SENT_BACK = "sent_back", _("Sent back")
        REASSIGNED = "reassigned", _("Reassigned")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
        SUPPLEMENTED = "supplemented", _("Supplemented")
        APOLOGIZED = "apologized", _("Apology and new appointment")
        REJECTED = "rejected", _("Rejected")
        APPROVED = "approved", _("Approved, result issued")
        RETURNED = "returned", _("Result returned")
        STOPPED = "stopped", _("Stopped")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier")
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    # None: the system (e.g. an electronic result returned automatically).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(_("from status"), max_length=32, blank=True)
    to_status = models.CharField(_("to status"), max_length=32)
    data = models.JSONField(_("data"), default=dict, blank=True)
    schema_version = models.PositiveSmallIntegerField(_("schema version"), default=EVENT_SCHEMA_VERSION)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="dossier_event_sequence_unique"),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="dossier_event_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.sequence} {self.kind}"


class DossierStep(models.Model):
    """A visit of the dossier to one step of the internal process (Form 06 row), with its own clock:
    the step's budget in working minutes on the step unit's calendar (LEGAL.md §3.1)."""

    class Outcome(models.TextChoices):
        OPEN = "", _("Open")
        FORWARDED = "forwarded", _("Forwarded")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Result returned")
        STOPPED = "stopped", _("Stopped")

    class Timeliness(models.TextChoices):
        """Form 06's result column: trước hạn / đúng hạn / quá hạn."""

        EARLY = "early", _("Early")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("dossier")
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    # The catalogue step (None for the default process of a procedure that publishes none).
    process_step = models.ForeignKey(
        "catalog.ProcessStep",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("process step"),
    )
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("responsible role"), max_length=32)
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
        verbose_name=_("assignee"),
    )
    budget_minutes = models.PositiveIntegerField(_("budget (working minutes)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    # The step's due moment, moved by supplement pauses while the step is open.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("finished by"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, default="")
    timeliness = models.CharField(_("timeliness"), max_length=8, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="dossier_step_sequence_unique"),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True, outcome="")
                | models.Q(finished_at__isnull=False) & ~models.Q(outcome=""),
                name="dossier_step_outcome_iff_finished",
            ),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="dossier_step_finished_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "finished_at"], name="dossier_step_unit_open"),
            models.Index(fields=["assignee", "finished_at"], name="dossier_step_assignee_open"),
            # Work queues (D3): the open steps waiting on a role in a unit, or on a person (index-only).
            models.Index(
                fields=["unit", "role", "dossier"],
                condition=models.Q(finished_at__isnull=True, assignee__isnull=True),
                name="dossier_step_q_role",
            ),
            models.Index(
                fields=["assignee", "dossier"],
                condition=models.Q(finished_at__isnull=True),
                name="dossier_step_q_mine",
            ),
            # The same by catalogue step: the few open steps of parallel, coordinating or fixed-unit steps
            # (queues.py, `_step_lanes`), read without visiting the table.
            models.Index(
                fields=["assignee", "process_step", "dossier"],
                condition=models.Q(finished_at__isnull=True),
                name="dossier_step_q_mine_ps",
            ),
            models.Index(
                fields=["unit", "role", "process_step", "dossier"],
                condition=models.Q(finished_at__isnull=True, assignee__isnull=True),
                name="dossier_step_q_role_ps",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.sequence} {self.key}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class SupplementRequest(models.Model):
    """A request to supplement or complete the dossier (Form 02), at intake or during processing."""

    class Phase(models.TextChoices):
        INTAKE = "intake", _("At intake")
        PROCESSING = "processing", _("During processing")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_requests", verbose_name=_("dossier")
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    # What must be added or corrected, one sentence per item (Form 02's list).
    items = models.JSONField(_("items"), default=list)
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # The due moment before the request and after its completion (processing phase only).
    due_before = models.DateTimeField(_("due before the request"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after the supplement"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["dossier", "requested_at", "id"]
        constraints = [
            # One open request at a time.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(completed_at__isnull=True),
                name="dossier_one_open_supplement",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("requested_at")),
                name="dossier_supplement_completed_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.phase} {self.requested_at:%Y-%m-%d}"


class Apology(models.Model):
    """The apology and new appointment (Form 04): at most once per dossier (LEGAL.md §1.8)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="apology", verbose_name=_("dossier")
    )
    reason = models.TextField(_("reason for the delay"))
    previous_appointment = models.DateTimeField(_("previous appointment"))
    previous_due = models.DateTimeField(_("due moment before the apology"))
    new_appointment = models.DateTimeField(_("new appointment"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_appointment__gt=models.F("previous_due")),
                name="dossier_apology_later_appointment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.new_appointment:%Y-%m-%d}"


class DossierComponent(models.Model):
    """One component (thành phần hồ sơ): an uploaded file or a document the system already holds for the
    applicant. Its provenance feeds QĐ 766 indicators 4.2–4.4 (`DuocSoHoa`, reuse of data)."""

    class Provenance(models.TextChoices):
        DIGITISED_AT_INTAKE = "digitised_at_intake", _("Digitised at intake")
        UPLOADED = "uploaded", _("Uploaded by the applicant")
        REUSED = "reused", _("Reused from data already held")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="components", verbose_name=_("dossier")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("required document"),
    )
    name = models.CharField(_("name"), max_length=1000)
    provenance = models.CharField(_("provenance"), max_length=24, choices=Provenance.choices)
    file = models.ForeignKey(
        "dossiers.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
        verbose_name=_("file"),
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # Reused: a component of an earlier dossier of the same applicant, or a document in another store
    # (the citizen's data store, a national database) named by `reference`.
    source_component = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reuses",
        verbose_name=_("reused component"),
    )
    reference = models.CharField(_("reference of the reused document"), max_length=255, blank=True)
    # Added in answer to this supplement request (None: part of the first submission).
    supplement_request = models.ForeignKey(
        SupplementRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="components",
        verbose_name=_("supplement request"),
    )
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="dossier_component_position_unique"),
            models.CheckConstraint(
                condition=models.Q(provenance__in=["digitised_at_intake", "uploaded", "reused"]),
                name="dossier_component_provenance_valid",
            ),
            # An uploaded or digitised component has its file; a reused one points at what it reuses.
            models.CheckConstraint(
                condition=(~models.Q(provenance="reused") & models.Q(file__isnull=False))
                | (
                    models.Q(provenance="reused")
                    & (models.Q(source_component__isnull=False) | ~models.Q(reference=""))
                ),
                name="dossier_component_has_content",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IntakeNote(models.Model):
    """Guidance given at the counter to a walk-in applicant whose papers are incomplete (Form 02), without
    creating a dossier (LEGAL.md §1.11: "guidance Form 02 (no dossier)")."""

    receiving_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    items = models.JSONField(_("items"), default=list)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("intake note")
        verbose_name_plural = _("intake notes")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.recorded_at:%Y-%m-%d}"


class DossierSlip(models.Model):
    """A slip issued as PDF (TT 03/2025 forms 01–07), stored with its dossier (or with an intake note)."""

    class Form(models.TextChoices):
        RECEIPT = "01", _("Form 01: receipt and appointment")
        SUPPLEMENT = "02", _("Form 02: supplement request")
        REFUSAL = "03", _("Form 03: refusal of intake")
        APOLOGY = "04", _("Form 04: apology and new appointment")
        STOP = "05", _("Form 05: stop notice")
        CONTROL_SHEET = "06", _("Form 06: process-control sheet")
        TRACKING_BOOK = "07", _("Form 07: tracking book")

    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slips",
        verbose_name=_("dossier"),
    )
    intake_note = models.ForeignKey(
        IntakeNote,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slips",
        verbose_name=_("intake note"),
    )
    # The event the slip records (None for forms rendered on demand: 06, 07).
    event = models.ForeignKey(
        DossierEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slips",
        verbose_name=_("event"),
    )
    form = models.CharField(_("form"), max_length=2, choices=Form.choices)
    file = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="slips", verbose_name=_("file")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("slip")
        verbose_name_plural = _("slips")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "form"],
                condition=models.Q(event__isnull=False),
                name="dossier_slip_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.dossier_id or self.intake_note_id}"
