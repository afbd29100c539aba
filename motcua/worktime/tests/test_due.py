"""Deadline arithmetic on the national calendar with the official 2024-2026 schedules (pure)."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.worktime import Calendar, DateException, ExceptionCategory, ExceptionKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


def end_of(y, mo, d):
    return at(y, mo, d, 23, 59, 59)


@pytest.fixture(scope="module")
def cal():
    return Calendar.national()


# ------------------------------------------------------------------------------ hours convention
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # Tết 2026 (off 14-22 Feb): Fri 13/2 10:00 + 1 WD: 330 min on Friday, 150 on Mon 23/2.
        (at(2026, 2, 13, 10), 1, "working_days", at(2026, 2, 23, 10)),
        # Tết 2025 (off 25/1-2/2): Fri 24/1 16:00 + 8 WH: 60 min, then 420 on Mon 3/2.
        (at(2025, 1, 24, 16), 8, "working_hours", at(2025, 2, 3, 16)),
        # Tết 2024 (off 8-14 Feb): Wed 7/2 15:00 + 2 WD: 120 + Thu 15/2 480 + 360 on Fri 16/2.
        (at(2024, 2, 7, 15), 2, "working_days", at(2024, 2, 16, 15)),
        # 30/4-1/5 2024: off 27/4-1/5, Sat 4/5 worked (CV 2450): 390 + 480 + 480 + 90.
        (at(2024, 4, 26, 9), 3, "working_days", at(2024, 5, 4, 9)),
        # 2025: Sat 26/4 worked in exchange for Fri 2/5 (CV 8726): 180 on Friday, 300 on Saturday.
        (at(2025, 4, 25, 14), 1, "working_days", at(2025, 4, 26, 14)),
        # 2025: Tue 29/4 16:00 + 1 WD: 60, then 30/4, 1/5, 2/5 off, weekend: Mon 5/5 at 16:00.
        (at(2025, 4, 29, 16), 1, "working_days", at(2025, 5, 5, 16)),
        # Giỗ Tổ 2026 on Sunday, compensated Mon 27/4: Fri 24/4 16:30 + 4 WH -> Tue 28/4 11:00.
        (at(2026, 4, 24, 16, 30), 4, "working_hours", at(2026, 4, 28, 11)),
        # 24/11/2026 (kept, unconfirmed) is a day off: Mon 23/11 10:00 + 1 WD -> Wed 25/11 10:00.
        (at(2026, 11, 23, 10), 1, "working_days", at(2026, 11, 25, 10)),
        # Lunch break: 30 min before it, 30 after.
        (at(2026, 3, 9, 11), 1, "working_hours", at(2026, 3, 9, 13, 30)),
        # Received during lunch: the clock starts at 13:00.
        (at(2026, 3, 9, 12), 2, "working_hours", at(2026, 3, 9, 15)),
        (at(2026, 3, 9, 11, 30), 1, "working_hours", at(2026, 3, 9, 14)),
        # Budget ending exactly at the end of a period: 17:00 / 11:30, not the next period's start.
        (at(2026, 3, 9, 13), 4, "working_hours", at(2026, 3, 9, 17)),
        (at(2026, 3, 9, 7, 30), 4, "working_hours", at(2026, 3, 9, 11, 30)),
        (at(2026, 3, 9, 7, 30), 1, "working_days", at(2026, 3, 9, 17)),
        # Weekend receipt: Sat 7/3 10:00 + 8 WH runs Monday 07:30-17:00.
        (at(2026, 3, 7, 10), 8, "working_hours", at(2026, 3, 9, 17)),
        # Evening receipt: Tue 19:00 + 1 WH -> Wed 08:30; early morning + 0.5 WH -> 08:00.
        (at(2026, 3, 10, 19), 1, "working_hours", at(2026, 3, 11, 8, 30)),
        (at(2026, 3, 11, 6), "0.5", "working_hours", at(2026, 3, 11, 8)),
        # Fractional working days are N x 8 h: 0.25 WD = 2 h; 1.5 WD = 12 h.
        (at(2026, 3, 9, 7, 30), "0.25", "working_days", at(2026, 3, 9, 9, 30)),
        (at(2026, 3, 9, 7, 30), Decimal("1.5"), "working_days", at(2026, 3, 10, 11, 30)),
        (at(2026, 3, 9, 10), Decimal("2.5"), "working_hours", at(2026, 3, 9, 14)),
        # ND 45/2020 art. 11: 8 WH to receive an online dossier submitted Friday 20:00 before Tết 2026.
        (at(2026, 2, 13, 20), 8, "working_hours", at(2026, 2, 23, 17)),
        # Zero budget: due at the first working moment.
        (at(2026, 3, 7, 10), 0, "working_hours", at(2026, 3, 9, 7, 30)),
        (at(2026, 3, 9, 10, 15), 0, "working_hours", at(2026, 3, 9, 10, 15)),
    ],
)
def test_due_hours_convention(cal, start, amount, unit, expected):
    assert cal.due(start, amount, unit) == expected


def test_seconds_are_truncated_to_the_minute(cal):
    assert cal.due(at(2026, 3, 9, 10, 0, 45), 1) == at(2026, 3, 9, 11)


def test_result_is_aware_in_vietnam_time(cal):
    due = cal.due(datetime(2026, 3, 9, 3, 0, tzinfo=ZoneInfo("UTC")), 1)  # 10:00 local
    assert due == at(2026, 3, 9, 11)
    assert due.tzinfo == VN
    assert due.hour == 11


# ------------------------------------------------------------------------------ civil convention
@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # LEGAL.md §3.2 example: received Mon 10:00, 1 WD -> end of Tuesday.
        (at(2026, 3, 9, 10), 1, end_of(2026, 3, 10)),
        # Saturday receipt: moved to Monday, which is not counted -> end of Tuesday.
        (at(2026, 3, 7, 10), 1, end_of(2026, 3, 10)),
        # Evening receipt before Tết 2026: first working moment Mon 23/2 (not counted) -> end of 24/2.
        (at(2026, 2, 13, 18), 1, end_of(2026, 2, 24)),
        # 2025: Tue 29/4 not counted; 30/4, 1/5, 2/5 off; Mon 5/5 first, Tue 6/5 second.
        (at(2025, 4, 29, 10), 2, end_of(2025, 5, 6)),
        # 2024: Fri 3/5 not counted; Sat 4/5 is a working day (CV 2450).
        (at(2024, 5, 3, 10), 1, end_of(2024, 5, 4)),
        # Received after closing on Friday: Monday is the receipt day.
        (at(2026, 3, 13, 17, 30), 1, end_of(2026, 3, 17)),
        (at(2026, 3, 9, 10), 0, end_of(2026, 3, 9)),
    ],
)
def test_due_civil_convention(cal, start, amount, expected):
    assert cal.due(start, amount, "working_days", "civil") == expected


def test_civil_convention_for_hours_starts_at_the_moment(cal):
    # Civil Code 2015 art. 147(1): periods in hours start at the stated moment.
    assert cal.due(at(2026, 3, 9, 10), 2, "working_hours", "civil") == at(2026, 3, 9, 13, 30)


# ------------------------------------------------------------------------------ calendar days, months
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # 20 days from 10/4/2026 -> Thu 30/4 (holiday) -> 1/5 holiday, weekend -> Mon 4/5.
        (at(2026, 4, 10, 15), 20, "calendar_days", end_of(2026, 5, 4)),
        (at(2026, 4, 1, 9), 15, "calendar_days", end_of(2026, 4, 16)),
        # Received on a Sunday: counting starts Monday; 5 days -> Friday.
        (at(2026, 3, 8, 9), 5, "calendar_days", end_of(2026, 3, 13)),
        # Ending on Tết 2025 (Thu 30/1) -> Mon 3/2/2025.
        (at(2025, 1, 20, 9), 10, "calendar_days", end_of(2025, 2, 3)),
        # Month's last day: 31/1 + 1 month -> 28/2/2026 (Saturday) -> Mon 2/3.
        (at(2026, 1, 31, 9), 1, "months", end_of(2026, 3, 2)),
        # 16/1 + 1 month -> 16/2/2026 (Tết) -> Mon 23/2.
        (at(2026, 1, 16, 9), 1, "months", end_of(2026, 2, 23)),
        # 30/11/2025 + 3 months -> 28/2/2026 (Saturday) -> Mon 2/3.
        (at(2025, 11, 30, 9), 3, "months", end_of(2026, 3, 2)),
        # 29/2/2024 + 12 months -> 28/2/2025 (Friday, working).
        (at(2024, 2, 29, 9), 12, "months", end_of(2025, 2, 28)),
        # 2/8/2026 + 1 month -> Wed 2/9 (National Day) -> Thu 3/9.
        (at(2026, 8, 2, 9), 1, "months", end_of(2026, 9, 3)),
    ],
)
def test_due_calendar_days_and_months(cal, start, amount, unit, expected):
    assert cal.due(start, amount, unit) == expected
    assert cal.due(start, amount, unit, "civil") == expected


# ------------------------------------------------------------------------------ refused amounts
@pytest.mark.parametrize(
    ("amount", "unit", "convention", "error"),
    [
        (1.5, "working_hours", "hours", TypeError),
        (True, "working_hours", "hours", TypeError),
        ("0.001", "working_days", "hours", ValueError),  # 0.48 minute
        (Decimal("0.01"), "working_hours", "hours", ValueError),  # 0.6 minute
        ("abc", "working_hours", "hours", ValueError),
        ("NaN", "working_hours", "hours", ValueError),
        (-1, "working_hours", "hours", ValueError),
        ("-0.5", "working_days", "hours", ValueError),
        ("1.5", "working_days", "civil", ValueError),
        ("1.5", "calendar_days", "hours", ValueError),
        (1, "fortnights", "hours", ValueError),
        (1, "working_days", "lunar", ValueError),
    ],
)
def test_refused_amounts(cal, amount, unit, convention, error):
    with pytest.raises(error):
        cal.due(at(2026, 3, 9, 10), amount, unit, convention)


def test_naive_start_is_refused(cal):
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.due(datetime(2026, 3, 9, 10), 1)


def test_outside_the_span_is_refused():
    small = Calendar(first_year=2026, last_year=2026)
    with pytest.raises(ValueError, match="span"):
        small.due(at(2026, 12, 31, 16), 8)
    with pytest.raises(ValueError, match="span"):
        small.due(at(2027, 1, 4, 10), 1)


# ------------------------------------------------------------------------------ between
def test_working_minutes_and_hours_between(cal):
    assert cal.working_minutes_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == 480
    assert cal.working_minutes_between(at(2026, 2, 23, 10), at(2026, 2, 13, 10)) == -480
    assert cal.working_hours_between(at(2026, 3, 9, 11), at(2026, 3, 9, 13, 30)) == Decimal(1)
    assert cal.working_hours_between(at(2026, 3, 9, 10), at(2026, 3, 9, 10, 45)) == Decimal("0.75")
    assert cal.working_minutes_between(at(2026, 3, 7, 1), at(2026, 3, 8, 23)) == 0


# ------------------------------------------------------------------------------ add_working_days
@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        (date(2026, 2, 23), -1, date(2026, 2, 13)),
        (date(2025, 5, 5), -1, date(2025, 4, 29)),
        (date(2024, 5, 6), -1, date(2024, 5, 4)),  # the swapped Saturday counts
        (date(2024, 5, 4), -1, date(2024, 5, 3)),
        (date(2026, 4, 28), -2, date(2026, 4, 23)),
        (date(2026, 3, 9), -5, date(2026, 3, 2)),
        # A day off is first moved to the next working day (numpy.busday_offset roll="forward").
        (date(2026, 4, 27), 0, date(2026, 4, 28)),
        (date(2026, 4, 27), -1, date(2026, 4, 24)),
        (date(2026, 3, 7), 1, date(2026, 3, 10)),
        (date(2026, 3, 9), 0, date(2026, 3, 9)),
    ],
)
def test_add_working_days(cal, day, n, expected):
    assert cal.add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("received", "n", "expected"),
    [
        # ND 23/2015 art. 7 (amended by ND 07/2025): same working day, next one if received after 15:00.
        (at(2026, 2, 13, 14, 59), 0, date(2026, 2, 13)),
        (at(2026, 2, 13, 15, 0), 0, date(2026, 2, 13)),
        (at(2026, 2, 13, 15, 1), 0, date(2026, 2, 23)),
        (at(2026, 2, 13, 14), 1, date(2026, 2, 23)),
        (at(2026, 2, 13, 16), 1, date(2026, 2, 24)),
        (at(2026, 3, 7, 9), 0, date(2026, 3, 9)),  # Saturday: next working day whatever the hour
    ],
)
def test_add_working_days_with_the_15h_cutoff(cal, received, n, expected):
    assert cal.add_working_days(received, n, cutoff=time(15)) == expected


def test_cutoff_needs_an_aware_moment(cal):
    with pytest.raises(ValueError, match="moment"):
        cal.add_working_days(date(2026, 3, 9), 0, cutoff=time(15))
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_days(datetime(2026, 3, 9, 16), 0, cutoff=time(15))


def test_cutoff_counts_in_local_time(cal):
    # 08:30 UTC is 15:30 in Hà Nội: after the cutoff.
    received = datetime(2026, 3, 9, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert cal.add_working_days(received, 0, cutoff=time(15)) == date(2026, 3, 10)


# ------------------------------------------------------------------------------ unit calendars
def test_unit_calendar_with_its_own_periods_and_exceptions(cal):
    unit_cal = cal.with_overrides(
        periods=[(time(7), time(11, 30)), (time(13, 30), time(17))],
        exceptions=[
            DateException(
                date(2026, 3, 10), ExceptionKind.NON_WORKING, ExceptionCategory.LOCAL, "Lễ hội", "QĐ x"
            ),
        ],
    )
    # Mon 9/3 11:00 + 1 WH: 30 min before lunch, 30 after 13:30.
    assert unit_cal.due(at(2026, 3, 9, 11), 1) == at(2026, 3, 9, 14)
    # Tue 10/3 is off for this unit only; the national calendar is unchanged.
    assert unit_cal.due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 11, 7, 30)
    assert cal.due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 10, 8)
    # National exceptions still apply on top of which the unit's are added.
    assert not unit_cal.is_working_day(date(2026, 4, 27))


def test_a_working_day_is_n_times_the_standard_length_whatever_the_periods():
    short = Calendar(periods=[(time(7, 30), time(11, 30))], first_year=2026, last_year=2026)
    # 1 WD = 480 working minutes = two 4-hour mornings.
    assert short.due(at(2026, 3, 9, 7, 30), 1, "working_days") == at(2026, 3, 10, 11, 30)


def test_saturday_morning_reception():
    cal = Calendar(
        weekdays=range(6), weekday_periods={5: [(time(7, 30), time(11, 30))]}, first_year=2026, last_year=2026
    )
    assert cal.due(at(2026, 3, 13, 16), 2) == at(2026, 3, 14, 8, 30)
    assert cal.day_periods(date(2026, 3, 14)) == ((time(7, 30), time(11, 30)),)


def test_editing_means_a_new_calendar_so_given_appointments_do_not_move(cal):
    given = cal.due(at(2026, 3, 9, 16, 30), 1)
    edited = cal.with_overrides(
        exceptions=[
            DateException(date(2026, 3, 10), ExceptionKind.NON_WORKING, ExceptionCategory.LOCAL, "x", "y"),
        ]
    )
    assert edited.due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 11, 8)
    assert given == at(2026, 3, 10, 8)
    assert cal.due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 10, 8)


def test_invalid_periods_are_refused():
    with pytest.raises(ValueError, match="sorted"):
        Calendar(periods=[(time(13), time(17)), (time(7, 30), time(11, 30))], first_year=2026, last_year=2026)
    with pytest.raises(ValueError, match="after it starts"):
        Calendar(periods=[(time(13), time(12))], first_year=2026, last_year=2026)
