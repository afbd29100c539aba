"""Dossier events: appended by the services, published through the outbox as `dossier.<kind>`.

The payload (`event_payload`) is what the KPI engine and the national-portal sync consume; its fields
are documented per kind in docs/EVENTS.md, under `schema_version` (bumped on any incompatible change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from motcua.core.audit import json_safe
from motcua.dossiers.models import EVENT_SCHEMA_VERSION, Dossier, DossierComponent, DossierEvent, DossierStep

OUTBOX_PREFIX = "dossier."


def record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor: Any,
    at: datetime,
    from_status: str,
    data: dict[str, Any],
) -> DossierEvent:
    """Append the next event of `dossier` (whose row the caller holds locked)."""
    last = DossierEvent.objects.filter(dossier=dossier).aggregate(last=Max("sequence"))["last"] or 0
    return DossierEvent.objects.create(
        dossier=dossier,
        sequence=last + 1,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=dossier.status,
        data=json_safe(_local_times(data)),
        schema_version=EVENT_SCHEMA_VERSION,
    )


def _local_times(value: Any) -> Any:
    """Datetimes in local time (Asia/Ho_Chi_Minh), so that events read as the slips do: ISO 8601 with
    the +07:00 offset."""
    if isinstance(value, datetime):
        return timezone.localtime(value)
    if isinstance(value, dict):
        return {key: _local_times(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_local_times(item) for item in value]
    return value


def event_payload(event: DossierEvent, dossier: Dossier) -> dict[str, Any]:
    """The event as the outbox carries it: the event, and the dossier's identity and state after it."""
    return {
        "schema_version": event.schema_version,
        "event": event.sequence,
        "kind": event.kind,
        "at": timezone.localtime(event.at).isoformat(),
        "actor": event.actor_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "dossier": {
            "public_id": str(dossier.public_id),
            "code": dossier.code,
            "procedure": dossier.procedure_id,
            "procedure_version": dossier.procedure_version_id,
            "channel": dossier.channel,
            "receiving_unit": dossier.receiving_unit_id,
            "competent_unit": dossier.competent_unit_id,
            "version": dossier.version,
        },
        "data": event.data,
    }


def components_data(components: list[DossierComponent]) -> list[dict[str, Any]]:
    """Components as events record them (provenance feeds QĐ 766 indicators 4.2–4.4)."""
    return [
        {
            "position": component.position,
            "name": component.name,
            "provenance": component.provenance,
            "required_document": component.required_document_id,
            "sha256": component.file.sha256 if component.file_id and component.file else None,
            "reused_from": component.source_component_id,
            "reference": component.reference,
        }
        for component in components
    ]


def step_data(step: DossierStep) -> dict[str, Any]:
    return {
        "sequence": step.sequence,
        "key": step.key,
        "name": step.name,
        "role": step.role,
        "unit": step.unit_id,
        "assignee": step.assignee_id,
        "started_at": step.started_at,
        "due_at": step.due_at,
        "finished_at": step.finished_at,
        "outcome": step.outcome,
        "timeliness": step.timeliness,
    }
