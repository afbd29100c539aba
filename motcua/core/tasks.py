"""Background work of the core app: outbox delivery (on commit, and every minute for the stragglers)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from motcua.core.outbox import outbox_deliver_event, outbox_redeliver_due


@db_task()
def outbox_deliver(event_id: str) -> bool:
    return outbox_deliver_event(event_id=event_id)


@db_periodic_task(crontab(minute="*"))
def outbox_redeliver() -> int:
    """At-least-once: events whose on-commit delivery failed or never ran are retried every minute."""
    return outbox_redeliver_due()
