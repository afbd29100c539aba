"""Indicator 2.1 for one dossier: `judge_on_time`, `processing_end` and `supplement_wait`, one test per
rule of docs/KPI.md ("Indicator 2.1")."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.kpi.scoring import (
    EndState,
    ProcessingEnd,
    judge_on_time,
    processing_end,
    supplement_wait,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
APPOINTMENT = datetime(2026, 8, 14, 17, 0, tzinfo=VN)
PERIOD_END = datetime(2026, 9, 1, 0, 0, tzinfo=VN)


def at(day: int, hour: int = 9, month: int = 8) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


def judge(**overrides: Any) -> bool:
    values: dict[str, Any] = {
        "appointment": APPOINTMENT,
        "original_appointment": APPOINTMENT,
        "ended_at": None,
        "end_state": None,
        "supplement_waits": [],
        "supplement_requests_in_processing": 0,
        "period_end": PERIOD_END,
    }
    return judge_on_time(**values | overrides)


@pytest.mark.parametrize(
    ("ended_at", "on_time"),
    [
        (at(12), True),  # early
        (APPOINTMENT, True),  # at the appointment is on time (≤)
        (APPOINTMENT + timedelta(minutes=1), False),
        (at(20), False),
    ],
)
def test_on_time_when_processing_ends_by_the_appointment(ended_at: datetime, on_time: bool) -> None:
    assert judge(ended_at=ended_at, end_state=EndState.RESOLVED) is on_time


@pytest.mark.parametrize(
    "state", [EndState.RETURNED, EndState.STOPPED, EndState.REJECTED, EndState.REFUSED_AT_INTAKE]
)
def test_every_end_state_ends_processing(state: EndState) -> None:
    assert judge(ended_at=at(13), end_state=state) is True
    assert judge(ended_at=at(17), end_state=state) is False


def test_resolved_takes_precedence_over_returned() -> None:
    end = processing_end([(EndState.RETURNED, at(20)), (EndState.RESOLVED, at(13))])

    assert end == ProcessingEnd(state=EndState.RESOLVED, at=at(13))
    assert judge(ended_at=end.at, end_state=end.state) is True


def test_resolved_takes_precedence_even_when_later_than_a_stop() -> None:
    # The rank decides, not the earliest time: resolved > returned > stopped/refused.
    end = processing_end([(EndState.STOPPED, at(10)), (EndState.RESOLVED, at(20))])

    assert end == ProcessingEnd(state=EndState.RESOLVED, at=at(20))


def test_returned_takes_precedence_over_stopped_and_rejected() -> None:
    end = processing_end([(EndState.STOPPED, at(10)), (EndState.RETURNED, at(12))])

    assert end == ProcessingEnd(state=EndState.RETURNED, at=at(12))


def test_within_the_last_rank_the_earliest_end_counts() -> None:
    end = processing_end([(EndState.REJECTED, at(12)), (EndState.STOPPED, at(10))])

    assert end == ProcessingEnd(state=EndState.STOPPED, at=at(10))


def test_no_end_event_means_open() -> None:
    assert processing_end([]) is None


def test_end_states_accept_the_dossier_status_values() -> None:
    end = processing_end([("returned", at(12))])  # type: ignore[list-item]

    assert end == ProcessingEnd(state=EndState.RETURNED, at=at(12))


def test_supplement_waiting_time_is_subtracted() -> None:
    # Ended 2 days after the appointment, after the applicant took 3 days to supplement: on time.
    ended = {"ended_at": APPOINTMENT + timedelta(days=2), "end_state": EndState.RESOLVED}
    one_request = {"supplement_requests_in_processing": 1}

    assert judge(**ended, **one_request, supplement_waits=[(at(5), at(8))]) is True
    # Only 1 day of waiting: still 1 day late.
    assert judge(**ended, **one_request, supplement_waits=[(at(5), at(6))]) is False


def test_waiting_exactly_as_long_as_the_overrun_is_on_time() -> None:
    waits = [(at(5), at(7))]
    ended = {"ended_at": APPOINTMENT + timedelta(days=2), "end_state": EndState.RESOLVED}

    assert judge(**ended, supplement_waits=waits, supplement_requests_in_processing=1) is True


def test_more_than_one_supplement_request_in_processing_is_late() -> None:
    assert judge(ended_at=at(3), end_state=EndState.RESOLVED, supplement_requests_in_processing=2) is False
    assert judge(supplement_requests_in_processing=3) is False  # open and not yet due: still late


def test_intake_supplements_do_not_count() -> None:
    # Two supplements at intake (before the receipt) and one during processing: one request counts.
    assert judge(ended_at=at(12), end_state=EndState.RESOLVED, supplement_requests_in_processing=1) is True


def test_an_open_dossier_is_judged_at_the_end_of_the_period() -> None:
    # Past due at the end of the period: late.
    assert judge(period_end=at(20)) is False
    # Not yet due at the end of the period: on time at that instant.
    assert judge(period_end=at(10)) is True
    assert judge(period_end=APPOINTMENT) is True


def test_a_dossier_ended_after_the_period_is_judged_at_the_end_of_the_period() -> None:
    # Ended late on the 20th, but the period (to the 10th) is judged on the 10th: not yet due then.
    assert judge(ended_at=at(20), end_state=EndState.RESOLVED, period_end=at(10)) is True
    # Period to the 16th: already past due.
    assert judge(ended_at=at(20), end_state=EndState.RESOLVED, period_end=at(16)) is False


def test_an_open_dossier_waiting_for_a_supplement_ends_at_the_request() -> None:
    # NgayKetThucXuLy of a dossier with only a supplement request is the time of that request.
    waits = [(at(12), None)]

    assert judge(supplement_waits=waits, supplement_requests_in_processing=1) is True
    late_request = [(at(15), None)]
    assert judge(supplement_waits=late_request, supplement_requests_in_processing=1) is False


def test_the_original_appointment_is_used_by_default() -> None:
    extended = APPOINTMENT + timedelta(days=5)

    assert judge(appointment=extended, ended_at=at(17), end_state=EndState.RESOLVED) is False
    assert (
        judge(appointment=extended, ended_at=at(17), end_state=EndState.RESOLVED, accept_apology=True) is True
    )


def test_the_apology_appointment_still_has_to_be_kept() -> None:
    extended = APPOINTMENT + timedelta(days=5)

    assert (
        judge(appointment=extended, ended_at=at(25), end_state=EndState.RESOLVED, accept_apology=True)
        is False
    )


def test_supplement_wait_counts_overlaps_once_and_stops_at_the_instant() -> None:
    waits = [(at(5), at(8)), (at(7), at(9)), (at(20), None), (at(25), at(26))]

    # 5th–9th once (4 days), 20th–22nd (2 days, still waiting), nothing after the 22nd.
    assert supplement_wait(waits, until=at(22)) == timedelta(days=6)


def test_supplement_wait_of_a_request_after_the_instant_is_zero() -> None:
    assert supplement_wait([(at(25), None)], until=at(22)) == timedelta(0)
    assert supplement_wait([], until=at(22)) == timedelta(0)


def test_a_wait_completed_after_the_end_counts_up_to_the_end() -> None:
    # Stopped while waiting: the wait ends with processing.
    assert supplement_wait([(at(10), at(20))], until=at(12)) == timedelta(days=2)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ended_at": at(12)}, "go together"),
        ({"end_state": EndState.RESOLVED}, "go together"),
        ({"ended_at": datetime(2026, 8, 12, 9, 0), "end_state": "resolved"}, "aware"),
        ({"appointment": datetime(2026, 8, 14, 17, 0)}, "aware"),
        ({"period_end": datetime(2026, 9, 1)}, "aware"),
        ({"supplement_requests_in_processing": -1}, "negative"),
        ({"supplement_waits": [(at(10), at(9))], "supplement_requests_in_processing": 1}, "before it was"),
        ({"ended_at": at(12), "end_state": "archived"}, "archived"),
    ],
)
def test_inconsistent_input_is_a_callers_bug(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        judge(**overrides)
