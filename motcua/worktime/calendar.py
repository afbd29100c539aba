"""A working calendar and the legal deadline arithmetic on it (pure: no Django, no database).

Time model. Every instant is truncated to the whole minute (the receipt slip shows hh:mm) and mapped to
a *local minute* L counted from local midnight of the calendar's first day. Its *working position* P(L)
is the number of working minutes before it since that origin:

    P(L) = cum[d] + before[pattern(d)][L - 1440 d]        where d = L // 1440

`cum` holds the working minutes before each day and `before` the working minutes before each minute of a
day for each distinct day pattern (set of periods). Both are computed once per calendar, so a position is
two list look-ups, and the inverse (the earliest minute whose position reaches a target) is a bisection
over `cum` plus one look-up. Working periods are half-open [start, end), so the earliest instant at which
a budget is used up is the end of a period when the budget ends exactly there (17:00, not 07:30 the next
morning).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from motcua.worktime.amounts import Convention, TimeUnit, parse_amount, to_minutes, whole
from motcua.worktime.dates import DateException, ExceptionKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MINUTES_PER_DAY = 1440
# QĐ 188/1999/QĐ-TTg art. 1: civil servants work 40 hours over 5 days, off Saturday and Sunday.
DEFAULT_WEEKDAYS = frozenset({0, 1, 2, 3, 4})
STANDARD_DAY_MINUTES = 8 * 60
# Typical counter hours (LEGAL.md §3.1); set locally, so configurable per calendar.
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
DEFAULT_FIRST_YEAR = 2000
DEFAULT_LAST_YEAR = 2060
END_OF_DAY = time(23, 59, 59)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MINUTE_FAST = frozenset({TimeUnit.WORKING_HOURS, TimeUnit.WORKING_MINUTES})

Periods = tuple[tuple[time, time], ...]


def period_minutes(periods: Iterable[tuple[time, time]]) -> tuple[tuple[int, int], ...]:
    result: list[tuple[int, int]] = []
    previous_end = -1
    for start, end in periods:
        if start.second or start.microsecond or end.second or end.microsecond:
            raise ValueError("working periods must start and end on whole minutes")
        begin, finish = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        if begin >= finish:
            raise ValueError(f"a working period must end after it starts: {start}-{end}")
        if begin < previous_end:
            raise ValueError("working periods must be sorted and must not overlap")
        result.append((begin, finish))
        previous_end = finish
    return tuple(result)


class OutsideSpan(ValueError):
    """A moment or a day outside the years the calendar covers (its tables end there)."""


def _tables(spans: tuple[tuple[int, int], ...]) -> tuple[list[int], list[int]]:
    """`before[m]`: working minutes in [00:00, m) for m in 0..1440; `inverse[r]`: the earliest minute m
    with before[m] >= r for r in 1..total (inverse[0] is the first working minute, or 0)."""
    before = [0] * (MINUTES_PER_DAY + 1)
    worked = 0
    for minute in range(MINUTES_PER_DAY):
        before[minute] = worked
        if any(begin <= minute < finish for begin, finish in spans):
            worked += 1
    before[MINUTES_PER_DAY] = worked
    inverse = [spans[0][0] if spans else 0] + [0] * worked
    for minute in range(MINUTES_PER_DAY, -1, -1):
        if before[minute] >= 1:
            inverse[before[minute]] = minute
    return before, inverse


class Calendar:
    """Working weekdays, working periods, a standard day length and dated exceptions, precomputed over a
    span of years. Immutable: editing a calendar means building a new one, so a due date already computed
    (an appointment already given) never moves."""

    __slots__ = (
        "_arrays",
        "_cum",
        "_day_before",
        "_day_inverse",
        "_ndays",
        "_origin",
        "_origin_ordinal",
        "_patterns",
        "_shift",
        "_wd_days",
        "_wd_rank",
        "day_minutes",
        "exceptions",
        "first_year",
        "last_year",
        "periods",
        "tz",
        "weekday_periods",
        "weekdays",
    )

    def __init__(
        self,
        *,
        weekdays: Iterable[int] = DEFAULT_WEEKDAYS,
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
        weekday_periods: Mapping[int, Iterable[tuple[time, time]]] | None = None,
        exceptions: Iterable[DateException] = (),
        day_minutes: int = STANDARD_DAY_MINUTES,
        first_year: int = DEFAULT_FIRST_YEAR,
        last_year: int = DEFAULT_LAST_YEAR,
        tz: ZoneInfo = TZ,
    ) -> None:
        self.weekdays = frozenset(weekdays)
        if not self.weekdays <= set(range(7)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        self.periods: Periods = tuple(periods)
        self.weekday_periods: Mapping[int, Periods] = MappingProxyType(
            {int(k): tuple(v) for k, v in (weekday_periods or {}).items()}
        )
        if type(day_minutes) is not int or day_minutes <= 0:
            raise ValueError("the standard working-day length must be a positive number of minutes")
        self.day_minutes = day_minutes
        # Later exceptions for the same date win: a unit's own exceptions go after the national ones.
        self.exceptions: Mapping[date, DateException] = MappingProxyType({e.day: e for e in exceptions})
        if first_year > last_year:
            raise ValueError("the calendar span is empty")
        self.first_year, self.last_year, self.tz = first_year, last_year, tz
        self._origin = date(first_year, 1, 1)
        self._origin_ordinal = self._origin.toordinal()
        self._ndays = date(last_year + 1, 1, 1).toordinal() - self._origin_ordinal
        self._shift = self._utc_offset_minutes() - (self._origin_ordinal - _EPOCH_ORDINAL) * MINUTES_PER_DAY
        self._arrays: object = None  # filled by motcua.worktime.batch on first use
        self._precompute()

    # ----------------------------------------------------------------------------------------- building
    @classmethod
    def national(
        cls,
        *,
        first_year: int = DEFAULT_FIRST_YEAR,
        last_year: int = DEFAULT_LAST_YEAR,
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
    ) -> Calendar:
        """The national calendar seeded from the `holidays` package and the official CBCCVC schedules,
        with the default periods. Cached: calendars are immutable."""
        return _national(first_year, last_year, tuple(periods))

    def with_overrides(
        self,
        *,
        periods: Iterable[tuple[time, time]] | None = None,
        weekday_periods: Mapping[int, Iterable[tuple[time, time]]] | None = None,
        exceptions: Iterable[DateException] = (),
    ) -> Calendar:
        """A unit's calendar: this calendar with other periods and extra exceptions on top."""
        return Calendar(
            weekdays=self.weekdays,
            periods=self.periods if periods is None else periods,
            weekday_periods=self.weekday_periods if weekday_periods is None else weekday_periods,
            exceptions=[*self.exceptions.values(), *exceptions],
            day_minutes=self.day_minutes,
            first_year=self.first_year,
            last_year=self.last_year,
            tz=self.tz,
        )

    def _utc_offset_minutes(self) -> int:
        # The arithmetic assumes one UTC offset over the span: true for Asia/Ho_Chi_Minh (UTC+7 since 1975).
        offsets = {
            datetime(year, month, 1, tzinfo=self.tz).utcoffset()
            for year in range(self.first_year, self.last_year + 1)
            for month in (1, 7)
        }
        if len(offsets) != 1:
            raise ValueError(f"{self.tz} changes its UTC offset within {self.first_year}-{self.last_year}")
        offset = offsets.pop()
        assert offset is not None
        return int(offset.total_seconds()) // 60

    def _precompute(self) -> None:
        default = period_minutes(self.periods)
        by_weekday = [
            (period_minutes(self.weekday_periods[wd]) if wd in self.weekday_periods else default)
            if wd in self.weekdays
            else ()
            for wd in range(7)
        ]
        first_weekday = self._origin.weekday()
        spans_by_day = [by_weekday[(first_weekday + i) % 7] for i in range(self._ndays)]
        for day, exception in self.exceptions.items():
            index = day.toordinal() - self._origin_ordinal
            if 0 <= index < self._ndays:
                # A swapped Saturday is worked like a normal weekday.
                spans_by_day[index] = default if exception.kind is ExceptionKind.EXTRA_WORKING else ()
        patterns: dict[tuple[tuple[int, int], ...], int] = {(): 0}
        for spans in set(spans_by_day):
            patterns.setdefault(spans, len(patterns))
        tables = [([0] * (MINUTES_PER_DAY + 1), [0])] * len(patterns)
        for spans, number in patterns.items():
            tables[number] = _tables(spans)
        self._patterns = [patterns[spans] for spans in spans_by_day]
        self._day_before = [tables[p][0] for p in self._patterns]
        self._day_inverse = [tables[p][1] for p in self._patterns]
        cum = [0] * (self._ndays + 1)
        total = 0
        for i, before in enumerate(self._day_before):
            cum[i] = total
            total += before[MINUTES_PER_DAY]
        cum[self._ndays] = total
        self._cum = cum
        # Working-day ranks: _wd_rank[i] = number of working days before day i; _wd_days = their indexes.
        self._wd_days = [i for i, p in enumerate(self._patterns) if p]
        rank, ranks = 0, [0] * (self._ndays + 1)
        for i, p in enumerate(self._patterns):
            ranks[i] = rank
            rank += p != 0
        ranks[self._ndays] = rank
        self._wd_rank = ranks

    # ---------------------------------------------------------------------------------- low-level maps
    def _local_minute(self, instant: datetime) -> int:
        if instant.utcoffset() is None:
            raise ValueError("instants must be timezone-aware")
        return int(instant.timestamp() // 60) + self._shift

    def _position(self, local_minute: int) -> int:
        day = local_minute // MINUTES_PER_DAY
        if not 0 <= day < self._ndays:
            raise OutsideSpan(self._span_error())
        return self._cum[day] + self._day_before[day][local_minute - day * MINUTES_PER_DAY]

    def _minute_at(self, target: int) -> int:
        """The earliest local minute whose working position reaches `target` (target >= 1)."""
        index = bisect_left(self._cum, target)
        if index > self._ndays:
            raise OutsideSpan(self._span_error())
        day = index - 1
        return day * MINUTES_PER_DAY + self._day_inverse[day][target - self._cum[day]]

    def _instant(self, local_minute: int) -> datetime:
        return datetime.fromtimestamp((local_minute - self._shift) * 60, self.tz)

    def _day_index(self, day: date) -> int:
        index = day.toordinal() - self._origin_ordinal
        if not 0 <= index < self._ndays:
            raise OutsideSpan(self._span_error())
        return index

    def _day_of(self, index: int) -> date:
        return date.fromordinal(self._origin_ordinal + index)

    def _end_of_day(self, index: int) -> datetime:
        # Civil Code 2015 art. 148(2): a period ends at 24:00 of its last day; shown as 23:59:59 local.
        return datetime.combine(self._day_of(index), END_OF_DAY, tzinfo=self.tz)

    def _roll_forward(self, index: int, offset: int = 0) -> int:
        """The index of the working day `offset` working days after the first working day >= index."""
        rank = self._wd_rank[index] + offset
        if not 0 <= rank < len(self._wd_days):
            raise OutsideSpan(self._span_error())
        return self._wd_days[rank]

    def _span_error(self) -> str:
        return f"outside the calendar span {self.first_year}-{self.last_year}"

    # ------------------------------------------------------------------------------------------ queries
    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.astimezone(self.tz).date()
        return self._patterns[self._day_index(day)] != 0

    def first_working_moment(self, instant: datetime) -> datetime:
        """The first working moment at or after `instant` (LEGAL.md §1.3: a dossier arriving outside
        working hours is received at the next working moment)."""
        position = self._position(self._local_minute(instant))
        return self._instant(self._minute_at(position + 1) - 1)

    def position(self, instant: datetime) -> int:
        """The working position of `instant`: working minutes from the calendar's origin to it."""
        return self._position(self._local_minute(instant))

    def moment_at(self, position: int) -> datetime:
        """The earliest moment whose working position reaches `position` (>= 1): the inverse of
        `position`, landing on the end of a working period when the position is reached there."""
        return self._instant(self._minute_at(position))

    def end_of_day(self, instant: datetime) -> datetime:
        """23:59:59 local on the day of `instant`."""
        return self._end_of_day(self._local_minute(instant) // MINUTES_PER_DAY)

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Working minutes from a to b (negative when b is before a)."""
        return self._position(self._local_minute(b)) - self._position(self._local_minute(a))

    def working_hours_between(self, a: datetime, b: datetime) -> Decimal:
        return Decimal(self.working_minutes_between(a, b)) / 60

    def add_working_days(self, day: date | datetime, n: int, *, cutoff: time | None = None) -> date:
        """The working day n working days after `day` (before it when n < 0).

        `day` is first moved forward to the first working day at or after it (a dossier received on a
        holiday is received on the next working day), like `numpy.busday_offset(roll="forward")`. With
        `cutoff` (a datetime `day` is then required), a moment strictly after the cutoff counts from the
        next day: ND 61/2018 art. 18(1) and ND 23/2015 art. 7 as amended by ND 07/2025, "after 15:00".
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        if isinstance(day, datetime):
            if day.utcoffset() is None:
                raise ValueError("instants must be timezone-aware")
            local = day.astimezone(self.tz)
            index = self._day_index(local.date())
            if cutoff is not None and local.time().replace(tzinfo=None) > cutoff:
                index += 1
        else:
            if cutoff is not None:
                raise ValueError("the cutoff rule needs the moment of receipt, not only its date")
            index = self._day_index(day)
        if index >= self._ndays:
            raise OutsideSpan(self._span_error())
        return self._day_of(self._roll_forward(index, n))

    def due(
        self,
        start: datetime,
        amount: int | Decimal | str,
        unit: TimeUnit | str = TimeUnit.WORKING_HOURS,
        convention: Convention | str = Convention.HOURS,
    ) -> datetime:
        """The due moment of a time limit of `amount` `unit` starting at `start`.

        - working hours (or minutes), and working days with the `hours` convention: the clock starts at
          the first working moment at or after `start` and runs amount x 60 (or x the standard day
          length) working minutes. Civil Code 2015 art. 147(1): a period in hours starts at the stated moment.
        - working days with the `civil` convention: Civil Code 2015 art. 147(2) and 148: the day of the
          first working moment is not counted; due at the end of the N-th working day after it.
        - calendar days and months: art. 147(2) counting from the day after `start` (months to the same
          day number, or to the month's last day); art. 148(2): a last day that is not a working day
          moves to the next working day; due at the end of that day.
        """
        if convention not in _CONVENTIONS:
            Convention(convention)  # raises ValueError naming the bad value
        if unit in _MINUTE_FAST or (unit == "working_days" and convention == "hours"):
            minutes = to_minutes(amount, unit, day_minutes=self.day_minutes)
            position = self._position(self._local_minute(start))
            if minutes == 0:
                return self._instant(self._minute_at(position + 1) - 1)
            return self._instant(self._minute_at(position + minutes))
        unit, convention = TimeUnit(unit), Convention(convention)
        count = whole(parse_amount(amount), f"an amount in {unit}")
        if unit is TimeUnit.WORKING_DAYS:
            first = self._minute_at(self._position(self._local_minute(start)) + 1) - 1
            return self._end_of_day(self._roll_forward(first // MINUTES_PER_DAY, count))
        local_day = self._local_minute(start) // MINUTES_PER_DAY
        if unit is TimeUnit.CALENDAR_DAYS:
            last = local_day + count
        else:
            if count > 12 * (self.last_year - self.first_year + 2):
                raise OutsideSpan(self._span_error())
            start_day = self._day_of(local_day)
            year, month0 = divmod(start_day.month - 1 + count, 12)
            year += start_day.year
            days_in_month = _stdlib_calendar.monthrange(year, month0 + 1)[1]
            last = local_day + (date(year, month0 + 1, min(start_day.day, days_in_month)) - start_day).days
        if not 0 <= last < self._ndays:
            raise OutsideSpan(self._span_error())
        return self._end_of_day(self._roll_forward(last))

    def working_days_in(self, first: date, last: date) -> list[date]:
        """The working days from `first` to `last` inclusive."""
        lo, hi = self._day_index(first), self._day_index(last)
        return [self._day_of(i) for i in self._wd_days[self._wd_rank[lo] : self._wd_rank[hi + 1]]]

    def day_periods(self, day: date) -> Periods:
        """The working periods of `day` (empty on a non-working day)."""
        index = self._day_index(day)
        before = self._day_before[index]
        periods: list[tuple[time, time]] = []
        minute = 0
        while minute < MINUTES_PER_DAY:
            if before[minute + 1] > before[minute]:
                begin = minute
                while minute < MINUTES_PER_DAY and before[minute + 1] > before[minute]:
                    minute += 1
                end = time(minute // 60, minute % 60) if minute < MINUTES_PER_DAY else time(23, 59)
                periods.append((time(begin // 60, begin % 60), end))
            minute += 1
        return tuple(periods)

    def span(self) -> tuple[date, date]:
        return self._origin, self._day_of(self._ndays - 1)

    def __repr__(self) -> str:
        return (
            f"Calendar(weekdays={sorted(self.weekdays)}, periods={self.periods}, "
            f"exceptions={len(self.exceptions)}, span={self.first_year}-{self.last_year})"
        )


_CONVENTIONS = frozenset({"hours", "civil", Convention.HOURS, Convention.CIVIL})


@cache
def _national(first_year: int, last_year: int, periods: Periods) -> Calendar:
    from motcua.worktime.national import national_exceptions  # noqa: PLC0415 (holidays is slow to import)

    return Calendar(
        periods=periods,
        exceptions=national_exceptions(range(first_year, last_year + 1)),
        first_year=first_year,
        last_year=last_year,
    )


__all__ = ["DEFAULT_PERIODS", "DEFAULT_WEEKDAYS", "STANDARD_DAY_MINUTES", "TZ", "Calendar", "OutsideSpan"]
