"""Background work of the dossiers app (Huey discovers this module)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.dossiers.idempotency import purge_expired


@db_periodic_task(crontab(minute="17"))
def idempotency_purge() -> int:
    """Every hour: forget the Idempotency-Key answers older than 24 hours."""
    return purge_expired()
