"""Background work of the slips: issuing them after the action's commit (retried on failure), and every
minute the slips whose task was lost (a worker killed while it ran)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from motcua.dossiers.models import DossierEvent, IntakeNote
from motcua.dossiers.slips.services import slip_issue_for_event, slip_issue_for_intake_note, slips_catch_up

RETRIES = 3
RETRY_DELAY_SECONDS = 30


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def slips_issue_for_event(event_id: int) -> int:
    """Issue the slips of one dossier event; idempotent (unique per (event, form))."""
    event = DossierEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None:
        return 0
    return len(slip_issue_for_event(event=event))


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def slips_issue_for_intake_note(note_id: int) -> int:
    note = IntakeNote.objects.filter(pk=note_id).first()
    if note is None:
        return 0
    return int(slip_issue_for_intake_note(note=note) is not None)


@db_periodic_task(crontab(minute="*"))
def slips_issue_missing() -> int:
    """At least once: the slips still missing a few minutes after their event (`services.slips_catch_up`)."""
    return slips_catch_up()
