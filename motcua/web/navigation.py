"""The main navigation: one declarative list; each entry says who sees it.

A page joins the navigation by adding a `NavItem` here: its URL name, the predicate on the signed-in
person (the same check the page makes) and, if the page needs one, the query string that opens it on the
person's own unit. Predicates ask `motcua.accounts.permissions`, the one place that knows roles and units.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role, is_superuser, units_where
from motcua.catalog.views import NAVIGATION_EDITOR, NAVIGATION_PUBLIC, may_edit_catalogue, shown_to_everyone
from motcua.kpi.permissions import NAVIGATION_LABEL as NAVIGATION_KPI
from motcua.kpi.permissions import may_open_dashboard
from motcua.web.permissions import can_open_workspace


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    shown_to: Callable[[Any], bool]
    query: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def _not_staff(user: Any) -> bool:
    # Staff land on their workspace; the public home page is for everyone else.
    return not can_open_workspace(user)


def _applicant(user: Any) -> bool:
    return bool(user.is_authenticated) and not can_open_workspace(user)


def _administrator(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def _integrator_or_admin(user: Any) -> bool:
    return has_role(user, Role.INTEGRATOR) or has_role(user, Role.ADMIN)


def _admin_site_user(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def _staff_manager(user: Any) -> bool:
    # The permission the staff pages themselves check (motcua/accounts/permissions.py).
    return bool(user.has_perm("accounts.manage_staff"))


def _calendar_query(user: Any) -> str:
    """The calendar page (motcua/worktime/views.py) edits a unit's calendar for the unit's administrators
    and the national calendar for the administrators of a root unit: open it where the person may edit."""
    if is_superuser(user):
        return ""
    highest = units_where(user, Role.ADMIN).order_by("depth", "path").first()
    if highest is None or highest.parent_id is None:
        return ""
    return f"?unit={highest.pk}"


MAIN_NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Home"), "web:home", _not_staff),
    NavItem(_("My dossiers"), "portal:my_dossiers", _applicant),
    NavItem(_("My workspace"), "web:staff_home", can_open_workspace),
    NavItem(_("Dossiers"), "backoffice:dashboard", can_open_workspace),
    NavItem(NAVIGATION_PUBLIC, "catalog:list", shown_to_everyone),
    NavItem(_("Look up a dossier"), "public_lookup", _not_staff),
    NavItem(NAVIGATION_EDITOR, "catalog:editor_home", may_edit_catalogue),
    NavItem(NAVIGATION_KPI, "kpi:dashboard", may_open_dashboard),
    NavItem(_("Staff and roles"), "accounts:staff", _staff_manager),
    NavItem(_("Working calendar"), "worktime:calendar", _administrator, _calendar_query),
    NavItem(_("API documentation"), "api:openapi-view", _integrator_or_admin),
    NavItem(pgettext_lazy("navigation", "Site administration"), "admin:index", _admin_site_user),
)


def _is_current(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def navigation_for(user: Any, path: str) -> list[NavLink]:
    """The entries `user` may see, in order, the one for `path` marked current."""
    links = []
    for item in MAIN_NAVIGATION:
        if item.shown_to(user):
            url = reverse(item.url_name)
            query = item.query(user) if item.query else ""
            links.append(NavLink(label=str(item.label), url=url + query, current=_is_current(url, path)))
    return links
