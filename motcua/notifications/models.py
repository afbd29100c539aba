"""Notifications sent to applicants, and alerts shown to officers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message on one channel about one event, written before it is sent: at most once per
    (event, channel), whatever the outbox redelivers.

    The recipient and the text are personal data: they stay in this table, never in a log line.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will be retried")
        ABANDONED = "abandoned", _("Failed, given up")

    # The outbox event it reports (`core.OutboxEvent.id`).
    source_event = models.UUIDField(_("event"))
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("dossier"),
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The exception class of the last failure (never its message: it may carry the address).
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_event", "channel"], name="notification_once_per_channel"),
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed", "abandoned"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["last_attempt_at"],
                condition=models.Q(status="failed"),
                name="notification_to_retry",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="notification_to_send",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.status}"


class Alert(models.Model):
    """An in-app alert on a dossier for the officers of a unit: one per (dossier, kind), open until the
    condition ends (then `resolved_at`), opened again if it comes back."""

    class Kind(models.TextChoices):
        # ND 45/2020 art. 11: an online dossier is received within 8 working hours of system receipt.
        RECEIPT_LIMIT = "receipt_limit", _("Online dossier near its 8-working-hour receipt limit")
        # LEGAL.md §1.8: the apology must go out at least one working day before the due moment.
        AT_RISK = "at_risk", _("Dossier at risk of being late")
        LATE = "late", _("Dossier late")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="alerts", verbose_name=_("dossier")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Whose officers see it: the receiving unit for the receipt limit, the competent unit otherwise.
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    due_at = models.DateTimeField(_("due at"))
    # Working minutes left when raised or last refreshed (negative: late by).
    left_minutes = models.IntegerField(_("working minutes left"))
    raised_at = models.DateTimeField(_("raised at"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    resolved_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="alert_once_per_dossier_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["receipt_limit", "at_risk", "late"]), name="alert_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "due_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_open_by_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier_id}"
