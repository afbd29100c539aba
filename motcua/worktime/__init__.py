"""Legal time: working calendars and deadline arithmetic (LEGAL.md §3).

The engine is pure (no Django import): `Calendar`, `Clock` and the batch form work without a database;
the DB-backed calendars (`motcua.worktime.selectors.calendar_for_unit`) build the same `Calendar`.
"""

from motcua.worktime.amounts import Convention, TimeUnit
from motcua.worktime.calendar import Calendar
from motcua.worktime.clock import Clock, ClockMode, ClockState
from motcua.worktime.dates import DateException, ExceptionCategory, ExceptionKind

__all__ = [
    "Calendar",
    "Clock",
    "ClockMode",
    "ClockState",
    "Convention",
    "DateException",
    "ExceptionCategory",
    "ExceptionKind",
    "TimeUnit",
]
