"""The transactional outbox: events written with the change they report, delivered at least once.

    outbox_emit(kind="dossier.received", payload={"code": dossier.code}, aggregate=dossier)

`outbox_emit` runs inside the caller's `transaction.atomic`: the event exists only if the change commits.
After the commit a Huey task hands the event to every consumer registered for its kind
(`register_consumer("dossier.", func)`) and marks it delivered; a periodic task re-delivers events that
are still undelivered a minute later. A consumer may therefore see an event more than once: it must be
idempotent on `event.id`.
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from motcua.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Consumer = Callable[[OutboxEvent], None]
# Events younger than this are left to their own on-commit delivery.
REDELIVERY_DELAY = datetime.timedelta(minutes=1)
REDELIVERY_BATCH = 500

_consumers: list[tuple[str, Consumer]] = []


def register_consumer(kind_prefix: str, func: Consumer) -> Consumer:
    """Call `func(event)` for every event whose kind starts with `kind_prefix` ("" for every event).

    Register in an AppConfig.ready(). `func` must be idempotent on `event.id` (delivery is at least once)
    and may write to the database: its writes commit together with the event's delivery mark.
    """
    if (kind_prefix, func) not in _consumers:
        _consumers.append((kind_prefix, func))
    return func


def unregister_consumer(kind_prefix: str, func: Consumer) -> None:
    _consumers.remove((kind_prefix, func))


def consumers_for(kind: str) -> list[Consumer]:
    return [func for prefix, func in _consumers if kind.startswith(prefix)]


def outbox_emit(*, kind: str, payload: dict[str, Any], aggregate: models.Model | None = None) -> OutboxEvent:
    """Write an event in the caller's transaction and deliver it once that transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_emit must run inside the transaction.atomic block that makes the change")
    if not kind:
        raise ValueError("an outbox event needs a kind")
    event = OutboxEvent(kind=kind, payload=payload, created_at=timezone.now())
    if aggregate is not None:
        if aggregate.pk is None:
            raise ValueError("an outbox event's aggregate must be saved")
        event.aggregate_type = ContentType.objects.get_for_model(aggregate, for_concrete_model=True)
        event.aggregate_id = str(aggregate.pk)
    event.save(force_insert=True)
    event_id = event.id
    # Robust: the change has committed; if the queue is unreachable, the periodic re-delivery sends it.
    transaction.on_commit(lambda: _schedule_delivery(event_id), robust=True)
    return event


def _schedule_delivery(event_id: Any) -> None:
    from motcua.core.tasks import outbox_deliver  # noqa: PLC0415 (tasks imports this module)

    outbox_deliver(str(event_id))


def outbox_deliver_event(*, event_id: Any) -> bool:
    """Hand one event to its consumers and mark it delivered. True if delivered now.

    The event's row stays locked while its consumers run, so the on-commit delivery and the periodic
    re-delivery never run the consumers of one event at the same time. If a consumer raises, every write
    of the consumers is rolled back, the attempt is counted and the event waits for re-delivery.
    """
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, delivered_at__isnull=True)
            .first()
        )
        if event is None:  # delivered already, or being delivered by another worker right now
            return False
        event.attempts += 1
        try:
            with transaction.atomic():
                for consumer in consumers_for(event.kind):
                    consumer(event)
        except Exception as exc:  # noqa: BLE001 (any consumer failure must leave the event for re-delivery)
            event.last_error = type(exc).__qualname__[:200]
            event.save(update_fields=["attempts", "last_error"])
            logger.warning(
                "outbox_delivery_failed",
                extra={"event_id": str(event.id), "kind": event.kind, "attempts": event.attempts},
            )
            return False
        event.delivered_at = timezone.now()
        event.last_error = ""
        event.save(update_fields=["attempts", "last_error", "delivered_at"])
    return True


def outbox_redeliver_due(*, now: datetime.datetime | None = None) -> int:
    """Deliver the undelivered events older than REDELIVERY_DELAY, oldest first. Returns how many."""
    cutoff = (now or timezone.now()) - REDELIVERY_DELAY
    due = list(
        OutboxEvent.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:REDELIVERY_BATCH]
    )
    return sum(outbox_deliver_event(event_id=event_id) for event_id in due)
