"""The pure fold of one dossier: its first late instant agrees with `scoring.judge_on_time` at every instant
(property test), and each event kind changes what it should."""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import DossierEvent
from motcua.kpi import ledger as L
from motcua.kpi.scoring import EndState, judge_on_time
from motcua.worktime.calendar import TZ

BASE = dt.datetime(2026, 12, 7, 9, 0, tzinfo=TZ)


def moment(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


def no_minutes(unit_id, start, end, waits):
    return 0


@st.composite
def histories(draw):
    """An appointment, supplement waits in order (the last possibly open), an end or none, and instants."""
    appointment = draw(st.integers(0, 3000))
    cursor = draw(st.integers(0, 600))
    waits = []
    for index in range(draw(st.integers(0, 3))):
        start = cursor + draw(st.integers(0, 1500))
        if index == 2 or draw(st.booleans()):
            end = start + draw(st.integers(0, 2000))
            waits.append((start, end))
            cursor = end
        else:
            waits.append((start, None))
            cursor = start
            break
    ended = None
    if draw(st.booleans()) and (not waits or waits[-1][1] is not None or draw(st.booleans())):
        ended = cursor + draw(st.integers(0, 3000))
    instants = draw(st.lists(st.integers(-100, 12000), min_size=1, max_size=12))
    return appointment, waits, ended, instants


@settings(max_examples=300, deadline=None)
@given(histories(), st.sampled_from([EndState.RESOLVED, EndState.STOPPED]))
def test_late_instant_agrees_with_judge_on_time(history, state):
    appointment, waits, ended, instants = history
    spans = [(moment(a), None if b is None else moment(b)) for a, b in waits]
    requests = [moment(a) for a, _b in waits]
    second = requests[1] if len(requests) > 1 else None
    ended_at = None if ended is None else moment(ended)
    late = L.late_instant(
        appointment=moment(appointment), waits=spans, ended_at=ended_at, second_request_at=second
    )
    for offset in instants:
        for instant in (moment(offset), moment(offset) + dt.timedelta(microseconds=1)):
            on_time = judge_on_time(
                appointment=moment(appointment),
                original_appointment=moment(appointment),
                ended_at=ended_at,
                end_state=state if ended_at else None,
                supplement_waits=spans,
                supplement_requests_in_processing=sum(1 for r in requests if r <= instant),
                period_end=instant,
            )
            assert on_time == (late is None or instant < late), (instant, late)


def test_exactly_at_the_appointment_is_on_time():
    late = L.late_instant(appointment=BASE, waits=[], ended_at=None, second_request_at=None)
    assert late == BASE + dt.timedelta(microseconds=1)
    assert L.late_instant(appointment=BASE, waits=[], ended_at=BASE, second_request_at=None) is None


def test_a_wait_begun_before_the_due_instant_moves_it():
    waits = [(moment(-60), moment(60))]
    late = L.late_instant(appointment=BASE, waits=waits, ended_at=None, second_request_at=None)
    assert late == moment(120) + dt.timedelta(microseconds=1)
    # An open wait freezes the clock of 2.1: never late while it lasts.
    assert (
        L.late_instant(appointment=BASE, waits=[(moment(-60), None)], ended_at=None, second_request_at=None)
        is None
    )
    # A wait begun after the due instant changes nothing: late already.
    assert L.late_instant(
        appointment=BASE, waits=[(moment(10), None)], ended_at=None, second_request_at=None
    ) == BASE + dt.timedelta(microseconds=1)


def test_merged_waits_count_overlaps_once():
    waits = [(moment(0), moment(30)), (moment(20), moment(50)), (moment(50), moment(60)), (moment(90), None)]
    assert L.merged_waits(waits) == [(moment(0), moment(60)), (moment(90), None)]


def fold(*events):
    ledger = L.DossierLedger(dossier_id=1, unit_id=2, procedure_id=3, channel="1")
    for sequence, (kind, at, data) in enumerate(events, start=1):
        L.apply_event(ledger, sequence=sequence, kind=kind, at=at, data=data, minutes_for=no_minutes)
    return ledger


def test_events_fold_into_the_facts():
    upload = {"position": 1, "provenance": "uploaded", "sha256": "ab" * 32}
    reused = {"position": 2, "provenance": "reused", "sha256": None, "reference": "KHO/1"}
    ledger = fold(
        ("created", moment(0), {"components": [upload]}),
        ("submitted", moment(0), {"fees_due_vnd": 8000, "components": [upload]}),
        (
            "received",
            moment(5),
            {"appointment_at": moment(480).isoformat(), "clock_started_at": moment(5).isoformat()},
        ),
        ("supplement_requested", moment(60), {}),
        ("supplemented", moment(120), {"components": [reused]}),
        ("apologized", moment(130), {"new_appointment": moment(2000).isoformat()}),
        ("approved", moment(700), {}),
        ("returned", moment(800), {"method": "electronic"}),
    )
    assert ledger.fee_bearing and ledger.inputs_digital
    assert ledger.waits == [(moment(60), moment(120))]
    assert (ledger.end_state, ledger.ended_at) == ("resolved", moment(700))  # resolved wins over returned
    assert ledger.e_result_at == ledger.digitised_at == moment(800)
    assert ledger.reused_at == moment(120)
    assert ledger.late_at(accept_apology=False) == moment(540) + dt.timedelta(microseconds=1)
    assert ledger.late_at(accept_apology=True) is None
    contributions = L.contributions(ledger)
    day = BASE.date()
    assert contributions == {
        (day, "received"): 1,
        (day, "fee_bearing"): 1,
        (day, "late"): 1,
        (day, "completed"): 1,
        (day, "e_result"): 1,
        (day, "digitised"): 1,
        (day, "reused"): 1,
    }


def test_nothing_counts_before_the_receipt():
    ledger = fold(
        ("created", moment(0), {}),
        ("submitted", moment(0), {}),
        ("refused_at_intake", moment(30), {}),
    )
    assert ledger.end_state == "refused_at_intake"
    assert L.contributions(ledger) == {}


def test_events_must_come_in_sequence():
    ledger = L.DossierLedger(dossier_id=1, unit_id=2, procedure_id=3, channel="1")
    with pytest.raises(ValueError, match="event 2 of dossier 1 after 0"):
        L.apply_event(ledger, sequence=2, kind="created", at=BASE, data={}, minutes_for=no_minutes)


def test_the_kinds_the_fold_does_not_read_only_move_the_sequence():
    # `recompute` fetches only `FOLDED_KINDS` (and each dossier's last event): any other kind must be a
    # no-op of `apply_event`, whatever its data.
    others = sorted(set(DossierEvent.Kind.values) - L.FOLDED_KINDS)
    assert others == ["forwarded", "reassigned", "sent_back", "supplement_requested_at_intake"]
    assert set(DossierEvent.Kind.values) >= L.FOLDED_KINDS
    data = dict.fromkeys(L.DATA_KEYS, moment(5).isoformat()) | {
        "method": "electronic",
        "fees_due_vnd": 7,
        "components": [{"position": 1, "provenance": "reused"}],
    }
    ledger = fold(
        ("created", moment(0), {}), ("received", moment(1), {"appointment_at": moment(9).isoformat()})
    )
    for sequence, kind in enumerate(others, start=3):
        before = replace(ledger, waits=list(ledger.waits), components=dict(ledger.components))
        L.apply_event(ledger, sequence=sequence, kind=kind, at=moment(20), data=data, minutes_for=no_minutes)
        assert replace(before, last_sequence=sequence) == ledger
