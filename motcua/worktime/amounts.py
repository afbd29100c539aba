"""Time-limit units, deadline conventions and the conversion of amounts to whole minutes (pure)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum


class TimeUnit(StrEnum):
    """Unit of a published time limit (the national field `DonViTinh`: hour / working day / day / month)."""

    WORKING_MINUTES = "working_minutes"  # internal budgets and exact arithmetic; not a published unit
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


class Convention(StrEnum):
    """How a working-day limit is counted (LEGAL.md §3.2, chosen per procedure)."""

    # Receipt moment + N x 8 working hours on the working calendar (what the receipt slip's hh:mm implies).
    HOURS = "hours"
    # Civil Code 2015 art. 147(2): the first day is not counted; art. 148: the period ends at 24:00 of
    # the last day.
    CIVIL = "civil"


MINUTE_UNITS = frozenset({TimeUnit.WORKING_MINUTES, TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS})
_PER_UNIT = {TimeUnit.WORKING_MINUTES: 1, TimeUnit.WORKING_HOURS: 60}


def parse_amount(amount: int | Decimal | str) -> Decimal:
    """Return `amount` as a finite, non-negative Decimal. Floats (and bools) are refused: a time limit
    such as 0.1 working day must be written exactly, never approximated by binary floating point."""
    if isinstance(amount, (bool, float)):
        raise TypeError("time amounts must be int, Decimal or str, not float")
    if isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, str):
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {amount!r}") from None
    else:
        raise TypeError(f"unsupported amount type: {type(amount).__name__}")
    if not value.is_finite():
        raise ValueError("time amounts must be finite")
    if value < 0:
        raise ValueError("time amounts must not be negative")
    return value


def whole(value: Decimal, what: str) -> int:
    """Return `value` as an int, refusing any fractional part."""
    if value != value.to_integral_value():
        raise ValueError(f"{what} must be a whole number, got {value}")
    return int(value)


def to_minutes(amount: int | Decimal | str, unit: TimeUnit | str, *, day_minutes: int) -> int:
    """Convert a working-time amount to whole working minutes.

    `working_days` always means N x the standard working-day length (8 h: QĐ 188/1999/QĐ-TTg art. 1,
    40 h over 5 days), whatever a given day's periods sum to. Internal processes split budgets such as
    "0.25 ngày làm việc" (LEGAL.md §3.1); a fraction that is not a whole number of minutes is refused.
    """
    unit = TimeUnit(unit)
    if unit not in MINUTE_UNITS:
        raise ValueError(f"{unit} is not a working-time unit")
    if type(amount) is int:  # fast path for the common case
        if amount < 0:
            raise ValueError("time amounts must not be negative")
        return amount * _PER_UNIT.get(unit, day_minutes)
    value = parse_amount(amount)
    per = _PER_UNIT.get(unit, day_minutes)
    return whole(value * per, "the amount in minutes")
