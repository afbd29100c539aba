"""Who sees the index of which unit (DESIGN.md "Who uses it": supervisors and leaders watch the 766 index).

- The index, the ranking and the trend (sums, no personal data): supervisors, leaders and administrators
  of the unit or of an ancestor (a grant covers its subtree), and superusers.
- The lists of dossiers behind a number and the forecast (names of applicants, ND 13/2023): supervisors
  and leaders only, who see those dossiers anyway (`Dossier.objects.visible_to`: the competent unit lies
  in their subtree), and superusers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role, units_where
from motcua.core.errors import NotFound, PermissionDenied
from motcua.organizations.models import Unit

# The main navigation's entry ("Chỉ số 766"), for those who may open the dashboard.
NAVIGATION_LABEL = gettext_lazy("Index 766")
INDEX_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
DOSSIER_LIST_ROLES = (Role.SUPERVISOR, Role.LEADER)


def may_view_index(user: Any, unit: Unit) -> bool:
    return any(has_role(user, role, unit) for role in INDEX_ROLES)


def may_list_dossiers(user: Any, unit: Unit) -> bool:
    return any(has_role(user, role, unit) for role in DOSSIER_LIST_ROLES)


def may_open_dashboard(user: Any) -> bool:
    """Holds a role that sees some unit's index (the navigation entry and the dashboard's door)."""
    return any(has_role(user, role) for role in INDEX_ROLES)


def index_units(user: Any) -> QuerySet[Unit]:
    """Every unit whose index `user` may see."""
    return units_where(user, *INDEX_ROLES)


def home_unit(user: Any) -> Unit | None:
    """The unit the dashboard opens on: the highest one the user watches."""
    return index_units(user).order_by("depth", "path").first()


def unit_for_index(*, user: Any, unit_id: Any, dossiers: bool = False) -> Unit:
    """The unit asked for, if `user` may see its index (or its dossiers); NotFound / PermissionDenied."""
    try:
        unit = Unit.objects.get(pk=int(unit_id))
    except (TypeError, ValueError, Unit.DoesNotExist):
        raise NotFound(
            _("There is no such unit."), code="unit_not_found", fields={"unit": _("Unknown unit.")}
        ) from None
    allowed = may_list_dossiers(user, unit) if dossiers else may_view_index(user, unit)
    if not allowed:
        message = (
            _("Only the unit's supervisors and leaders can see the dossiers behind its figures.")
            if dossiers
            else _("Only the unit's supervisors, leaders and administrators can see its service index.")
        )
        raise PermissionDenied(message)
    return unit
