"""Reads for the web shell: the signed-in person's units and roles."""

import datetime
from typing import Any

from django.db.models import Prefetch, Q

from motcua.accounts.models import RoleGrant
from motcua.organizations.models import AgencyCode, Unit


def _codes_valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def primary_unit(*, user: Any) -> Unit | None:
    """The unit shown beside the person's name: the highest unit of their active grants, or None."""
    if not (user is not None and user.is_authenticated):
        return None
    grant = (
        RoleGrant.objects.active()
        .filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__depth", "unit__path", "role")
        .first()
    )
    return grant.unit if grant else None


def workspace_grants(*, user: Any, day: datetime.date) -> list[RoleGrant]:
    """The person's active grants, highest unit first, each unit with `current_codes` valid on `day`."""
    codes = AgencyCode.objects.filter(_codes_valid_on(day)).order_by("valid_from")
    return list(
        RoleGrant.objects.active()
        .filter(user_id=user.pk)
        .select_related("unit")
        .prefetch_related(Prefetch("unit__codes", queryset=codes, to_attr="current_codes"))
        .order_by("unit__depth", "unit__path", "role")
    )
