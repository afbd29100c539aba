"""The dossier clock: a time limit on a calendar, with pauses for supplement requests (pure).

LEGAL.md §1.6: the QĐ 766 scoring subtracts the applicant's supplement time
(`elapsed = end - start - (supplement_completed_at - supplement_requested_at)`), i.e. the clock pauses;
some sector regulations instead restart the whole time limit from receipt of the completed dossier.
Both are offered (`mode="pause"` / `mode="restart"`), chosen per procedure.

All arithmetic is in working positions (see `motcua.worktime.calendar`), so a pause costs exactly its
working minutes: a pause over a weekend or a night moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from motcua.worktime.amounts import MINUTE_UNITS, Convention, TimeUnit
from motcua.worktime.calendar import Calendar


class ClockMode(StrEnum):
    PAUSE = "pause"
    RESTART = "restart"


@dataclass(frozen=True, slots=True)
class ClockState:
    """The clock seen at one instant. While a pause is open, `used_minutes`, `left_minutes` and
    `late_by_minutes` are frozen and `due` is provisional: the due moment if the pause ended now."""

    due: datetime
    used_minutes: int
    left_minutes: int
    late_by_minutes: int
    paused: bool


Pause = tuple[datetime, datetime | None]


class Clock:
    """A time limit running on `calendar` from `start`, paused (or restarted) by `pauses`.

    `pauses` are (begin, end) pairs in order, not overlapping, none before `start`; only the last may be
    open (end None). A closed pause moves the due moment by its working minutes; an open pause freezes
    the used and left minutes; in restart mode the whole budget restarts when the last pause ends.
    For day-based limits (civil convention, calendar days, months) a moved due moment is rounded to the
    end of its day, as Civil Code 2015 art. 148 ends such periods at 24:00.
    """

    __slots__ = (
        "_base_due",
        "_budget",
        "_day_based",
        "_p0",
        "_pauses",
        "amount",
        "calendar",
        "convention",
        "mode",
        "start",
        "unit",
    )

    def __init__(  # noqa: PLR0917 (the positional signature is the one issue 3 publishes)
        self,
        calendar: Calendar,
        start: datetime,
        amount: int | Decimal | str,
        unit: TimeUnit | str = TimeUnit.WORKING_HOURS,
        convention: Convention | str = Convention.HOURS,
        pauses: Iterable[Pause] = (),
        mode: ClockMode | str = ClockMode.PAUSE,
    ) -> None:
        self.calendar, self.start, self.amount = calendar, start, amount
        self.unit, self.convention, self.mode = TimeUnit(unit), Convention(convention), ClockMode(mode)
        self._day_based = self.unit not in MINUTE_UNITS or (
            self.unit is TimeUnit.WORKING_DAYS and self.convention is Convention.CIVIL
        )
        self._base_due = calendar.due(start, amount, self.unit, self.convention)
        self._p0 = calendar.position(start)
        self._budget = calendar.position(self._base_due) - self._p0
        self._pauses = self._checked(pauses)

    def _checked(self, pauses: Iterable[Pause]) -> list[tuple[datetime, datetime | None, int, int | None]]:
        result: list[tuple[datetime, datetime | None, int, int | None]] = []
        previous_end: datetime | None = self.start
        for begin, end in pauses:
            if previous_end is None:
                raise ValueError("only the last pause may be open")
            if begin.utcoffset() is None or (end is not None and end.utcoffset() is None):
                raise ValueError("instants must be timezone-aware")
            if begin < previous_end:
                raise ValueError("pauses must be in order, must not overlap and must not begin before start")
            if end is not None and end < begin:
                raise ValueError("a pause must not end before it begins")
            result.append(
                (
                    begin,
                    end,
                    self.calendar.position(begin),
                    None if end is None else self.calendar.position(end),
                )
            )
            previous_end = end
        return result

    def _due_from(self, origin: datetime) -> datetime:
        return self.calendar.due(origin, self.amount, self.unit, self.convention)

    def at(self, instant: datetime) -> ClockState:
        """The state of the clock at `instant` (pauses beginning after `instant` are not yet known)."""
        if self.mode is ClockMode.RESTART:
            return self._at_restart(instant)
        position = self.calendar.position(instant)
        elapsed = max(0, position - self._p0)
        paused = False
        spans: list[tuple[int, int]] = []
        for begin, end, p_begin, p_end in self._pauses:
            if begin > instant:
                break
            is_open = end is None or end > instant
            paused = paused or is_open
            spans.append((p_begin, position if is_open or p_end is None else p_end))
        paused_minutes = sum(max(0, min(position, e) - max(self._p0, b)) for b, e in spans)
        used = elapsed - paused_minutes
        # Walk the budget through the pauses: a pause beginning after the budget is spent changes nothing.
        cursor, remaining = self._p0, self._budget
        for b, e in spans:
            if cursor + remaining <= b:
                break
            remaining -= max(0, b - cursor)
            cursor = max(cursor, e)
        due_position = cursor + remaining
        if due_position == self._p0 + self._budget:
            due = self._base_due
        else:
            due = self.calendar.moment_at(due_position)
            if self._day_based:
                due = self.calendar.end_of_day(due)
        budget = self._budget + (self.calendar.position(due) - due_position)
        return ClockState(due, used, max(0, budget - used), max(0, used - budget), paused)

    def _at_restart(self, instant: datetime) -> ClockState:
        origin, open_begin = self.start, None
        for begin, end, _, _ in self._pauses:
            if begin > instant:
                break
            if end is None or end > instant:
                open_begin = begin
            else:
                origin = end  # the whole budget restarts when a pause ends
        segment_due = self._due_from(origin) if origin is not self.start else self._base_due
        budget = self.calendar.position(segment_due) - self.calendar.position(origin)
        frozen_at = instant if open_begin is None else open_begin
        used = max(0, self.calendar.position(frozen_at) - self.calendar.position(origin))
        due = segment_due if open_begin is None else self._due_from(max(instant, open_begin))
        return ClockState(due, used, max(0, budget - used), max(0, used - budget), open_begin is not None)
