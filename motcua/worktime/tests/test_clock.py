"""The dossier clock: pauses for supplement requests and restart mode (pure)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.worktime import Calendar, Clock, ClockState

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


@pytest.fixture(scope="module")
def cal():
    return Calendar.national()


def test_without_pauses_the_clock_counts_working_minutes(cal):
    clock = Clock(cal, at(2026, 3, 9, 8), 3, "working_days", "hours")
    assert clock.at(at(2026, 3, 9, 8)) == ClockState(at(2026, 3, 12, 8), 0, 1440, 0, False)
    # Mon 08:00 -> Wed 12:00: 450 + 480 + 240.
    assert clock.at(at(2026, 3, 11, 12)) == ClockState(at(2026, 3, 12, 8), 1170, 270, 0, False)


def test_before_start_nothing_is_used(cal):
    clock = Clock(cal, at(2026, 3, 9, 8), 1, "working_hours", "hours")
    assert clock.at(at(2026, 3, 6, 8)) == ClockState(at(2026, 3, 9, 9), 0, 60, 0, False)


def test_a_closed_pause_moves_the_due_moment_by_its_working_minutes(cal):
    # Pause Tue 08:00 -> Wed 10:00 holds 450 + 150 = 600 working minutes.
    clock = Clock(
        cal, at(2026, 3, 9, 8), 3, "working_days", "hours", pauses=[(at(2026, 3, 10, 8), at(2026, 3, 11, 10))]
    )
    # Due Thu 08:00 + 600 min: 450 on Thursday, 150 on Friday -> Fri 10:00.
    # At Fri 09:00: elapsed 450 + 480 * 3 + 90 = 1980, minus 600 paused.
    assert clock.at(at(2026, 3, 13, 9)) == ClockState(at(2026, 3, 13, 10), 1380, 60, 0, False)
    assert clock.at(at(2026, 3, 13, 11)) == ClockState(at(2026, 3, 13, 10), 1500, 0, 60, False)


def test_an_open_pause_freezes_used_and_left(cal):
    clock = Clock(cal, at(2026, 3, 9, 8), 3, "working_days", "hours", pauses=[(at(2026, 3, 10, 8), None)])
    # Used before the pause: Mon 450 + Tue 07:30-08:00 30 = 480; left 960 whatever the time.
    # Due is provisional: if the pause ended now (Thu 10:00), 960 min later = Mon 16/3 10:00.
    assert clock.at(at(2026, 3, 12, 10)) == ClockState(at(2026, 3, 16, 10), 480, 960, 0, True)
    state = clock.at(at(2026, 3, 13, 10))
    assert (state.used_minutes, state.left_minutes, state.late_by_minutes, state.paused) == (
        480,
        960,
        0,
        True,
    )
    assert state.due == at(2026, 3, 17, 10)


def test_a_pause_still_running_at_the_instant_counts_as_open(cal):
    clock = Clock(
        cal, at(2026, 3, 9, 8), 3, "working_days", "hours", pauses=[(at(2026, 3, 10, 8), at(2026, 3, 11, 10))]
    )
    # Provisional due if the pause ended at Tue 15:00: 120 + 480 + 360 -> Thu 15:00.
    assert clock.at(at(2026, 3, 10, 15)) == ClockState(at(2026, 3, 12, 15), 480, 960, 0, True)


def test_a_pause_over_a_weekend_moves_nothing(cal):
    clock = Clock(
        cal,
        at(2026, 3, 13, 16, 30),
        1,
        "working_hours",
        "hours",
        pauses=[(at(2026, 3, 13, 18), at(2026, 3, 15, 20))],
    )
    assert clock.at(at(2026, 3, 16, 9)) == ClockState(at(2026, 3, 16, 8), 120, 0, 60, False)


def test_a_pause_after_the_due_moment_does_not_excuse_lateness(cal):
    clock = Clock(
        cal, at(2026, 3, 9, 8), 1, "working_hours", "hours", pauses=[(at(2026, 3, 9, 10), at(2026, 3, 9, 11))]
    )
    # Elapsed 08:00-11:15 = 195, paused 60: used 135, 75 late; due unchanged at 09:00.
    assert clock.at(at(2026, 3, 9, 11, 15)) == ClockState(at(2026, 3, 9, 9), 135, 0, 75, False)


def test_late_without_pause(cal):
    clock = Clock(cal, at(2026, 3, 9, 8), 1, "working_hours", "hours")
    assert clock.at(at(2026, 3, 9, 10)) == ClockState(at(2026, 3, 9, 9), 120, 0, 60, False)


def test_restart_mode_restarts_the_whole_budget_when_the_pause_ends(cal):
    clock = Clock(
        cal,
        at(2026, 3, 9, 8),
        1,
        "working_days",
        "hours",
        pauses=[(at(2026, 3, 9, 10), at(2026, 3, 11, 14))],
        mode="restart",
    )
    # Before the pause: normal.
    assert clock.at(at(2026, 3, 9, 9)) == ClockState(at(2026, 3, 10, 8), 60, 420, 0, False)
    # During the pause: used frozen at 120; due provisional = 480 min from now (Tue 09:00 -> Wed 09:00).
    assert clock.at(at(2026, 3, 10, 9)) == ClockState(at(2026, 3, 11, 9), 120, 360, 0, True)
    # After: the budget restarts at Wed 14:00: 180 on Wednesday, 300 on Thursday -> Thu 14:00.
    assert clock.at(at(2026, 3, 11, 15)) == ClockState(at(2026, 3, 12, 14), 60, 420, 0, False)
    assert clock.at(at(2026, 3, 12, 15)) == ClockState(at(2026, 3, 12, 14), 540, 0, 60, False)


def test_restart_mode_uses_the_last_pause(cal):
    clock = Clock(
        cal,
        at(2026, 3, 9, 8),
        4,
        "working_hours",
        "hours",
        pauses=[(at(2026, 3, 9, 9), at(2026, 3, 9, 10)), (at(2026, 3, 9, 14), at(2026, 3, 10, 8))],
        mode="restart",
    )
    assert clock.at(at(2026, 3, 10, 9)) == ClockState(at(2026, 3, 10, 13, 30), 60, 180, 0, False)


def test_civil_convention_pause_moves_the_due_day(cal):
    # Mon 10:00 + 2 WD civil -> end of Wed. A pause of one full working day (Tue) -> end of Thu.
    clock = Clock(
        cal,
        at(2026, 3, 9, 10),
        2,
        "working_days",
        "civil",
        pauses=[(at(2026, 3, 10, 7, 30), at(2026, 3, 11, 7, 30))],
    )
    assert Clock(cal, at(2026, 3, 9, 10), 2, "working_days", "civil").at(at(2026, 3, 9, 11)).due == at(
        2026, 3, 11, 23, 59, 59
    )
    state = clock.at(at(2026, 3, 12, 9))
    assert state.due == at(2026, 3, 12, 23, 59, 59)
    assert state.paused is False
    # Used: Mon 10:00-17:00 = 330, Wed 480, Thu 90 -> 900; budget 330 + 480 * 2 = 1290 (+0 slack).
    assert (state.used_minutes, state.left_minutes) == (900, 390)


def test_calendar_days_with_a_pause_end_on_the_moved_day(cal):
    # 5 calendar days from Mon 9/3 -> Sat 14/3 -> Mon 16/3 end. A 2-working-day pause moves it to Wed.
    clock = Clock(
        cal,
        at(2026, 3, 9, 10),
        5,
        "calendar_days",
        "hours",
        pauses=[(at(2026, 3, 10, 7, 30), at(2026, 3, 12, 7, 30))],
    )
    assert clock.at(at(2026, 3, 20, 9)).due == at(2026, 3, 18, 23, 59, 59)


@pytest.mark.parametrize(
    "pauses",
    [
        [(at(2026, 3, 8, 9), at(2026, 3, 9, 9))],  # before start
        [(at(2026, 3, 9, 11), at(2026, 3, 9, 10))],  # ends before it begins
        [(at(2026, 3, 9, 9), None), (at(2026, 3, 10, 9), at(2026, 3, 10, 10))],  # open pause not last
        [(at(2026, 3, 9, 9), at(2026, 3, 9, 11)), (at(2026, 3, 9, 10), at(2026, 3, 9, 12))],  # overlap
        [(datetime(2026, 3, 9, 9), at(2026, 3, 9, 11))],  # naive
    ],
)
def test_invalid_pauses_are_refused(cal, pauses):
    with pytest.raises(ValueError):
        Clock(cal, at(2026, 3, 9, 8), 1, "working_days", "hours", pauses=pauses)
