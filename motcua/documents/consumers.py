"""Outbox consumers of the documents app: an approved dossier's prepared result is signed and issued.

Registered in `DocumentsConfig.ready()`; idempotent on the event (a draft is signed once).
"""

from __future__ import annotations

import datetime as dt
import logging

from motcua.accounts.models import User
from motcua.core.errors import ApplicationError
from motcua.core.models import OutboxEvent
from motcua.documents.models import ResultDraft
from motcua.documents.services import result_draft_issue

logger = logging.getLogger(__name__)


def on_dossier_approved(event: OutboxEvent) -> None:
    """`dossier.approved`: sign the prepared result with the approver as the actor."""
    if event.kind != "dossier.approved":
        return
    payload = event.payload
    draft = (
        ResultDraft.objects.filter(dossier__public_id=payload["dossier"]["public_id"], signed__isnull=True)
        .select_related("dossier")
        .first()
    )
    actor = User.objects.filter(pk=payload.get("actor")).first()
    if draft is None or actor is None:
        return
    try:
        result_draft_issue(draft=draft, actor=actor, at=dt.datetime.fromisoformat(payload["at"]))
    except ApplicationError as error:
        # The approver can issue it by hand once the cause is fixed (a certificate to configure).
        logger.warning("documents_result_not_signed", extra={"event": str(event.id), "code": error.code})
