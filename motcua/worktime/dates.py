"""Dated calendar exceptions: the editable part of a working calendar (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ExceptionKind(StrEnum):
    NON_WORKING = "non_working"  # a weekday nobody works: holiday, compensatory day, bridge day
    EXTRA_WORKING = "extra_working"  # a normally free day that is worked: swapped Saturday


class ExceptionCategory(StrEnum):
    HOLIDAY = "holiday"  # Labour Code 45/2019/QH14 art. 112
    COMPENSATORY = "compensatory"  # art. 111(3): holiday on the weekly rest day -> next working day off
    BRIDGE = "bridge"  # a day off swapped with a Saturday by the yearly CBCCVC notice
    SWAPPED_WORKDAY = "swapped_workday"  # the Saturday worked in exchange for a bridge day
    LOCAL = "local"  # decided by a unit for itself


@dataclass(frozen=True, slots=True)
class DateException:
    """One dated exception to the weekly pattern, with why it exists and on what legal basis."""

    day: date
    kind: ExceptionKind
    category: ExceptionCategory
    reason: str = ""
    legal_basis: str = ""
    # False when the basis is not yet confirmed (LEGAL.md tag [U]); an administrator should review it.
    basis_confirmed: bool = True

    @property
    def is_working(self) -> bool:
        return self.kind is ExceptionKind.EXTRA_WORKING
