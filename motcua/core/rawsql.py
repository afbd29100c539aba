"""What the few hot reads written as plain SQL share (ADR 0011: the token, the grants, the unit keys, the
calendar versions, the public lookup). Their SQL is built once per process from the models' metadata, by
functions under `functools.cache` (after the models are ready, never at import)."""

import datetime as dt

from django.utils import timezone


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment read by plain SQL: PostgreSQL gives it aware; SQLite naive, in UTC (what the ORM does)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, dt.UTC)
