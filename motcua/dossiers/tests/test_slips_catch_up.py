"""Slips whose task was lost: the outbox delivery queues the slip task on its commit; a worker killed while
that task runs loses it, and the event is already delivered (found by tests/faults/test_worker_killed.py).
The periodic catch-up (`slips_catch_up`) issues them CATCH_UP_DELAY after the event, once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from motcua.core import models as core_models
from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent, DossierSlip
from motcua.dossiers.slips import services as slips
from motcua.dossiers.slips.services import (
    CATCH_UP_DELAY,
    CATCH_UP_WINDOW,
    SLIP_OUTBOX_KINDS,
    slips_catch_up,
    slips_missing,
)
from motcua.dossiers.slips.tasks import slips_issue_missing
from motcua.dossiers.tests.edges_helpers import slips_of
from motcua.dossiers.tests.helpers import World, at, counter_received

pytestmark = pytest.mark.django_db

WRITTEN = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def deliver_losing_the_tasks(django_capture_on_commit_callbacks: Any) -> list[str]:
    """Deliver every outbox event as the worker does, but drop what the delivery queues on its commit (the
    slip tasks die with the worker). All events are dated WRITTEN. Returns their kinds."""
    OutboxEvent.objects.update(created_at=WRITTEN)
    kinds = []
    for event in OutboxEvent.objects.order_by("created_at", "kind"):
        with django_capture_on_commit_callbacks(execute=False) as lost:
            assert outbox_deliver_event(event_id=event.pk) is True
        kinds.append(f"{event.kind} {len(lost)}")
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0
    return kinds


def event_pk(dossier: Any, kind: str) -> int:
    return int(DossierEvent.objects.get(dossier=dossier, kind=kind).pk)


def test_a_receipt_whose_task_was_lost_is_issued_once_after_the_delay(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    kinds = deliver_losing_the_tasks(django_capture_on_commit_callbacks)
    # The receipt's delivery queued its tasks on commit (the slip's among them): all lost.
    assert [kind for kind in kinds if kind.startswith("dossier.")] == [
        "dossier.created 0",
        "dossier.received 2",
        "dossier.submitted 0",
    ]
    assert slips_of(dossier) == []
    received = event_pk(dossier, "received")

    assert slips_missing(now=WRITTEN + CATCH_UP_DELAY) == ([], [])
    assert slips_missing(now=WRITTEN + CATCH_UP_DELAY + dt.timedelta(seconds=1)) == ([received], [])
    assert slips_catch_up(now=WRITTEN + CATCH_UP_DELAY + dt.timedelta(seconds=1)) == 1
    assert [(slip.form, slip.event_id) for slip in slips_of(dossier)] == [("01", received)]
    # Issued: nothing is missing any more, and a second run (or the lost task, had it survived) adds nothing.
    assert slips_missing(now=WRITTEN + CATCH_UP_WINDOW - dt.timedelta(seconds=1)) == ([], [])
    assert slips_catch_up(now=WRITTEN + CATCH_UP_DELAY * 2) == 0
    assert slips.slip_issue_for_event(event=DossierEvent.objects.get(pk=received)) == []
    assert [(slip.form, slip.event_id) for slip in slips_of(dossier)] == [("01", received)]


def test_every_form_of_an_event_and_the_guidance_note_are_caught_up(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    services.dossier_stop(
        dossier=dossier, actor=world.intake_a, reason="Người nộp đề nghị dừng", at=at(7, 10)
    )
    note = services.intake_guidance_record(
        actor=world.intake_a,
        receiving_unit=world.centre_a,
        procedure=procedure,
        applicant_name="Phạm Thị Dung",
        items=["Giấy chứng sinh bản chính"],
        at=at(7, 11),
    )
    deliver_losing_the_tasks(django_capture_on_commit_callbacks)
    later = WRITTEN + CATCH_UP_DELAY + dt.timedelta(minutes=1)
    received, stopped = event_pk(dossier, "received"), event_pk(dossier, "stopped")

    assert slips_missing(now=later) == ([received, stopped], [note.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert slips_catch_up(now=later) == 4

    assert [(slip.form, slip.event_id) for slip in slips_of(dossier)] == [
        ("01", received),
        ("05", stopped),
        ("06", stopped),
    ]
    assert list(DossierSlip.objects.filter(intake_note=note).values_list("form", "dossier", "event")) == [
        ("02", None, None)
    ]
    assert slips_catch_up(now=later) == 0
    assert DossierSlip.objects.count() == 4


def test_events_issued_in_time_or_outside_the_window_are_left_alone(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issued = counter_received(world, procedure, when=at(7, 9))
    lost = counter_received(world, procedure, when=at(7, 10))
    OutboxEvent.objects.update(created_at=WRITTEN)

    assert slips_of(issued)[0].form == "01"
    assert slips_missing(now=WRITTEN + CATCH_UP_DELAY + dt.timedelta(seconds=1)) == (
        [event_pk(lost, "received")],
        [],
    )
    # Older than the window: left to an officer (`slip_render`), never a scan of the whole history.
    assert slips_missing(now=WRITTEN + CATCH_UP_WINDOW + dt.timedelta(seconds=1)) == ([], [])
    assert slips_catch_up(now=WRITTEN + CATCH_UP_WINDOW + dt.timedelta(seconds=1)) == 0
    assert slips_of(lost) == []


def test_the_lookup_is_two_queries_whatever_the_number_of_events(
    world: World, procedure: Any, django_assert_num_queries: Any
) -> None:
    dossiers = [counter_received(world, procedure, when=at(7, 9 + n)) for n in range(3)]
    OutboxEvent.objects.update(created_at=WRITTEN)

    with django_assert_num_queries(2):
        missing = slips_missing(now=WRITTEN + CATCH_UP_DELAY + dt.timedelta(seconds=1))

    assert missing == ([event_pk(dossier, "received") for dossier in dossiers], [])


def test_an_event_that_fails_to_render_is_logged_and_the_others_are_issued(
    world: World, procedure: Any, monkeypatch: Any, caplog: Any
) -> None:
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 10))
    OutboxEvent.objects.update(created_at=WRITTEN)
    real = slips.forms.render_for_event

    def render(dossier: Any, event: Any, form: str) -> bytes:
        if dossier.pk == first.pk:
            raise RuntimeError("font missing")
        return real(dossier, event, form)

    monkeypatch.setattr(slips.forms, "render_for_event", render)
    with caplog.at_level(logging.WARNING, logger="motcua.dossiers.slips.services"):
        assert slips_catch_up(now=WRITTEN + CATCH_UP_DELAY * 2) == 1

    assert (slips_of(first), [slip.form for slip in slips_of(second)]) == ([], ["01"])
    assert [(r.message, r.event_id, r.error) for r in caplog.records if r.levelno >= logging.WARNING] == [
        ("dossier_slip_catch_up_failed", event_pk(first, "received"), "RuntimeError")
    ]


def test_the_periodic_task_runs_the_catch_up(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    OutboxEvent.objects.update(created_at=dt.datetime.now(dt.UTC) - CATCH_UP_DELAY * 2)

    assert slips_issue_missing.call_local() == 1
    assert [slip.form for slip in slips_of(dossier)] == ["01"]


def test_the_partial_index_holds_exactly_the_kinds_that_call_for_a_slip() -> None:
    (index,) = [i for i in OutboxEvent._meta.indexes if i.name == "core_outbox_slip_kinds_idx"]

    assert SLIP_OUTBOX_KINDS == core_models.SLIP_OUTBOX_KINDS
    assert index.condition == core_models.models.Q(kind__in=SLIP_OUTBOX_KINDS)
