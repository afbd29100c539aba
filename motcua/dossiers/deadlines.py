"""The dossier's legal clock (LEGAL.md §3): `motcua.worktime.Clock` on the competent unit's calendar.

- Clock start (docs/adr/0008-dossier-clock-start.md): direct = the receipt moment; postal = the postmark;
  online = the system's receipt of the complete dossier; each moved to the first working moment.
- The appointment (NgayHenTra) is fixed at receipt from the procedure version's time limit and counting
  convention (`motcua.catalog.selectors.procedure_expected_due`); only the apology (Form 04) changes it.
- Supplement requests during processing pause the clock, or restart it, as the version says (LEGAL.md
  §1.6). After an apology its new appointment is the due moment, moved only by the time the dossier then
  waits for a supplement.
- Online dossiers must be received within 8 working hours of system receipt (ND 45/2020 art. 11).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.conf import settings
from django.utils import timezone

from motcua.catalog.selectors import time_limit_of
from motcua.dossiers.models import Apology, Dossier, DossierStep, SupplementRequest
from motcua.worktime import Calendar, Clock, ClockMode, ClockState, Convention, TimeUnit
from motcua.worktime.selectors import calendar_for_unit

# ND 45/2020 art. 11: an online dossier is received (or refused, or asked to supplement) within 8 WH.
ONLINE_RECEIPT_WORKING_HOURS = 8
# The channel codes of the catalogue's methods (ProcedureMethod.channel) for each national code.
CATALOG_CHANNEL: dict[str, str] = {
    Dossier.Channel.DIRECT: "direct",
    Dossier.Channel.ONLINE: "online",
    Dossier.Channel.POSTAL: "postal",
}
# Where the clock counts: after receipt, until the end of processing.
CLOCK_STATUSES = frozenset({Dossier.Status.PROCESSING, Dossier.Status.WAITING_SUPPLEMENT})

Pause = tuple[datetime, datetime | None]


def competent_calendar(dossier: Dossier) -> Calendar:
    return calendar_for_unit(unit=dossier.competent_unit_id)


def clock_start(*, dossier: Dossier, received_at: datetime, calendar: Calendar) -> tuple[datetime, str]:
    """When the time limit starts, and by which rule (ADR 0008): "receipt", "postmark" or "system_receipt"."""
    if dossier.channel == Dossier.Channel.POSTAL and dossier.postmarked_at is not None:
        moment, rule = dossier.postmarked_at, "postmark"
    elif dossier.channel == Dossier.Channel.ONLINE and dossier.system_received_at is not None:
        moment, rule = dossier.system_received_at, "system_receipt"
    else:
        moment, rule = received_at, "receipt"
    return calendar.first_working_moment(moment), rule


def online_receive_due(*, system_received_at: datetime, receiving_unit_id: int) -> datetime:
    """ND 45/2020 art. 11: 8 working hours after the system's receipt, on the receiving unit's calendar."""
    calendar = calendar_for_unit(unit=receiving_unit_id)
    return calendar.due(system_received_at, ONLINE_RECEIPT_WORKING_HOURS, TimeUnit.WORKING_HOURS)


def processing_pauses(dossier: Dossier) -> list[Pause]:
    """(requested, completed) of the supplement requests during processing, in order; a request made
    before the clock started (after hours on the receipt day) counts from the clock start."""
    rows = (
        SupplementRequest.objects.filter(dossier=dossier, phase=SupplementRequest.Phase.PROCESSING)
        .order_by("requested_at", "id")
        .values_list("requested_at", "completed_at")
    )
    start = dossier.clock_started_at
    pauses: list[Pause] = []
    for requested, completed in rows:
        begin = start if start is not None and requested < start else requested
        pauses.append((begin, None if completed is None else max(begin, completed)))
    return pauses


def build_clock(dossier: Dossier, *, calendar: Calendar | None = None) -> Clock | None:
    """The dossier's clock, or None before the clock starts (not yet received)."""
    version = dossier.procedure_version
    if dossier.clock_started_at is None or version is None:
        return None
    calendar = calendar or competent_calendar(dossier)
    pauses = processing_pauses(dossier)
    mode = ClockMode(version.supplement_clock)
    apology = Apology.objects.filter(dossier_id=dossier.pk).first()
    if apology is None:
        amount, unit = time_limit_of(version, CATALOG_CHANNEL.get(dossier.channel))
        return Clock(
            calendar, dossier.clock_started_at, amount, unit, version.time_limit_convention, pauses, mode
        )
    issued_at, new_appointment = apology.issued_at, apology.new_appointment
    origin = dossier.clock_started_at
    if mode is ClockMode.RESTART:
        # The budget restarted at the end of the last supplement completed before the apology.
        for _begin, end in pauses:
            if end is not None and end <= issued_at:
                origin = end
    relevant = [(begin, end) for begin, end in pauses if end is None or end > origin]
    waited_before = sum(
        max(0, calendar.working_minutes_between(max(begin, origin), min(end or issued_at, issued_at)))
        for begin, end in relevant
        if begin < issued_at
    )
    budget = max(0, calendar.working_minutes_between(origin, new_appointment) - waited_before)
    return Clock(
        calendar, origin, budget, TimeUnit.WORKING_MINUTES, Convention.HOURS, relevant, ClockMode.PAUSE
    )


