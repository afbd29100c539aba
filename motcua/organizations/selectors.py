"""Reads on units and their agency codes. Unit names and codes are public information."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.organizations.agency_codes import normalize_agency_code
from motcua.organizations.models import AgencyCode, Unit, UnitQuerySet
from motcua.organizations.search_text import fold


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def unit_code_on(*, unit: Unit, day: datetime.date) -> str | None:
    """The agency code `unit` held on `day` (both ends of a validity are inclusive), or None."""
    return (
        AgencyCode.objects.filter(_valid_on(day), unit=unit)
        .order_by("-valid_from")
        .values_list("code", flat=True)
        .first()
    )


def agency_code_history(*, unit: Unit) -> QuerySet[AgencyCode]:
    """Every code the unit has held, oldest first, with the code that replaced each."""
    return AgencyCode.objects.filter(unit=unit).select_related("replaced_by").order_by("valid_from")


def units_subtree(*, unit: Unit) -> UnitQuerySet:
    """The unit and every unit below it, in tree order (a parent before its children)."""
    return Unit.objects.subtree_of(unit).order_by("path")


def unit_ancestors(*, unit: Unit, include_self: bool = False) -> UnitQuerySet:
    """The units above `unit`, root first."""
    ancestors = Unit.objects.ancestors_of(unit)
    return ancestors if include_self else ancestors.exclude(pk=unit.pk)


def unit_get_by_code(*, code: str, day: datetime.date | None = None) -> Unit:
    """The unit that held the agency `code` on `day`; without a day, the unit that holds it or last held it.

    A code may have passed from one unit to another after the 2025 re-issue; the day tells them apart.
    """
    codes = AgencyCode.objects.filter(code=normalize_agency_code(code))
    if day is not None:
        codes = codes.filter(_valid_on(day))
    found = codes.select_related("unit").order_by("-valid_from").first()
    if found is None:
        raise NotFound(_("No unit holds the agency code %(code)s.") % {"code": code}, code="unit_not_found")
    return found.unit


def unit_current_successor(*, unit: Unit) -> Unit:
    """The unit that carries on `unit`'s work today: the end of its `replaced_by` chain (itself if none)."""
    seen = {unit.pk}
    while unit.replaced_by_id is not None and unit.replaced_by_id not in seen:
        seen.add(unit.replaced_by_id)
        unit = Unit.objects.get(pk=unit.replaced_by_id)
    return unit


def with_current_code(units: QuerySet[Unit], *, day: datetime.date | None = None) -> QuerySet[Unit]:
    """`units` annotated with `current_code`, the code valid on `day` (today), in the same query."""
    day = day or timezone.localdate()
    current = (
        AgencyCode.objects.filter(_valid_on(day), unit=OuterRef("pk"))
        .order_by("-valid_from")
        .values("code")[:1]
    )
    return units.annotate(current_code=Subquery(current))


def units_list(
    *,
    parent: int | None = None,
    under: int | None = None,
    level: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> QuerySet[Unit]:
    """Units in tree order, filtered; `parent` gives direct children, `under` a whole subtree.

    `q` matches the name or short name without regard to case or diacritics, or an agency code exactly.
    """
    units = Unit.objects.all()
    if parent is not None:
        units = units.filter(parent_id=parent)
    if under is not None:
        root = Unit.objects.filter(pk=under).only("path").first()
        if root is None:
            return Unit.objects.none()
        units = units.subtree_of(root)
    if level:
        units = units.filter(level=level)
    if kind:
        units = units.filter(kind=kind)
    if active is not None:
        units = units.filter(is_active=active)
    if q and (q := q.strip()):
        by_code = Exists(AgencyCode.objects.filter(unit=OuterRef("pk"), code=normalize_agency_code(q)))
        units = units.filter(Q(search_text__contains=fold(q)) | by_code)
    return with_current_code(units).order_by("path")


def unit_get(*, unit_id: int) -> Unit:
    """One unit by id, with its current code, or a 404 problem."""
    unit = with_current_code(Unit.objects.filter(pk=unit_id)).first()
    if unit is None:
        raise NotFound(_("No unit has this identifier."), code="unit_not_found")
    return unit
