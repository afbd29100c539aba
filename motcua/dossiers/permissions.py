"""Who may see and act on a dossier (issue 5's state table, column "who")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from motcua.accounts.models import Role
from motcua.accounts.scoping import scope_by_units
from motcua.dossiers.models import Dossier, DossierQuerySet

# The staff roles that see dossiers of their units (DESIGN.md, The dossier).
DOSSIER_STAFF_ROLES = (Role.INTAKE_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)
DOSSIER_UNIT_FIELDS = ("receiving_unit", "competent_unit", "coordinating_units")


def visible_dossiers(queryset: DossierQuerySet, user: Any) -> DossierQuerySet:
    """See `DossierQuerySet.visible_to`."""
    staff = scope_by_units(
        queryset.exclude(Q(status=Dossier.Status.DRAFT) & Q(channel=Dossier.Channel.ONLINE)),
        user,
        unit_fields=DOSSIER_UNIT_FIELDS,
        roles=DOSSIER_STAFF_ROLES,
    )
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return staff
    return staff | queryset.filter(applicant_id=user.pk)
