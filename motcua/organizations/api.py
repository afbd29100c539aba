"""Units API: public reads (unit names and agency codes are public information)."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.organizations.models import AgencyCode, Unit
from motcua.organizations.selectors import agency_code_history, unit_ancestors, unit_get, units_list

router = Router(tags=["units"])

MAX_PAGE_SIZE = 200


class UnitsQuery(Schema):
    parent: int | None = Field(None, description="Only the direct sub-units of this unit id")
    under: int | None = Field(None, description="This unit and every unit below it")
    level: Unit.Level | None = None
    kind: Unit.Kind | None = None
    active: bool | None = None
    q: str | None = Field(
        None, max_length=100, description="Part of the name (diacritics optional), or an exact agency code"
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


class UnitOut(Schema):
    id: int
    external_key: str
    parent_id: int | None
    depth: int
    name: str
    short_name: str
    level: str
    level_label: str
    kind: str
    kind_label: str
    is_active: bool
    replaced_by_id: int | None
    current_code: str | None = Field(description="The agency e-ID code valid today")

    @staticmethod
    def resolve_level_label(unit: Unit) -> str:
        return str(unit.get_level_display())

    @staticmethod
    def resolve_kind_label(unit: Unit) -> str:
        return str(unit.get_kind_display())


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class AgencyCodeOut(Schema):
    code: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    replaced_by: str | None = Field(description="The code that replaced this one")

    @staticmethod
    def resolve_replaced_by(code: AgencyCode) -> str | None:
        return code.replaced_by.code if code.replaced_by else None


class UnitRef(Schema):
    id: int
    external_key: str
    name: str


class UnitDetailOut(UnitOut):
    codes: list[AgencyCodeOut] = Field(description="Every agency code the unit has held, oldest first")
    ancestors: list[UnitRef] = Field(description="The units above this one, root first")

    @staticmethod
    def resolve_codes(unit: Unit) -> list[AgencyCode]:
        return list(agency_code_history(unit=unit))

    @staticmethod
    def resolve_ancestors(unit: Unit) -> list[Unit]:
        return list(unit_ancestors(unit=unit))


@router.get("", response=UnitPage, auth=None, summary="List units")
def list_units(request: HttpRequest, query: Query[UnitsQuery]) -> dict[str, object]:
    """Units in tree order (a parent before its children), each with the agency code valid today."""
    units = units_list(
        parent=query.parent,
        under=query.under,
        level=query.level,
        kind=query.kind,
        active=query.active,
        q=query.q,
    )
    page = list(units[query.offset : query.offset + query.limit])
    return {"count": units.count(), "limit": query.limit, "offset": query.offset, "items": page}


@router.get("/{unit_id}", response=UnitDetailOut, auth=None, summary="One unit")
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    """A unit with its current agency code, its code history and the units above it."""
    return unit_get(unit_id=unit_id)
