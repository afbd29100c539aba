"""Legal time API: the expected due moment of a time limit (public: a citizen sees the expected return
date before submitting)."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from motcua.core.errors import NotFound
from motcua.organizations.models import Unit
from motcua.worktime.selectors import due_for

router = Router(tags=["worktime"])


class DueQuery(Schema):
    start: datetime = Field(
        description="Start moment, ISO 8601 with UTC offset, e.g. 2026-03-02T08:00:00+07:00"
    )
    amount: str = Field(description="Amount of the unit: 8, 0.25 (fractions must come to whole minutes)")
    time_unit: Literal["working_hours", "working_days", "calendar_days", "months"]
    convention: Literal["hours", "civil"] = "hours"
    unit: int | None = Field(None, description="Competent unit id: its calendar; the national one if omitted")


class DueOut(Schema):
    due: datetime
    start: datetime
    amount: str
    time_unit: str
    convention: str
    unit: int | None


@router.get("/due", response=DueOut, auth=None, summary="Due moment of a time limit")
def due(request: HttpRequest, query: Query[DueQuery]) -> DueOut:
    """Due moment on the competent unit's working calendar (LEGAL.md §3): `hours` convention = start + N x
    8 working hours; `civil` = Civil Code art. 147-148 (end of the N-th working day after the start day)."""
    if query.unit is not None and not Unit.objects.filter(pk=query.unit).exists():
        raise NotFound(_("No unit has this id."), fields={"unit": _("Check the unit id.")})
    moment = due_for(
        start=query.start,
        amount=query.amount,
        time_unit=query.time_unit,
        convention=query.convention,
        unit=query.unit,
    )
    return DueOut(
        due=moment,
        start=query.start,
        amount=query.amount,
        time_unit=query.time_unit,
        convention=query.convention,
        unit=query.unit,
    )
