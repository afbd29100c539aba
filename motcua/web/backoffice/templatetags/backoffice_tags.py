"""Filters of the staff pages: working time in words, urgency classes, field errors by name."""

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.models import Role
from motcua.dossiers.models import Dossier

register = template.Library()


@register.filter
def working_time(minutes: Any) -> str:
    """Working minutes as hours and minutes ("3 giờ 15 phút"), never negative."""
    if minutes is None:
        return ""
    total = abs(int(minutes))
    hours, rest = divmod(total, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


@register.filter
def urgency_class(urgency: Any) -> str:
    """The colour of a due moment: late, at risk, paused or on time."""
    if urgency is None or urgency.due_at is None:
        return "urgency-none"
    if urgency.late:
        return "urgency-late"
    if urgency.at_risk:
        return "urgency-risk"
    if urgency.paused:
        return "urgency-paused"
    return "urgency-ok"


@register.filter
def urgency_label(urgency: Any) -> str:
    if urgency is None or urgency.due_at is None:
        return _("No time limit yet")
    left = working_time(urgency.left_minutes)
    if urgency.late:
        return _("Late by %(time)s") % {"time": left}
    if urgency.paused:
        return _("Paused, %(time)s left") % {"time": left}
    if urgency.at_risk:
        return _("At risk, %(time)s left") % {"time": left}
    return _("On time, %(time)s left") % {"time": left}


@register.filter
def error_for(errors: Any, name: str) -> str:
    return str(errors.get(name, "")) if errors else ""


@register.filter
def value_of(values: Any, name: str) -> str:
    return str(values.get(name, "")) if values else ""


@register.filter
def values_of(values: Any, name: str) -> list[str]:
    return list(values.getlist(name)) if values is not None and hasattr(values, "getlist") else []


@register.filter
def status_label(status: str) -> str:
    return str(Dossier.Status(status).label) if status in Dossier.Status.values else status


@register.filter
def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key, []) if mapping else []
