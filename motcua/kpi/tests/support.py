"""Helpers of the KPI tests: deliver the outbox as the worker would, read a unit's facts, and an oracle
that judges every dossier from the dossier tables themselves (not from the events) with
`scoring.judge_on_time`, to compare the counters with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers.models import Apology, Dossier, DossierComponent, SupplementRequest
from motcua.kpi import scoring
from motcua.kpi.facts import Period, Scope, Totals, dossier_totals, indicator_facts, judged_at
from motcua.organizations.models import Unit
from motcua.worktime.calendar import TZ


def deliver() -> int:
    """Deliver every undelivered outbox event, oldest first (what the Huey task does after commit)."""
    delivered = 0
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("created_at", "id")
    for pk in pending.values_list("pk", flat=True):
        assert outbox_deliver_event(event_id=pk)
        delivered += 1
    return delivered


def totals(unit: Unit, period: Period, at: dt.datetime, **scope: Any) -> Totals:
    return dossier_totals(scope=Scope(unit=unit, **scope), period=period, at=at)


def facts(unit: Unit, period: Period, at: dt.datetime, *, accept_apology: bool = False) -> dict[str, Any]:
    return indicator_facts(totals(unit, period, at), accept_apology=accept_apology)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, TZ)


@dataclass
class Expected:
    received: int = 0
    on_time: int = 0
    on_time_apology: int = 0
    online: int = 0
    completed: int = 0
    e_result: int = 0
    digitised: int = 0
    reused: int = 0


def _end(dossier: Dossier) -> tuple[scoring.EndState | None, dt.datetime | None]:
    ends = []
    if dossier.resolved_at:
        ends.append((scoring.EndState.RESOLVED, dossier.resolved_at))
    if dossier.returned_at:
        ends.append((scoring.EndState.RETURNED, dossier.returned_at))
    if dossier.stopped_at:
        ends.append((scoring.EndState.STOPPED, dossier.stopped_at))
    if dossier.status == Dossier.Status.REJECTED and dossier.ended_at:
        ends.append((scoring.EndState.REJECTED, dossier.ended_at))
    found = scoring.processing_end(ends)
    return (found.state, found.at) if found else (None, None)


def oracle(unit: Unit, period: Period, instant: dt.datetime) -> Expected:
    """What the counters must say, judged dossier by dossier from the dossier tables at the instant the
    period is judged at (its end, or `instant` while it runs)."""
    expected = Expected()
    judged = judged_at(period, instant)
    if judged is None:
        return expected
    instant = judged
    day = instant.astimezone(TZ).date()
    subtree = Unit.objects.subtree_of(unit)
    dossiers = Dossier.objects.filter(competent_unit__in=subtree, received_at__isnull=False).select_related(
        "apology"
    )
    for dossier in dossiers:
        assert dossier.received_at is not None
        received_day = dossier.received_at.astimezone(TZ).date()
        if not period.start <= received_day <= min(period.end, day):
            continue
        expected.received += 1
        expected.online += dossier.channel == Dossier.Channel.ONLINE
        apology = Apology.objects.filter(dossier=dossier).first()
        original = apology.previous_appointment if apology else dossier.appointment_at
        appointment = apology.new_appointment if apology else dossier.appointment_at
        assert original is not None and appointment is not None
        waits = list(
            SupplementRequest.objects.filter(dossier=dossier, phase="processing").values_list(
                "requested_at", "completed_at"
            )
        )
        state, ended = _end(dossier)
        requests = sum(1 for requested, _completed in waits if requested <= instant)
        for accept, field in ((False, "on_time"), (True, "on_time_apology")):
            verdict = scoring.judge_on_time(
                appointment=appointment,
                original_appointment=original,
                ended_at=ended,
                end_state=state,
                supplement_waits=waits,
                supplement_requests_in_processing=requests,
                period_end=instant,
                accept_apology=accept,
            )
            setattr(expected, field, getattr(expected, field) + verdict)
        expected.completed += ended is not None and ended <= instant
        electronic = (
            dossier.returned_at is not None
            and dossier.returned_at <= instant
            and dossier.result_returned_by == Dossier.ReturnMethod.ELECTRONIC
        )
        expected.e_result += electronic
        components = list(DossierComponent.objects.filter(dossier=dossier))
        digital = bool(components) and all(c.file_id or c.provenance == "reused" for c in components)
        expected.digitised += electronic and digital
        expected.reused += any(c.provenance == "reused" and c.added_at <= instant for c in components)
    return expected


def observed(unit: Unit, period: Period, instant: dt.datetime) -> Expected:
    found = totals(unit, period, instant)
    return Expected(
        received=found.received,
        on_time=found.on_time(accept_apology=False),
        on_time_apology=found.on_time(accept_apology=True),
        online=found.online,
        completed=found.completed,
        e_result=found.e_result,
        digitised=found.digitised,
        reused=found.reused,
    )