def dossier_clock(*, dossier: Dossier, at: datetime | None = None) -> ClockState | None:
    """due / used / left / late by / paused at `at` (now), in working minutes; None before receipt.

    The clock stops at the end of processing (resolved, rejected, stopped): a finished dossier keeps the
    state it had then."""
    clock = build_clock(dossier)
    if clock is None:
        return None
    at = at or timezone.now()
    if dossier.ended_at is not None:
        at = min(at, dossier.ended_at)
    return clock.at(at)


def at_risk_minutes(calendar: Calendar) -> int:
    days = cast(int, settings.MOTCUA["AT_RISK_WORKING_DAYS"])
    return days * calendar.day_minutes


def dossier_at_risk(*, dossier: Dossier, at: datetime | None = None) -> bool:
    """An open dossier under the clock, not yet late, with at most settings.MOTCUA["AT_RISK_WORKING_DAYS"]
    working days left: time to send the apology (LEGAL.md §1.8)."""
    if dossier.status not in CLOCK_STATUSES:
        return False
    calendar = competent_calendar(dossier)
    clock = build_clock(dossier, calendar=calendar)
    if clock is None:
        return False
    state = clock.at(at or timezone.now())
    return state.late_by_minutes == 0 and state.left_minutes <= at_risk_minutes(calendar)


def timeliness(*, finished_at: datetime, due_at: datetime | None) -> str:
    """Form 06's result: early (finished on a day before the due day), on time, or late."""
    if due_at is None:
        return DossierStep.Timeliness.ON_TIME
    if finished_at > due_at:
        return DossierStep.Timeliness.LATE
    if timezone.localdate(finished_at) < timezone.localdate(due_at):
        return DossierStep.Timeliness.EARLY
    return DossierStep.Timeliness.ON_TIME


def step_due(*, unit_id: int, started_at: datetime, budget_minutes: int | None) -> datetime | None:
    """The due moment of a step budget in working minutes on the step unit's calendar (LEGAL.md §3.1)."""
    if not budget_minutes:
        return None
    return calendar_for_unit(unit=unit_id).due(started_at, budget_minutes, TimeUnit.WORKING_MINUTES)


def shift_by_working_minutes(*, moment: datetime, minutes: int, unit_id: int) -> datetime:
    """`moment` moved later by `minutes` working minutes on the unit's calendar."""
    calendar = calendar_for_unit(unit=unit_id)
    return calendar.moment_at(calendar.position(moment) + minutes) if minutes > 0 else moment


def waited_minutes(*, unit_id: int, begin: datetime, end: datetime) -> int:
    """The working minutes from `begin` to `end` on the unit's calendar (0 when end is not later)."""
    return max(0, calendar_for_unit(unit=unit_id).working_minutes_between(begin, end))
