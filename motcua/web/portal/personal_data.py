"""Everything motcua holds about the signed-in person, as one JSON document (ND 13/2023 art. 9 and 14: the
data subject may know and obtain their personal data and who processed it).

It gathers the account, the dossiers where the person is the applicant (also those received at a counter
under their personal ID number or tax code, before or without an account), their components and events, the
documents of their data store, the messages sent to them, and the civil servants' readings of their dossiers
(the audit records `view_personal_data`). Files are listed by name and SHA-256, not embedded.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from motcua.core.audit import json_safe
from motcua.core.models import AuditRecord
from motcua.documents.models import DataStoreItem
from motcua.dossiers.models import Dossier
from motcua.notifications.models import Notification

FORMAT_VERSION = 1
ACCOUNT_FIELDS = (
    "username",
    "kind",
    "full_name",
    "personal_id",
    "tax_code",
    "representative",
    "email",
    "email_verified_at",
    "phone",
    "address",
    "date_joined",
    "last_login",
)
DOSSIER_FIELDS = (
    "code",
    "status",
    "channel",
    "applicant_kind",
    "applicant_name",
    "applicant_identifier",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "form_data",
    "fees_due_vnd",
    "return_method",
    "submitted_at",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "stopped_at",
)


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: json_safe(getattr(obj, name, None)) for name in names}


def _dossiers_of(user: Any) -> Any:
    mine = Q(applicant_id=user.pk)
    for identifier in (user.personal_id, user.tax_code):
        if identifier:
            mine |= Q(applicant_identifier=identifier)
    return (
        Dossier.objects.filter(mine)
        .select_related("procedure", "receiving_unit", "competent_unit")
        .prefetch_related("components__file", "events")
        .order_by("pk")
    )


def personal_data_export(*, user: Any) -> dict[str, Any]:
    """The document `user` downloads from "Hồ sơ của tôi"."""
    dossiers = list(_dossiers_of(user))
    dossier_type = ContentType.objects.get_for_model(Dossier)
    readings = AuditRecord.objects.filter(
        object_type=dossier_type,
        object_id__in=[str(d.pk) for d in dossiers],
        action="view_personal_data",
    ).order_by("occurred_at", "pk")
    code_of = {str(d.pk): d.code or str(d.public_id) for d in dossiers}
    stores = Q(store__account=user)
    for identifier in (user.personal_id, user.tax_code):
        if identifier:
            stores |= Q(store__identifier=identifier)
    items = DataStoreItem.objects.filter(stores).select_related("file").order_by("pk")
    notifications = Notification.objects.filter(dossier__in=dossiers).order_by("pk")
    return {
        "format": f"motcua-personal-data/{FORMAT_VERSION}",
        "exported_at": json_safe(timezone.now()),
        "account": _fields(user, ACCOUNT_FIELDS),
        "dossiers": [
            {
                "id": str(dossier.public_id),
                **_fields(dossier, DOSSIER_FIELDS),
                "procedure": dossier.procedure.code,
                "receiving_unit": dossier.receiving_unit.name,
                "competent_unit": dossier.competent_unit.name if dossier.competent_unit else None,
                "components": [
                    {
                        "name": component.name,
                        "provenance": component.provenance,
                        "filename": component.filename,
                        "sha256": component.file.sha256 if component.file else None,
                    }
                    for component in sorted(dossier.components.all(), key=lambda c: c.position)
                ],
                "events": [
                    {"kind": event.kind, "at": json_safe(event.at)}
                    for event in sorted(dossier.events.all(), key=lambda e: e.sequence)
                ],
            }
            for dossier in dossiers
        ],
        "data_store": [
            {
                "id": str(item.public_id),
                "title": item.title,
                "type": item.document_type_code,
                "number": item.number,
                "origin": item.origin,
                "valid_until": json_safe(item.valid_until),
                "sha256": item.file.sha256,
            }
            for item in items
        ],
        "messages": [
            {
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "text": message.body,
                "status": message.status,
                "sent_at": json_safe(message.sent_at),
            }
            for message in notifications
        ],
        "read_by_staff": [
            {
                "dossier": code_of.get(record.object_id),
                "by": record.actor_label,
                "at": json_safe(record.occurred_at),
            }
            for record in readings
        ],
    }
