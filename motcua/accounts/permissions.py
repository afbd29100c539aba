"""Who may do what, in one module: roles granted on a unit cover its whole subtree.

`has_role` and `units_where` answer from the user's active grants, read once per user object (so once
per request: the request's user is loaded per request) and kept on it. The `rules` permissions registered
at the bottom are what views and services ask: `user.has_perm("accounts.grant_role", unit)`.

LEGAL.md §9 (Ninh Bình QĐ 163/2025): communes administer their own users; the province's administrators
cover every commune below it; a grant never reaches a sibling unit.
"""

import functools
import operator
from collections.abc import Iterable
from functools import reduce
from typing import Any

import rules
from django.db import connection
from django.db.models import Q, QuerySet

from motcua.accounts.models import STAFF_ROLES, Role, RoleGrant, User
from motcua.organizations.models import Unit, path_upper_bound

_CACHE_ATTRIBUTE = "_motcua_active_grants"
# Kinds of account that can hold staff roles (integrators are API clients of other systems).
GRANTABLE_KINDS = frozenset({User.Kind.STAFF, User.Kind.INTEGRATOR})
APPLICANT_KINDS = frozenset({User.Kind.CITIZEN, User.Kind.ORGANIZATION})


def _is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_superuser(user: Any) -> bool:
    return _is_active_user(user) and bool(user.is_superuser)


@functools.cache
def _grants_sql() -> str:
    grant, unit = RoleGrant._meta, Unit._meta
    role, path = grant.get_field("role").column, unit.get_field("path").column
    return (
        f"SELECT g.{role}, u.{path} FROM {grant.db_table} g "  # noqa: S608 (names from the metadata)
        f"JOIN {unit.db_table} u ON u.{unit.pk.column} = g.{grant.get_field('unit').column} "
        f"WHERE g.{grant.get_field('user').column} = %s AND g.{grant.get_field('revoked_at').column} IS NULL "
        f"ORDER BY u.{path}, g.{role}"
    )


def active_grants(user: Any) -> tuple[tuple[str, str], ...]:
    """(role, unit path) of the user's active grants; one query per user object, then cached on it.

    Plain SQL built once from the models' metadata: every staff request reads the grants, and through the
    ORM the query cost several times what the database takes to answer it."""
    if not _is_active_user(user):
        return ()
    cached: tuple[tuple[str, str], ...] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(), [user.pk])
            cached = tuple((role, path) for role, path in cursor.fetchall())
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_grants(*users: Any) -> None:
    """Drop the cached grants (after a grant or revocation changed them)."""
    for user in users:
        if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
            delattr(user, _CACHE_ATTRIBUTE)


def has_role(user: Any, role: str, unit: Unit | None = None) -> bool:
    """Whether `user` holds `role` on `unit` (a grant on an ancestor counts), or anywhere if unit is None.

    Active superusers hold every role everywhere. `citizen` is not granted: it is the kind of account.
    """
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    if role == Role.CITIZEN:
        return user.kind in APPLICANT_KINDS
    return any(
        granted_role == role and (unit is None or unit.path.startswith(path))
        for granted_role, path in active_grants(user)
    )


def granted_paths(user: Any, roles: Iterable[str]) -> list[str]:
    """The outermost unit paths on which `user` holds one of `roles` (all staff roles if empty)."""
    wanted = set(roles) or set(STAFF_ROLES)
    paths = sorted({path for role, path in active_grants(user) if role in wanted})
    outermost: list[str] = []
    for path in paths:  # sorted: an ancestor comes before its descendants
        if not outermost or not path.startswith(outermost[-1]):
            outermost.append(path)
    return outermost


def subtrees_q(paths: Iterable[str], prefix: str = "") -> Q:
    """A Q matching units (through `prefix`, e.g. "unit__") whose path lies in one of the subtrees."""
    ranges = [
        Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path_upper_bound(path)}) for path in paths
    ]
    return reduce(operator.or_, ranges) if ranges else Q(pk__in=[])


def units_where(user: Any, *roles: str) -> QuerySet[Unit]:
    """Every unit on which `user` may act with one of `roles` (any staff role if none given).

    The union of the granted subtrees, as one query of indexed range scans on `Unit.path`.
    """
    if is_superuser(user):
        return Unit.objects.all()
    paths = granted_paths(user, roles)
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(subtrees_q(paths))


def unit_ids_where(user: Any, *roles: str) -> list[int]:
    """The keys of `units_where(user, *roles)`, in path order, read with plain SQL (the work queues ask on
    every page; through the ORM the query cost several times its answer)."""
    unit = Unit._meta
    path = unit.get_field("path").column
    if is_superuser(user):
        where, params = "", []
    else:
        paths = granted_paths(user, roles)
        if not paths:
            return []
        where = "WHERE " + " OR ".join([f"({path} >= %s AND {path} < %s)"] * len(paths))
        params = [bound for granted in paths for bound in (granted, path_upper_bound(granted))]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {unit.pk.column} FROM {unit.db_table} {where} ORDER BY {path}", params)  # noqa: S608
        return [pk for (pk,) in cursor.fetchall()]


# --- predicates -------------------------------------------------------------------------------------------


@rules.predicate
def is_active_superuser(user: Any) -> bool:
    return is_superuser(user)


@rules.predicate
def is_administrator(user: Any) -> bool:
    """Holds `admin` somewhere: may open the staff-management pages."""
    return has_role(user, Role.ADMIN)


@rules.predicate
def administers_unit(user: Any, unit: Unit | None) -> bool:
    return unit is not None and has_role(user, Role.ADMIN, unit)


@rules.predicate
def administers_grant(user: Any, grant: RoleGrant | None) -> bool:
    return grant is not None and has_role(user, Role.ADMIN, grant.unit)


@rules.predicate
def manages_account(actor: Any, target: User | None) -> bool:
    """An administrator manages a staff or integrator account wholly inside their subtree.

    Every active grant of the target must lie in one of the actor's admin subtrees (a commune's
    administrator cannot deactivate a provincial officer who also works in the commune), and the target
    must hold at least one grant there (active or, for a former officer, revoked).
    """
    if target is None or not _is_active_user(actor) or target.is_superuser:
        return False
    if target.kind not in GRANTABLE_KINDS:
        return False
    paths = granted_paths(actor, [Role.ADMIN])
    if not paths:
        return False
    grants = list(target.grants.values_list("unit__path", "revoked_at"))
    inside = [any(path.startswith(admin_path) for admin_path in paths) for path, _revoked in grants]
    active_inside = [ok for ok, (_path, revoked) in zip(inside, grants, strict=True) if revoked is None]
    return any(inside) and all(active_inside)


@rules.predicate
def is_self(actor: Any, target: User | None) -> bool:
    return target is not None and _is_active_user(actor) and actor.pk == target.pk


rules.set_perm("accounts.manage_staff", is_active_superuser | is_administrator)
rules.set_perm("accounts.grant_role", is_active_superuser | administers_unit)
rules.set_perm("accounts.revoke_grant", is_active_superuser | administers_grant)
rules.set_perm("accounts.manage_user", is_active_superuser | manages_account)
rules.set_perm("accounts.manage_tokens_of", is_self | is_active_superuser | manages_account)
