"""Laws of the time engine, checked by hypothesis on the national calendar and on random calendars."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.worktime import Calendar, Clock, DateException, ExceptionCategory, ExceptionKind, batch

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NATIONAL = Calendar.national(first_year=2023, last_year=2030)
FIRST = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) // 60
LAST = int(datetime(2027, 12, 31, tzinfo=UTC).timestamp()) // 60

# Every day is a weekday for numpy; our days off (weekends, holidays, not swapped Saturdays) are holidays.
NUMPY_CALENDAR = np.busdaycalendar(
    weekmask="1111111",
    holidays=[
        date(2023, 1, 1) + timedelta(days=i)
        for i in range(365 * 7)
        if not NATIONAL.is_working_day(date(2023, 1, 1) + timedelta(days=i))
    ],
)

epoch_minutes = st.integers(min_value=FIRST, max_value=LAST)
budgets = st.integers(min_value=0, max_value=60 * 480)  # up to 60 working days


def moment(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, VN)


def minutes_of(instant: datetime) -> int:
    return int(instant.timestamp()) // 60


@st.composite
def calendars(draw):
    """Random calendars: weekdays, one to three periods, random exceptions in 2025-2026."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    bounds = sorted(draw(st.sets(st.integers(0, 24 * 60 - 1), min_size=2, max_size=6)))
    if len(bounds) % 2:
        bounds = bounds[:-1]
    periods = [
        (time(b // 60, b % 60), time(e // 60, e % 60)) for b, e in zip(bounds[::2], bounds[1::2], strict=True)
    ]
    # At least an hour of work a week, so that every budget drawn ends inside the span.
    assume(len(weekdays) * sum(e - b for b, e in zip(bounds[::2], bounds[1::2], strict=True)) >= 60)
    days = draw(st.sets(st.integers(0, 730), max_size=40))
    exceptions = [
        DateException(
            date(2025, 1, 1) + timedelta(days=d),
            draw(st.sampled_from(list(ExceptionKind))),
            ExceptionCategory.LOCAL,
        )
        for d in sorted(days)
    ]
    return Calendar(
        weekdays=weekdays, periods=periods, exceptions=exceptions, first_year=2024, last_year=2030
    )


def in_working_time_or_period_end(cal: Calendar, instant: datetime) -> bool:
    local = instant.astimezone(VN)
    now = local.time()
    return any(begin <= now < end or now == end for begin, end in cal.day_periods(local.date()))


@given(start=epoch_minutes, m=budgets)
def test_inverse_law(start, m):
    s = moment(start)
    assert NATIONAL.working_minutes_between(s, NATIONAL.due(s, m, "working_minutes")) == m


@given(cal=calendars(), start=st.integers(FIRST, FIRST + 365 * 1440), m=st.integers(0, 20 * 480))
@settings(max_examples=60, deadline=None)
def test_inverse_law_on_random_calendars(cal, start, m):
    s = moment(start)
    due = cal.due(s, m, "working_minutes")
    assert cal.working_minutes_between(s, due) == m
    assert due >= s.replace(second=0, microsecond=0)
    assert in_working_time_or_period_end(cal, due)


@given(start=epoch_minutes, m1=budgets, m2=budgets)
def test_monotone_in_the_amount(start, m1, m2):
    s = moment(start)
    lo, hi = sorted((m1, m2))
    assert NATIONAL.due(s, lo, "working_minutes") <= NATIONAL.due(s, hi, "working_minutes")


@given(s1=epoch_minutes, s2=epoch_minutes, m=budgets)
def test_monotone_in_the_start(s1, s2, m):
    a, b = sorted((s1, s2))
    assert NATIONAL.due(moment(a), m, "working_minutes") <= NATIONAL.due(moment(b), m, "working_minutes")


@given(s1=epoch_minutes, s2=epoch_minutes, n=st.integers(0, 30))
def test_monotone_for_day_based_units(s1, s2, n):
    a, b = sorted((s1, s2))
    for unit, convention in [("working_days", "civil"), ("calendar_days", "hours"), ("months", "hours")]:
        assert NATIONAL.due(moment(a), n, unit, convention) <= NATIONAL.due(moment(b), n, unit, convention)


@given(start=epoch_minutes, m=budgets)
def test_due_lands_in_working_time_or_at_a_period_end(start, m):
    due = NATIONAL.due(moment(start), m, "working_minutes")
    assert in_working_time_or_period_end(NATIONAL, due)
    if m == 0:  # the first working moment is inside a period, never at its end
        assert any(b <= due.time() < e for b, e in NATIONAL.day_periods(due.date()))


@given(start=epoch_minutes, n=st.integers(0, 30))
def test_day_based_dues_end_on_a_working_day(start, n):
    for unit, convention in [("working_days", "civil"), ("calendar_days", "hours"), ("months", "hours")]:
        due = NATIONAL.due(moment(start), n, unit, convention)
        assert due.time() == time(23, 59, 59)
        assert NATIONAL.is_working_day(due.date())


pauses_strategy = st.lists(st.tuples(st.integers(0, 20 * 1440), st.integers(0, 5 * 1440)), max_size=4)


@given(
    start=epoch_minutes,
    amount=st.integers(0, 15),
    unit_convention=st.sampled_from(
        [
            ("working_hours", "hours"),
            ("working_days", "hours"),
            ("working_days", "civil"),
            ("calendar_days", "hours"),
        ]
    ),
    gaps=pauses_strategy,
    last_open=st.booleans(),
    mode=st.sampled_from(["pause", "restart"]),
    look=st.integers(0, 60 * 1440),
)
@settings(max_examples=150)
def test_pauses_never_shorten_a_deadline(start, amount, unit_convention, gaps, last_open, mode, look):
    unit, convention = unit_convention
    s = moment(start)
    pauses, cursor = [], start
    for gap, length in gaps:
        begin = cursor + gap
        pauses.append((moment(begin), moment(begin + length)))
        cursor = begin + length
    if pauses and last_open:
        pauses[-1] = (pauses[-1][0], None)
    base = NATIONAL.due(s, amount, unit, convention)
    clock = Clock(NATIONAL, s, amount, unit, convention, pauses=pauses, mode=mode)
    state = clock.at(moment(start + look))
    assert state.due >= base
    assert state.used_minutes >= 0
    assert state.left_minutes >= 0
    assert state.late_by_minutes >= 0
    assert state.left_minutes == 0 or state.late_by_minutes == 0
    # Without pauses the clock agrees with the calendar.
    plain = Clock(NATIONAL, s, amount, unit, convention).at(moment(start + look))
    assert plain.due == base
    assert plain.used_minutes == max(0, NATIONAL.working_minutes_between(s, moment(start + look)))


@given(
    starts=st.lists(epoch_minutes, min_size=1, max_size=50),
    data=st.data(),
)
def test_batch_form_equals_scalar_form(starts, data):
    amounts = data.draw(st.lists(budgets, min_size=len(starts), max_size=len(starts)))
    result = batch.due_minutes(NATIONAL, np.array(starts), np.array(amounts))
    expected = [
        minutes_of(NATIONAL.due(moment(s), m, "working_minutes"))
        for s, m in zip(starts, amounts, strict=True)
    ]
    assert result.tolist() == expected
    between = batch.working_minutes_between(NATIONAL, np.array(starts), result)
    assert between.tolist() == amounts


@given(
    cal=calendars(),
    starts=st.lists(st.integers(FIRST, FIRST + 365 * 1440), min_size=1, max_size=20),
    data=st.data(),
)
@settings(max_examples=40, deadline=None)
def test_batch_form_equals_scalar_form_on_random_calendars(cal, starts, data):
    amounts = data.draw(st.lists(st.integers(0, 10 * 480), min_size=len(starts), max_size=len(starts)))
    result = batch.due_minutes(cal, np.array(starts), np.array(amounts))
    expected = [
        minutes_of(cal.due(moment(s), m, "working_minutes")) for s, m in zip(starts, amounts, strict=True)
    ]
    assert result.tolist() == expected


@given(days=st.lists(st.integers(0, 3 * 365), min_size=1, max_size=50), data=st.data())
def test_add_working_days_batch_equals_scalar_and_busday_offset(days, data):
    offsets = data.draw(st.lists(st.integers(-40, 40), min_size=len(days), max_size=len(days)))
    dates = [date(2024, 6, 1) + timedelta(days=d) for d in days]
    result = batch.add_working_days(NATIONAL, np.array(dates, dtype="datetime64[D]"), np.array(offsets))
    expected = [NATIONAL.add_working_days(d, n) for d, n in zip(dates, offsets, strict=True)]
    assert [d.astype(object) for d in result] == expected
    # The same arithmetic as numpy's business-day offset with the same holidays and swapped Saturdays.
    numpy_result = np.busday_offset(
        np.array(dates, dtype="datetime64[D]"), offsets, roll="forward", busdaycal=NUMPY_CALENDAR
    )
    assert numpy_result.tolist() == expected
