"""Vectorised deadline arithmetic over NumPy arrays, for KPI recomputation (pure).

Instants are int64 minutes since the Unix epoch (UTC); amounts are int64 working minutes. The results
equal the scalar `Calendar.due` / `Calendar.working_minutes_between` element by element (the hours
convention; see the property tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from motcua.worktime.calendar import MINUTES_PER_DAY, Calendar

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Arrays:
    cum: IntArray  # working minutes before each day (ndays + 1)
    day_row: IntArray  # offset of each day's pattern row in the flat tables
    before: npt.NDArray[np.int32]  # flat: working minutes before each minute of a day, per pattern
    inverse: npt.NDArray[np.int32]  # flat: earliest minute reaching r working minutes, per pattern
    inverse_width: int
    working_days: npt.NDArray[np.int32]  # indexes of the working days
    rank: IntArray  # working days before each day (ndays + 1)


def _arrays(calendar: Calendar) -> _Arrays:
    cached = calendar._arrays  # shares the calendar's precomputation
    if isinstance(cached, _Arrays):
        return cached
    patterns = np.asarray(calendar._patterns, dtype=np.int64)
    npatterns = int(patterns.max()) + 1
    befores: list[list[int]] = [[0] * (MINUTES_PER_DAY + 1)] * npatterns
    inverses: list[list[int]] = [[0]] * npatterns
    days = zip(calendar._patterns, calendar._day_before, calendar._day_inverse, strict=True)
    for p, before, inverse in days:
        befores[p], inverses[p] = before, inverse
    width = max(len(inverse) for inverse in inverses)
    inverse_table = np.zeros((npatterns, width), dtype=np.int32)
    for p, inverse in enumerate(inverses):
        inverse_table[p, : len(inverse)] = inverse
    arrays = _Arrays(
        cum=np.asarray(calendar._cum, dtype=np.int64),
        day_row=patterns,
        before=np.asarray(befores, dtype=np.int32).ravel(),
        inverse=inverse_table.ravel(),
        inverse_width=width,
        working_days=np.asarray(calendar._wd_days, dtype=np.int32),
        rank=np.asarray(calendar._wd_rank, dtype=np.int64),
    )
    calendar._arrays = arrays
    return arrays


def _span_error(calendar: Calendar) -> ValueError:
    return ValueError(f"outside the calendar span {calendar.first_year}-{calendar.last_year}")


def positions(calendar: Calendar, instants: npt.ArrayLike) -> IntArray:
    """Working positions of UTC epoch minutes (see `Calendar.position`)."""
    arrays = _arrays(calendar)
    local = np.asarray(instants, dtype=np.int64) + calendar._shift
    day = local // MINUTES_PER_DAY
    if day.size and (day.min() < 0 or day.max() >= len(arrays.cum) - 1):
        raise _span_error(calendar)
    minute = local - day * MINUTES_PER_DAY
    return arrays.cum[day] + arrays.before[arrays.day_row[day] * (MINUTES_PER_DAY + 1) + minute]


def moments_at(calendar: Calendar, targets: npt.ArrayLike) -> IntArray:
    """UTC epoch minutes of the earliest moments reaching working positions `targets` (>= 1)."""
    arrays = _arrays(calendar)
    targets = np.asarray(targets, dtype=np.int64)
    if targets.size and (targets.min() < 1 or targets.max() > arrays.cum[-1]):
        raise _span_error(calendar)
    day = np.searchsorted(arrays.cum, targets, side="left") - 1
    reached = targets - arrays.cum[day]
    minute = arrays.inverse[arrays.day_row[day] * arrays.inverse_width + reached]
    return day * MINUTES_PER_DAY + minute - calendar._shift


def due_minutes(calendar: Calendar, starts: npt.ArrayLike, amounts: npt.ArrayLike) -> IntArray:
    """Due moments (UTC epoch minutes) of working-minute budgets `amounts` from `starts` (UTC epoch
    minutes), hours convention: `Calendar.due(start, amount minutes)` element by element."""
    amounts = np.asarray(amounts, dtype=np.int64)
    if amounts.size and amounts.min() < 0:
        raise ValueError("time amounts must not be negative")
    zero = amounts == 0
    # A zero budget is due at the first working moment: one minute before the end of the first working
    # minute, which is where a budget of 1 would be due.
    return moments_at(calendar, positions(calendar, starts) + np.maximum(amounts, 1)) - zero


def working_minutes_between(calendar: Calendar, a: npt.ArrayLike, b: npt.ArrayLike) -> IntArray:
    """Working minutes from a to b (UTC epoch minutes), element by element."""
    return positions(calendar, b) - positions(calendar, a)


def add_working_days(calendar: Calendar, days: npt.ArrayLike, n: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """`Calendar.add_working_days` over arrays of `datetime64[D]` local dates and int offsets."""
    arrays = _arrays(calendar)
    origin = np.datetime64(calendar.span()[0], "D")
    index = (np.asarray(days, dtype="datetime64[D]") - origin).astype(np.int64)
    if index.size and (index.min() < 0 or index.max() >= len(arrays.rank) - 1):
        raise _span_error(calendar)
    rank = arrays.rank[index] + np.asarray(n, dtype=np.int64)
    if rank.size and (rank.min() < 0 or rank.max() >= len(arrays.working_days)):
        raise _span_error(calendar)
    return origin + arrays.working_days[rank].astype("timedelta64[D]")
