"""One dossier's KPI facts folded from its events, and what it adds to the counters (docs/KPI.md, "Counters").

Pure: no database. `DossierLedger` is the fold state of one dossier (the row `counters.DossierFact` stores);
`apply_event` folds one `DossierEvent` (kind, moment, data) into it; `contributions` says what the dossier
adds to the counters, as {(outcome day, column): amount}, all on the day of its official receipt. The
outbox consumer and `recompute` both use these functions, so the two can only agree.

Indicator 2.1 (docs/KPI.md, "Indicator 2.1"). Whether a received dossier is on time depends on the instant
P its period is judged at, but only through one instant of its own: the first instant it is late,
`late_instant`. While open, (P − supplement waiting time before P) never decreases as P grows, and the
count of supplement requests made by P never decreases, so a dossier judged on time at P is on time at
every earlier instant: "late at P" ⇔ L ≤ P. L is the due instant (the appointment pushed back by the
supplement waits that began before it is reached) plus one microsecond (exactly at the appointment is on
time), or the instant of the second supplement request, whichever comes first; none when the dossier
ended on time, or while it waits for a supplement requested before its due instant (the wait runs on).
So each dossier adds 1 to `late` on the day of L, and a period [a, b] judged at P counts as late the
dossiers received in [a, b] whose L falls on a day ≤ the day of P. Open dossiers are thus "bucketed by the
day they fall due", and move bucket when an event changes L (a supplement, its completion, the end).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from motcua.kpi.scoring import EndState, processing_end
from motcua.worktime.calendar import TZ

ONE_MICROSECOND = timedelta(microseconds=1)
ONLINE_CHANNEL = "2"  # KenhThucHien = 2 (Dossier.Channel.ONLINE)
ELECTRONIC_RETURN = "electronic"  # Dossier.ReturnMethod.ELECTRONIC

# The counter columns: what a received dossier adds, and on which day.
RECEIVED, ONLINE, FEE_BEARING = "received", "online", "fee_bearing"
LATE, LATE_APOLOGY = "late", "late_apology"
COMPLETED, WORKING_MINUTES = "completed", "working_minutes"
E_RESULT, DIGITISED, REUSED = "e_result", "digitised", "reused"
COLUMNS: tuple[str, ...] = (
    RECEIVED,
    ONLINE,
    FEE_BEARING,
    LATE,
    LATE_APOLOGY,
    COMPLETED,
    WORKING_MINUTES,
    E_RESULT,
    DIGITISED,
    REUSED,
)
# Counted on the day of receipt; the others on the day the outcome happens (or will happen: LATE).
RECEIPT_COLUMNS = frozenset({RECEIVED, ONLINE, FEE_BEARING})

# The event kinds that end processing (LEGAL.md §1.11) and the end state each gives.
END_KINDS: dict[str, EndState] = {
    "approved": EndState.RESOLVED,
    "returned": EndState.RETURNED,
    "rejected": EndState.REJECTED,
    "stopped": EndState.STOPPED,
    "withdrawn": EndState.STOPPED,
    "refused_at_intake": EndState.REFUSED_AT_INTAKE,
}
# The event kinds `apply_event` reads: an event of any other kind (forwarded, sent back, reassigned, a
# supplement asked at intake) only moves `last_sequence`, so `recompute` does not fetch it.
FOLDED_KINDS = frozenset(
    {"created", "submitted", "received", "resubmitted", "supplement_requested", "supplemented"}
    | {"apologized", "returned", *END_KINDS}
)
# The keys of an event's data the fold reads (`apply_event`): `recompute` reads only these from the database.
DATA_KEYS = ("appointment_at", "clock_started_at", "new_appointment", "method", "fees_due_vnd")
COMPONENT_KINDS = frozenset({"created", "submitted", "resubmitted", "supplemented"})
# Component provenance (DossierComponent.Provenance) as stored in the ledger: one letter per component.
PROVENANCE_CODES = {"uploaded": "u", "digitised_at_intake": "d", "reused": "r"}
PAPER = "p"  # a component without a file and not reused (motcua's constraints make it impossible today)

Wait = tuple[datetime, datetime | None]
MinutesFor = Callable[[int, datetime, datetime, list[Wait]], int | None]


def local_day(moment: datetime | None) -> date | None:
    """The day of `moment` in the installation's time zone (Asia/Ho_Chi_Minh), whatever zone is active."""
    return None if moment is None else moment.astimezone(TZ).date()


