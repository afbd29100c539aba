"""The outbox consumer of the slips: `dossier.*` events that call for a slip schedule its issue.

Registered when the dossiers app is ready. The consumer runs inside the outbox delivery's transaction;
the task is queued when that transaction commits and issues the slips in its own (idempotent on the
event: `DossierSlip` is unique per (event, form), so a redelivered event issues nothing twice). A task lost
with a killed worker is stood in for by the periodic catch-up (`services.slips_catch_up`).
"""

from __future__ import annotations

from django.db import transaction

from motcua.core.models import OutboxEvent
from motcua.core.outbox import register_consumer
from motcua.dossiers.events import OUTBOX_PREFIX
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.slips.services import FORMS_BY_KIND, INTAKE_GUIDANCE
from motcua.dossiers.slips.tasks import slips_issue_for_event, slips_issue_for_intake_note


def on_dossier_event(event: OutboxEvent) -> None:
    """Schedule the slips of one outbox event (forms by kind: `services.FORMS_BY_KIND`)."""
    payload = event.payload
    if event.kind == INTAKE_GUIDANCE:
        note_id = int(payload["intake_note"])
        transaction.on_commit(lambda: slips_issue_for_intake_note(note_id))
        return
    kind = event.kind.removeprefix(OUTBOX_PREFIX)
    if kind not in FORMS_BY_KIND:
        return
    event_id = (
        DossierEvent.objects.filter(
            dossier__public_id=payload["dossier"]["public_id"], sequence=payload["event"]
        )
        .values_list("pk", flat=True)
        .first()
    )
    if event_id is not None:
        transaction.on_commit(lambda: slips_issue_for_event(event_id))


register_consumer(OUTBOX_PREFIX, on_dossier_event)
