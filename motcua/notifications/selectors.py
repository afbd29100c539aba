"""Reads of alerts, scoped to the officer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from motcua.accounts.models import Role
from motcua.accounts.permissions import units_where
from motcua.notifications.models import Alert

# Who sees which alert: the receipt limit is the intake officers' (and supervisors'); a dossier at risk or
# late is the processing staff's (and supervisors').
ALERT_ROLES: dict[str, tuple[str, ...]] = {
    Alert.Kind.RECEIPT_LIMIT: (Role.INTAKE_OFFICER, Role.SUPERVISOR),
    Alert.Kind.AT_RISK: (Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR),
    Alert.Kind.LATE: (Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR),
}


def alerts_for(*, user: Any, include_resolved: bool = False) -> QuerySet[Alert]:
    """The alerts on units in the subtrees where `user` holds a role that sees their kind, the most
    urgent first (open ones only unless `include_resolved`). Anonymous users and applicants see none."""
    condition = Q(pk__in=[])
    for kind, roles in ALERT_ROLES.items():
        condition |= Q(kind=kind, unit__in=units_where(user, *roles).values("pk"))
    alerts = Alert.objects.filter(condition)
    if not include_resolved:
        alerts = alerts.filter(resolved_at__isnull=True)
    return alerts.select_related("dossier", "dossier__procedure", "unit").order_by("due_at", "id")
