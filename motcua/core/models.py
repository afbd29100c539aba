"""The audit trail (append-only, hash-chained per partition) and the transactional outbox."""

import hashlib
import json
import uuid
from datetime import UTC
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The global partition: records of objects that belong to no organisation unit.
GLOBAL_PARTITION = 0


def genesis_hash(partition_unit: int, partition_day: Any) -> str:
    """The `prev_hash` of a partition's first record: fixed by the partition, so a chain cannot move."""
    seed = f"motcua-audit-genesis|{partition_unit}|{partition_day.isoformat()}"
    return hashlib.sha256(seed.encode()).hexdigest()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit record."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")


class AuditChainHead(models.Model):
    """The last link of one partition's chain. Locked (select_for_update) by every append to the partition,
    so appends in different units or on different days never wait on each other."""

    partition_unit = models.PositiveBigIntegerField(_("partition unit"))
    partition_day = models.DateField(_("partition day"))
    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        constraints = [
            models.UniqueConstraint(
                fields=["partition_unit", "partition_day"], name="core_auditchainhead_one_per_partition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partition_unit}/{self.partition_day}#{self.last_sequence}"


class AuditRecord(models.Model):
    """One create, update or state change of a domain object: who, when, from where, before and after.

    Append-only. `hash` is SHA-256 over the canonical JSON of the record's content and `prev_hash`, the
    hash of the previous record in the same partition (unit, local day); `motcua audit verify` recomputes
    the chains. Before/after may hold personal data: they are stored, never logged.
    """

    class Action(models.TextChoices):
        # The common verbs; any other state-change verb (a slug) is accepted as well.
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DEACTIVATE = "deactivate", _("Deactivate")
        GRANT = "grant", _("Grant")
        REVOKE = "revoke", _("Revoke")

    partition_unit = models.PositiveBigIntegerField(_("partition unit"))
    partition_day = models.DateField(_("partition day"))
    sequence = models.PositiveBigIntegerField(_("sequence"))
    occurred_at = models.DateTimeField(_("occurred at"))
    # No database constraint and no cascade: deleting a user must not rewrite the history it made.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=300)
    action = models.CharField(_("action"), max_length=32)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["partition_unit", "partition_day", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["partition_unit", "partition_day", "sequence"], name="core_auditrecord_one_per_link"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.partition_unit}/{self.partition_day}#{self.sequence} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records are append-only")

    def canonical_content(self) -> bytes:
        """The bytes that `hash` covers: every field except the id and the hash, in canonical JSON."""
        object_type = ContentType.objects.get_for_id(self.object_type_id)
        content = {
            "partition_unit": self.partition_unit,
            "partition_day": self.partition_day.isoformat(),
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": f"{object_type.app_label}.{object_type.model}",
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "changed_fields": self.changed_fields,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()


# The outbox kinds that call for a slip (motcua.dossiers.slips.services.SLIP_OUTBOX_KINDS, derived from the
# forms each dossier event issues; a test keeps the two equal): the catch-up of lost slips reads their recent
# rows through a partial index. Written out here because this app does not import the dossiers app.
SLIP_OUTBOX_KINDS = (
    "dossier.received",
    "dossier.supplement_requested_at_intake",
    "dossier.supplement_requested",
    "dossier.refused_at_intake",
    "dossier.apologized",
    "dossier.stopped",
    "dossier.withdrawn",
    "dossier.rejected",
    "dossier.returned",
    "dossier.intake_guidance",
)


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change it reports; delivered at least once."""

    id = models.UUIDField(_("event id"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    aggregate_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aggregate type"),
    )
    aggregate_id = models.CharField(_("aggregate id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # The exception class of the last failed delivery (never its message: it may carry personal data).
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_undelivered_idx",
            ),
            models.Index(fields=["aggregate_type", "aggregate_id"], name="core_outbox_aggregate_idx"),
            # The slips' catch-up: the recent events of the kinds that call for a slip.
            models.Index(
                fields=["kind", "created_at"],
                condition=models.Q(kind__in=SLIP_OUTBOX_KINDS),
                name="core_outbox_slip_kinds_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
