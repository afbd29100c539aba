"""Writing and sending notifications, keeping alerts in step.

Sending is at most once per (event, channel): the `Notification` row is written (unique constraint)
before anything is sent, then claimed (`pending`/`failed` → `sending`) in its own transaction before the
gateway is called. A failure marks it `failed`; `notifications_retry_due` retries it later, up to
MAX_ATTEMPTS, then gives up (`abandoned`). A process that dies while sending leaves the row `sending`:
it is not sent again (at most once), and it is visible to an administrator. A row still `pending`
RETRY_DELAY after it was written lost its sending task (the worker was killed after the event's commit,
as tests/faults/test_worker_killed.py does): `notifications_retry_due` sends it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.notifications.models import Alert, Notification
from motcua.notifications.sms import get_sms_backend

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_DELAY = dt.timedelta(minutes=5)
RETRY_BATCH = 200


@dataclass(frozen=True, slots=True)
class Message:
    """One message to write: a channel, a recipient (address or phone), a subject (e-mail) and a text."""

    channel: str
    recipient: str
    subject: str
    body: str


def notifications_prepare(
    *, source_event: uuid.UUID, kind: str, dossier_id: int | None, messages: Iterable[Message]
) -> list[Notification]:
    """Write the notifications of one event (those already written are kept as they are) and return the
    ones still to send. Call it in the transaction that consumes the event."""
    Notification.objects.bulk_create(
        [
            Notification(
                source_event=source_event,
                kind=kind,
                channel=message.channel,
                dossier_id=dossier_id,
                recipient=message.recipient,
                subject=message.subject[:255],
                body=message.body,
            )
            for message in messages
        ],
        ignore_conflicts=True,
    )
    return list(
        Notification.objects.filter(source_event=source_event, status=Notification.Status.PENDING).order_by(
            "id"
        )
    )


def _claim(notification_id: int, now: dt.datetime) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status__in=[Notification.Status.PENDING, Notification.Status.FAILED])
            .first()
        )
        if notification is None:
            return None
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.last_attempt_at = now
        notification.save(update_fields=["status", "attempts", "last_attempt_at"])
        return notification


def _deliver(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
        ).send()
    else:
        get_sms_backend().send(to=notification.recipient, text=notification.body)


def notification_send(*, notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one notification if it is waiting (or failed before); returns its status afterwards."""
    now = now or timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        status = Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
        return status or ""
    try:
        _deliver(notification)
    except Exception as exc:  # noqa: BLE001 (any gateway failure is retried later, never lost)
        notification.status = (
            Notification.Status.ABANDONED
            if notification.attempts >= MAX_ATTEMPTS
            else Notification.Status.FAILED
        )
        notification.last_error = type(exc).__qualname__[:200]
        notification.save(update_fields=["status", "last_error"])
        logger.warning(
            "notification_failed",
            extra={
                "notification": notification.pk,
                "kind": notification.kind,
                "channel": notification.channel,
                "attempts": notification.attempts,
                "error": notification.last_error,
            },
        )
        return notification.status
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    logger.info(
        "notification_sent",
        extra={"notification": notification.pk, "kind": notification.kind, "channel": notification.channel},
    )
    return notification.status


def notifications_retry_due(*, now: dt.datetime | None = None) -> int:
    """Send again the failed notifications whose last attempt is older than RETRY_DELAY, and send the
    pending ones written longer than RETRY_DELAY ago (their task was lost). Returns how many were sent."""
    now = now or timezone.now()
    cutoff = now - RETRY_DELAY
    failed = (
        Notification.objects.filter(status=Notification.Status.FAILED, last_attempt_at__lt=cutoff)
        .order_by("last_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    stranded = (
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    due = [*failed, *stranded]
    return sum(notification_send(notification_id=pk, now=now) == Notification.Status.SENT for pk in due)


@dataclass(frozen=True, slots=True)
class AlertState:
    """What an alert should say now: the unit whose officers see it, the limit and the minutes left."""

    unit_id: int
    due_at: dt.datetime
    left_minutes: int


@transaction.atomic
def alerts_sync(
    *, wanted: Mapping[tuple[int, str], AlertState], kinds: Iterable[str], now: dt.datetime
) -> dict[str, int]:
    """Make the open alerts of `kinds` exactly `wanted` ((dossier id, kind) → state): raise the new ones
    (or open again a resolved one), refresh the others, resolve those no longer wanted."""
    kinds = list(kinds)
    existing = {
        (alert.dossier_id, alert.kind): alert
        for alert in Alert.objects.select_for_update().filter(
            Q(resolved_at__isnull=True) | Q(dossier_id__in={key[0] for key in wanted}), kind__in=kinds
        )
    }
    raised = refreshed = resolved = 0
    to_create = []
    for key, state in wanted.items():
        alert = existing.get(key)
        if alert is None:
            to_create.append(
                Alert(
                    dossier_id=key[0],
                    kind=key[1],
                    unit_id=state.unit_id,
                    due_at=state.due_at,
                    left_minutes=state.left_minutes,
                    raised_at=now,
                    refreshed_at=now,
                )
            )
            raised += 1
            continue
        if alert.resolved_at is not None:
            alert.raised_at, alert.resolved_at = now, None
            raised += 1
        else:
            refreshed += 1
        alert.unit_id, alert.due_at, alert.left_minutes, alert.refreshed_at = (
            state.unit_id,
            state.due_at,
            state.left_minutes,
            now,
        )
        alert.save(
            update_fields=["unit", "due_at", "left_minutes", "raised_at", "refreshed_at", "resolved_at"]
        )
    Alert.objects.bulk_create(to_create, ignore_conflicts=True)
    stale = [alert.pk for key, alert in existing.items() if key not in wanted and alert.resolved_at is None]
    if stale:
        resolved = Alert.objects.filter(pk__in=stale).update(resolved_at=now)
    logger.info("alerts_synced", extra={"raised": raised, "refreshed": refreshed, "resolved": resolved})
    return {"raised": raised, "refreshed": refreshed, "resolved": resolved}
