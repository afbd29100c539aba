"""Background work of the notifications: sending after commit, retrying failures, refreshing alerts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from motcua.notifications.services import notification_send, notifications_retry_due


@db_task()
def notifications_send(notification_id: int) -> str:
    return notification_send(notification_id=notification_id)


@db_periodic_task(crontab(minute="*/5"))
def notifications_retry() -> int:
    """Failed notifications are tried again every few minutes, up to MAX_ATTEMPTS."""
    return notifications_retry_due()


@db_periodic_task(crontab(minute="*/10"))
def dossier_alerts_refresh() -> dict[str, int]:
    """Officers' alerts: online dossiers near their receipt limit, dossiers at risk or late."""
    from motcua.dossiers.notifications import alerts_refresh  # noqa: PLC0415 (dossiers imports this app)

    return alerts_refresh()
