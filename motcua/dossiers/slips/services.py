"""Issuing slips: one PDF per (event, form), stored with the dossier (`DossierSlip`, files through
`motcua.dossiers.storage.store_file`).

Slips are issued after the action commits, by a task the outbox consumer schedules (`consumer.py`); issuing
is idempotent on the event (`DossierSlip` is unique per (event, form)): a redelivered event issues nothing
twice. That task is queued once, when the outbox delivery commits: a worker killed while it runs loses it,
and the outbox event is already delivered (found by tests/faults/test_worker_killed.py). `slips_catch_up`,
run every minute, issues the slips still missing CATCH_UP_DELAY after their outbox event was written (within
CATCH_UP_WINDOW): each slip is issued at least once, and once in effect. `slip_render` renders a slip again
on demand (the same content gives the same stored file).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Exists, IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError, Conflict
from motcua.core.models import OutboxEvent
from motcua.dossiers.events import OUTBOX_PREFIX
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip, IntakeNote, StoredFile
from motcua.dossiers.slips import forms
from motcua.dossiers.storage import PDF, store_file

logger = logging.getLogger(__name__)

Form = DossierSlip.Form
Kind = DossierEvent.Kind

# The slips each event issues (TT 03/2025; LEGAL.md §1.3, §1.6–1.9). The process-control sheet (06) is
# issued when a received dossier ends; it can be rendered at any moment with `slip_render`.
FORMS_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.RECEIVED: (Form.RECEIPT,),
    Kind.SUPPLEMENT_REQUESTED_AT_INTAKE: (Form.SUPPLEMENT,),
    Kind.SUPPLEMENT_REQUESTED: (Form.SUPPLEMENT,),
    Kind.REFUSED_AT_INTAKE: (Form.REFUSAL,),
    Kind.APOLOGIZED: (Form.APOLOGY,),
    Kind.STOPPED: (Form.STOP, Form.CONTROL_SHEET),
    Kind.WITHDRAWN: (Form.STOP, Form.CONTROL_SHEET),
    Kind.REJECTED: (Form.CONTROL_SHEET,),
    Kind.RETURNED: (Form.CONTROL_SHEET,),
}
# The events a form records, for `slip_render` (the latest one is rendered again).
KINDS_BY_FORM: dict[str, tuple[str, ...]] = {
    Form.RECEIPT: (Kind.RECEIVED,),
    Form.SUPPLEMENT: (Kind.SUPPLEMENT_REQUESTED_AT_INTAKE, Kind.SUPPLEMENT_REQUESTED),
    Form.REFUSAL: (Kind.REFUSED_AT_INTAKE,),
    Form.APOLOGY: (Kind.APOLOGIZED,),
    Form.STOP: (Kind.STOPPED, Kind.WITHDRAWN),
}
# The outbox kinds that call for a slip: the dossier events above, and guidance without a dossier (Form 02).
# The partial index `core_outbox_slip_kinds_idx` (motcua.core.models.OutboxEvent) holds exactly these.
INTAKE_GUIDANCE = OUTBOX_PREFIX + "intake_guidance"
SLIP_EVENT_KINDS: tuple[str, ...] = tuple(OUTBOX_PREFIX + kind for kind in FORMS_BY_KIND)
SLIP_OUTBOX_KINDS: tuple[str, ...] = (*SLIP_EVENT_KINDS, INTAKE_GUIDANCE)
# The catch-up leaves an event to its own task (retried RETRIES times, 30 s apart) this long, and looks back
# this far (a worker down longer than that leaves slips to issue by hand: `slip_render`).
CATCH_UP_DELAY = timedelta(minutes=5)
CATCH_UP_WINDOW = timedelta(days=2)
CATCH_UP_BATCH = 200


def forms_for(event: DossierEvent, dossier: Dossier) -> tuple[str, ...]:
    """The forms `event` issues; the control sheet only for a dossier that was received."""
    return tuple(
        form
        for form in FORMS_BY_KIND.get(event.kind, ())
        if form != Form.CONTROL_SHEET or dossier.received_at is not None
    )


def slip_filename(slip: DossierSlip) -> str:
    """The download name: `mau-01-<dossier code>.pdf` (the public id before receipt)."""
    if slip.dossier_id is not None:
        dossier = slip.dossier
        assert dossier is not None
        key = dossier.code or str(dossier.public_id)
    else:
        key = f"huong-dan-{slip.intake_note_id}"
    return f"mau-{slip.form}-{key}.pdf"


def _store(content: bytes, *, form: str, key: str) -> StoredFile:
    return store_file(content=content, filename=f"mau-{form}-{key}.pdf", content_type=PDF)


def _load_dossier(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "receiving_unit__parent", "competent_unit__parent", "received_by"
    ).get(pk=pk)


@transaction.atomic
def slip_issue_for_event(*, event: DossierEvent) -> list[DossierSlip]:
    """Issue the slips `event` calls for that are not issued yet. Returns those issued now."""
    dossier = _load_dossier(event.dossier_id)
    issued = []
    for form in forms_for(event, dossier):
        if DossierSlip.objects.filter(event=event, form=form).exists():
            continue
        content = forms.render_for_event(dossier, event, form)
        stored = _store(content, form=form, key=dossier.code or str(dossier.public_id))
        try:
            with transaction.atomic():
                slip = DossierSlip.objects.create(dossier=dossier, event=event, form=form, file=stored)
        except IntegrityError:
            continue  # issued meanwhile by another worker (the unique (event, form) holds)
        issued.append(slip)
        logger.info(
            "dossier_slip_issued",
            extra={"dossier": str(dossier.public_id), "form": form, "event": event.sequence},
        )
    return issued


@transaction.atomic
def slip_issue_for_intake_note(*, note: IntakeNote) -> DossierSlip | None:
    """Issue Form 02 for guidance given without a dossier, once (the note's row is locked meanwhile)."""
    note = (
        IntakeNote.objects.select_for_update(of=("self",))
        .select_related("receiving_unit__parent", "procedure", "recorded_by")
        .get(pk=note.pk)
    )
    if DossierSlip.objects.filter(intake_note=note, form=Form.SUPPLEMENT).exists():
        return None
    stored = _store(forms.render_note(note), form=Form.SUPPLEMENT, key=f"huong-dan-{note.pk}")
    slip = DossierSlip.objects.create(intake_note=note, form=Form.SUPPLEMENT, file=stored)
    logger.info("intake_note_slip_issued", extra={"intake_note": note.pk})
    return slip


@transaction.atomic
def slip_render(*, dossier: Dossier, form: str, at: datetime | None = None) -> DossierSlip:
    """Render a slip of `dossier` again (on demand): forms 01–05 from the latest event they record (the
    stored slip of that event gets the new file), Form 06 as it stands now (a new slip each time).

    `dossier` must come from a scoped getter (`selectors.dossier_get`): this service does not check who asks.
    """
    if form not in Form.values or form == Form.TRACKING_BOOK:
        raise ApplicationError(
            _("Choose one of the forms 01 to 06; the tracking book (07) is printed per unit."),
            code="invalid_form",
            fields={"form": _("Choose one of the forms 01 to 06.")},
        )
    dossier = _load_dossier(dossier.pk)
    if form == Form.CONTROL_SHEET:
        if dossier.received_at is None:
            raise Conflict(
                _("The process-control sheet exists once the dossier has been received."),
                code="slip_not_available",
            )
        moment = at or timezone.now()
        stored = _store(forms.render_control_sheet_at(dossier, moment), form=form, key=dossier.code or "")
        return DossierSlip.objects.create(dossier=dossier, event=None, form=form, file=stored)
    event = (
        DossierEvent.objects.filter(dossier=dossier, kind__in=KINDS_BY_FORM[form])
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if event is None:
        raise Conflict(
            _("The dossier has no %(title)s: nothing in its history calls for this form.")
            % {"title": forms.form_title(form).lower()},
            code="slip_not_available",
        )
    stored = _store(
        forms.render_for_event(dossier, event, form), form=form, key=dossier.code or str(dossier.public_id)
    )
    slip, created = DossierSlip.objects.get_or_create(
        event=event, form=form, defaults={"dossier": dossier, "file": stored}
    )
    if not created and slip.file_id != stored.pk:
        slip.file = stored
        slip.save(update_fields=["file"])
    return slip


def slips_missing(*, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """The ids of the dossier events and of the intake notes whose slips are still missing CATCH_UP_DELAY
    after their outbox event was written (up to CATCH_UP_WINDOW back), CATCH_UP_BATCH of each at most.

    Driven by the outbox rows of the slip kinds in the window (partial index `core_outbox_slip_kinds_idx`),
    each joined to its dossier event by (dossier, sequence) and to its slips by the unique (event, form):
    the cost follows the events of the window, never the whole history. Slips are written in one
    transaction per event, so an event with any slip has all of them.
    """
    now = now or timezone.now()
    # Unordered: in order, the planner would sort the whole window (the index is per kind) before the limit.
    window = OutboxEvent.objects.filter(
        created_at__gte=now - CATCH_UP_WINDOW, created_at__lt=now - CATCH_UP_DELAY
    ).order_by()
    events = (
        window.filter(kind__in=SLIP_EVENT_KINDS)
        .annotate(
            dossier_pk=Cast("aggregate_id", BigIntegerField()),
            sequence=Cast(KT("payload__event"), IntegerField()),
        )
        .annotate(
            event_pk=Subquery(
                DossierEvent.objects.filter(dossier_id=OuterRef("dossier_pk"), sequence=OuterRef("sequence"))
                .order_by()
                .values("pk")[:1]
            )
        )
        .filter(event_pk__isnull=False)
        .exclude(Exists(DossierSlip.objects.filter(event_id=OuterRef("event_pk"))))
        .values_list("event_pk", flat=True)[:CATCH_UP_BATCH]
    )
    notes = (
        window.filter(kind=INTAKE_GUIDANCE)
        .annotate(note_pk=Cast("aggregate_id", BigIntegerField()))
        .filter(Exists(IntakeNote.objects.filter(pk=OuterRef("note_pk"))))
        .exclude(Exists(DossierSlip.objects.filter(intake_note_id=OuterRef("note_pk"), form=Form.SUPPLEMENT)))
        .values_list("note_pk", flat=True)[:CATCH_UP_BATCH]
    )
    return sorted(events), sorted(notes)


def slips_catch_up(*, now: datetime | None = None) -> int:
    """Issue the slips whose task was lost (`slips_missing`). Returns how many slips were issued now.

    Idempotent like the task it stands in for: a task still running meanwhile issues nothing twice. One
    event that fails to render is logged and left for the next run; the others are issued.
    """
    events, notes = slips_missing(now=now)
    issued = 0
    for event in DossierEvent.objects.select_related("actor").filter(pk__in=events).order_by("pk"):
        try:
            issued += len(slip_issue_for_event(event=event))
        except Exception as exc:  # noqa: BLE001 (one slip that cannot be rendered must not block the others)
            logger.warning(
                "dossier_slip_catch_up_failed", extra={"event_id": event.pk, "error": type(exc).__qualname__}
            )
    for note in IntakeNote.objects.filter(pk__in=notes).order_by("pk"):
        try:
            issued += slip_issue_for_intake_note(note=note) is not None
        except Exception as exc:  # noqa: BLE001
            logger.warning(
                "intake_note_slip_catch_up_failed",
                extra={"intake_note": note.pk, "error": type(exc).__qualname__},
            )
    if issued:
        logger.info("slips_caught_up", extra={"issued": issued, "events": len(events), "notes": len(notes)})
    return issued