def parse_moment(value: Any) -> datetime | None:
    """A moment of an event's data (ISO 8601 with its offset, as `dossiers.events` writes it)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"an event moment must carry its offset, got {value!r}")
    return moment


def merged_waits(waits: Iterable[Wait]) -> list[Wait]:
    """The waits sorted and merged where they overlap or touch; an open wait (None) runs forever."""
    merged: list[Wait] = []
    for start, end in sorted(waits, key=lambda wait: wait[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def late_instant(
    *,
    appointment: datetime | None,
    waits: Iterable[Wait],
    ended_at: datetime | None,
    second_request_at: datetime | None,
) -> datetime | None:
    """The first instant `scoring.judge_on_time` says late, or None if it never will on what is known.

    Late at P ⇔ the result is not None and ≤ P (see the module docstring; a property test checks this
    against `judge_on_time` for random histories and instants).
    """
    candidates: list[datetime] = []
    if second_request_at is not None:
        # QĐ 766 formula 2.1: more than one supplement request during processing is late.
        candidates.append(second_request_at)
    if appointment is not None:
        due: datetime | None = appointment
        for start, end in merged_waits(waits):
            assert due is not None
            if start > due:
                break
            if end is None:  # waiting since before the due instant: the clock of 2.1 is frozen
                due = None
                break
            due += end - start
        if due is not None:
            late_from = due + ONE_MICROSECOND
            if ended_at is None or ended_at >= late_from:
                candidates.append(late_from)
    return min(candidates) if candidates else None


@dataclass
class DossierLedger:
    """What the KPI engine knows of one dossier, folded from its events in order."""

    dossier_id: int
    unit_id: int  # the competent unit: a dossier counts there (docs/KPI.md)
    procedure_id: int
    channel: str
    last_sequence: int = 0
    received_at: datetime | None = None
    clock_started_at: datetime | None = None
    appointment_at: datetime | None = None  # Form 01's appointment (NgayHenTra)
    apology_appointment_at: datetime | None = None  # Form 04's new appointment
    waits: list[Wait] = field(default_factory=list)  # supplement waits during processing
    requests: int = 0  # supplement requests during processing
    second_request_at: datetime | None = None
    end_state: str = ""
    ended_at: datetime | None = None  # NgayKetThucXuLy, by precedence (scoring.processing_end)
    working_minutes: int | None = None
    e_result_at: datetime | None = None
    reused_at: datetime | None = None
    fees_due_vnd: int = 0
    components: dict[str, str] = field(default_factory=dict)  # position → provenance code

    # --- derived facts --------------------------------------------------------------------------------
    @property
    def is_received(self) -> bool:
        return self.received_at is not None

    @property
    def received_day(self) -> date | None:
        return local_day(self.received_at)

    @property
    def online(self) -> bool:
        return self.channel == ONLINE_CHANNEL

    @property
    def fee_bearing(self) -> bool:
        return self.fees_due_vnd > 0

    @property
    def inputs_digital(self) -> bool:
        """Every input component is digital: a file, or data reused from a digital source (TT 01/2023)."""
        return bool(self.components) and PAPER not in self.components.values()

    @property
    def digitised_at(self) -> datetime | None:
        """4.2: the inputs are digital and the result has a file (its electronic issue)."""
        return self.e_result_at if self.inputs_digital else None

    def outcome_day(self, moment: datetime | None) -> date | None:
        """The day an outcome counts on: its local day, never before the receipt day (a postal dossier's
        clock starts at the postmark, so its due instant may precede the receipt; a reused component may
        come with the draft)."""
        day, received_day = local_day(moment), self.received_day
        if day is None or received_day is None:
            return day
        return max(day, received_day)

    def late_at(self, *, accept_apology: bool) -> datetime | None:
        if not self.is_received:
            return None
        appointment = self.appointment_at
        if accept_apology and self.apology_appointment_at is not None:
            appointment = self.apology_appointment_at
        return late_instant(
            appointment=appointment,
            waits=self.waits,
            ended_at=self.ended_at,
            second_request_at=self.second_request_at,
        )


def _end(ledger: DossierLedger, state: EndState, at: datetime) -> bool:
    """Fold an end event in by precedence; True when the end of processing changed."""
    current = [(EndState(ledger.end_state), ledger.ended_at)] if ledger.ended_at is not None else []
    best = processing_end([*current, (state, at)])
    assert best is not None
    if best.at == ledger.ended_at and best.state == ledger.end_state:
        return False
    ledger.end_state, ledger.ended_at = str(best.state), best.at
    return True


def _components(ledger: DossierLedger, items: Any, at: datetime) -> None:
    for item in items or ():
        provenance = str(item.get("provenance", ""))
        if provenance == "reused":
            code = PROVENANCE_CODES["reused"]
            if ledger.reused_at is None or at < ledger.reused_at:
                ledger.reused_at = at
        elif item.get("sha256"):
            code = PROVENANCE_CODES.get(provenance, PAPER)
        else:
            code = PAPER
        ledger.components[str(item.get("position"))] = code


def apply_event(
    ledger: DossierLedger,
    *,
    sequence: int,
    kind: str,
    at: datetime,
    data: Mapping[str, Any],
    minutes_for: MinutesFor,
) -> None:
    """Fold one event (the next in sequence) into `ledger`. `minutes_for(unit_id, start, end, waits)` gives
    the working minutes of processing on the unit's calendar, waits excluded (2.2)."""
    if sequence != ledger.last_sequence + 1:
        raise ValueError(f"event {sequence} of dossier {ledger.dossier_id} after {ledger.last_sequence}")
    ledger.last_sequence = sequence
    if kind in COMPONENT_KINDS:
        _components(ledger, data.get("components"), at)
    if kind == "submitted":
        ledger.fees_due_vnd = int(data.get("fees_due_vnd") or 0)
    elif kind == "received":
        ledger.received_at = at
        ledger.clock_started_at = parse_moment(data.get("clock_started_at")) or at
        ledger.appointment_at = parse_moment(data.get("appointment_at"))
    elif kind == "supplement_requested":
        ledger.requests += 1
        ledger.waits.append((at, None))
        if ledger.requests == 2:
            ledger.second_request_at = at
    elif kind == "supplemented":
        for index in range(len(ledger.waits) - 1, -1, -1):
            requested, completed = ledger.waits[index]
            if completed is None:
                ledger.waits[index] = (requested, max(at, requested))
                break
    elif kind == "apologized":
        ledger.apology_appointment_at = parse_moment(data.get("new_appointment"))
    if kind == "returned" and data.get("method") == ELECTRONIC_RETURN and ledger.e_result_at is None:
        ledger.e_result_at = at
    state = END_KINDS.get(kind)
    if state is not None and _end(ledger, state, at) and ledger.is_received and ledger.ended_at is not None:
        start = ledger.clock_started_at or ledger.received_at
        assert start is not None
        ledger.working_minutes = minutes_for(ledger.unit_id, start, ledger.ended_at, ledger.waits)


Contributions = dict[tuple[date, str], int]


def contributions(ledger: DossierLedger) -> Contributions:
    """{(day, column): amount} the dossier adds to the counters of (its unit, its procedure, its receipt
    day). Nothing before its official receipt: a dossier refused or waiting at intake is never counted."""
    received_day = ledger.received_day
    if received_day is None:
        return {}
    found: Contributions = {(received_day, RECEIVED): 1}
    if ledger.online:
        found[(received_day, ONLINE)] = 1
    if ledger.fee_bearing:
        found[(received_day, FEE_BEARING)] = 1

    def add(column: str, moment: datetime | None, amount: int = 1) -> None:
        day = ledger.outcome_day(moment)
        if day is not None and amount:
            found[(day, column)] = found.get((day, column), 0) + amount

    add(LATE, ledger.late_at(accept_apology=False))
    add(LATE_APOLOGY, ledger.late_at(accept_apology=True))
    add(COMPLETED, ledger.ended_at)
    add(WORKING_MINUTES, ledger.ended_at, ledger.working_minutes or 0)
    add(E_RESULT, ledger.e_result_at)
    add(DIGITISED, ledger.digitised_at)
    add(REUSED, ledger.reused_at)
    return found
