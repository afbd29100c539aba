"""Querysets scoped to the user: the pattern every domain app reuses for `Model.objects.visible_to(user)`.

    class DossierQuerySet(models.QuerySet["Dossier"]):
        def visible_to(self, user):
            return scope_by_units(
                self, user,
                unit_fields=("receiving_unit", "competent_unit", "coordinating_units"),
                roles=(Role.INTAKE_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR),
                owner_fields=("applicant",),
            )

A row is visible when one of its unit fields points into a subtree where the user holds one of `roles`,
or when one of its owner fields is the user. Superusers see every row; anonymous and deactivated users
see none. Many-valued paths (many-to-many, reverse foreign keys) go through a subquery, so a row never
comes back twice.
"""

import operator
from collections.abc import Iterable
from functools import reduce
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from motcua.accounts.models import Role, RoleGrant
from motcua.accounts.permissions import granted_paths, is_superuser, subtrees_q
from motcua.organizations.models import Unit

QS = TypeVar("QS", bound=QuerySet[Any])


def _is_multivalued(model: type[models.Model], path: str) -> bool:
    """Whether following `path` ("dossier__coordinating_units") from `model` can fan out to many rows."""
    current: Any = model
    for name in path.split("__"):
        field = current._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
    return False


def _matching(queryset: QuerySet[Any], path: str, value: Any) -> Q:
    """Q for `path__in=value` (or `path=value`), through a subquery when the path is many-valued."""
    lookup = f"{path}__in" if isinstance(value, QuerySet) else path
    if _is_multivalued(queryset.model, path):
        return Q(pk__in=queryset.model._base_manager.filter(**{lookup: value}).values("pk"))
    return Q(**{lookup: value})


def scope_by_units(
    queryset: QS,
    user: Any,
    *,
    unit_fields: Iterable[str],
    roles: Iterable[str] = (),
    owner_fields: Iterable[str] = (),
) -> QS:
    """The rows of `queryset` that `user` may see (see the module docstring).

    `roles` empty means any staff role. `unit_fields` are paths to a `Unit` foreign key or many-to-many.
    """
    if is_superuser(user):
        return queryset
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    conditions: list[Q] = []
    paths = granted_paths(user, roles)
    if paths:
        allowed_units = Unit.objects.filter(subtrees_q(paths)).values("pk")
        conditions += [_matching(queryset, field, allowed_units) for field in unit_fields]
    conditions += [_matching(queryset, field, user.pk) for field in owner_fields]
    if not conditions:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, conditions))


def users_visible_to(queryset: QS, user: Any) -> QS:
    """Accounts `user` may see: themselves; for administrators, every account with a grant (active or
    revoked, so that former officers stay listed) inside their admin subtrees; for superusers, all."""
    if is_superuser(user):
        return queryset
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = Q(pk=user.pk)
    admin_paths = granted_paths(user, [Role.ADMIN])
    if admin_paths:
        granted_inside = RoleGrant.objects.filter(subtrees_q(admin_paths, prefix="unit__")).values("user_id")
        condition |= Q(pk__in=granted_inside)
    return queryset.filter(condition)
