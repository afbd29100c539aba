"""The outbox consumer that keeps the KPI counters: every `dossier.*` event, after its commit.

The outbox delivers at least once and in no guaranteed order (a failed delivery is retried a minute later,
while later events of the same dossier may already have gone through). So the consumer does not trust the
payload it is handed: it locks the dossier's `DossierFact`, folds every `DossierEvent` of the dossier not
counted yet, in sequence order, marks each one in `ProcessedEvent` (unique: an event counts once) and
applies the difference of the dossier's contributions to the counters, all in one transaction. A
redelivered event finds nothing left to fold; an early one folds its predecessors too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.core.models import OutboxEvent
from motcua.dossiers.events import OUTBOX_PREFIX
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.kpi import ledger as L
from motcua.kpi.counters import (
    DossierFact,
    ProcessedEvent,
    contribution_delta,
    counters_add,
    fact_from_ledger,
    ledger_from_fact,
)
from motcua.worktime import Calendar
from motcua.worktime.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

EventRow = tuple[int, int, str, datetime, dict[str, Any]]  # (pk, sequence, kind, at, data)


class CalendarMinutes:
    """`ledger.MinutesFor` on the competent unit's working calendar (2.2), calendars kept for the run."""

    def __init__(self) -> None:
        self._calendars: dict[int, Calendar] = {}

    def preload(self, unit_ids: Iterable[int]) -> None:
        """Load the calendars of these units now (before forking: a worker then never queries)."""
        for unit_id in unit_ids:
            self._calendars[unit_id] = calendar_for_unit(unit=unit_id)

    def __call__(self, unit_id: int, start: datetime, end: datetime, waits: list[L.Wait]) -> int | None:
        calendar = self._calendars.get(unit_id)
        if calendar is None:
            calendar = self._calendars[unit_id] = calendar_for_unit(unit=unit_id)
        try:
            total = calendar.working_minutes_between(start, end)
            for wait_start, wait_end in L.merged_waits(waits):
                begin, finish = max(wait_start, start), min(wait_end or end, end)
                if finish > begin:
                    total -= calendar.working_minutes_between(begin, finish)
        except ValueError:  # outside the years the calendar covers: no duration (counted as completed)
            return None
        return max(0, total)


def fold(ledger: L.DossierLedger, events: Iterable[EventRow], minutes_for: L.MinutesFor) -> list[int]:
    """Fold `events` (in sequence order) into `ledger`; the primary keys of the events folded."""
    folded = []
    for pk, sequence, kind, at, data in events:
        L.apply_event(ledger, sequence=sequence, kind=kind, at=at, data=data or {}, minutes_for=minutes_for)
        folded.append(pk)
    return folded


@transaction.atomic
def dossier_catch_up(*, dossier_id: int, minutes_for: L.MinutesFor | None = None) -> int:
    """Count every event of the dossier not counted yet; how many were folded (0: nothing to do)."""
    unit_id, procedure_id, channel = (
        Dossier.objects.filter(pk=dossier_id)
        .values_list("competent_unit_id", "procedure_id", "channel")
        .get()
    )
    fact, _created = DossierFact.objects.select_for_update().get_or_create(
        dossier_id=dossier_id,
        defaults={"last_sequence": 0, "unit_id": unit_id, "procedure_id": procedure_id, "channel": channel},
    )
    events: list[EventRow] = list(
        DossierEvent.objects.filter(dossier_id=dossier_id, sequence__gt=fact.last_sequence)
        .order_by("sequence")
        .values_list("pk", "sequence", "kind", "at", "data")
    )
    if not events:
        return 0
    before = ledger_from_fact(fact)
    after = ledger_from_fact(fact)
    # The dossier's identity as it is now (the services never change it after creation).
    after.unit_id, after.procedure_id, after.channel = unit_id, procedure_id, channel
    folded = fold(after, events, minutes_for or CalendarMinutes())
    ProcessedEvent.objects.bulk_create([ProcessedEvent(event_id=pk) for pk in folded])
    fact_from_ledger(after, fact).save()
    counters_add(contribution_delta(before if before.last_sequence else None, after))
    return len(folded)


def on_dossier_event(event: OutboxEvent) -> None:
    """Outbox consumer of `dossier.*`: bring the dossier's facts and counters up to date."""
    dossier = event.payload.get("dossier") if isinstance(event.payload, dict) else None
    if not dossier:  # dossier.intake_guidance: guidance without a dossier counts nowhere
        return
    dossier_id = Dossier.objects.filter(public_id=dossier["public_id"]).values_list("pk", flat=True).first()
    if dossier_id is None:
        return
    folded = dossier_catch_up(dossier_id=dossier_id)
    if folded:
        logger.debug("kpi_counted", extra={"dossier": dossier["public_id"], "events": folded})


def register() -> None:
    from motcua.core.outbox import register_consumer  # noqa: PLC0415 (at app loading)

    register_consumer(OUTBOX_PREFIX, on_dossier_event)
