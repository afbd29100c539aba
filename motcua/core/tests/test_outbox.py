"""The outbox: an event exists only if its transaction commits, and reaches its consumers at least once."""

import datetime
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.core.outbox import (
    outbox_deliver_event,
    outbox_emit,
    outbox_redeliver_due,
    register_consumer,
    unregister_consumer,
)
from motcua.core.tasks import outbox_deliver, outbox_redeliver

NOW = datetime.datetime(2026, 11, 22, 3, 0, tzinfo=datetime.UTC)


class Recorder:
    """A consumer that remembers the events it saw and fails its first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.seen: list[tuple[str, str, dict]] = []
        self.failures = failures

    def __call__(self, event: OutboxEvent) -> None:
        self.seen.append((str(event.id), event.kind, event.payload))
        # A consumer's own write: it must commit with the delivery mark, or roll back with a failure.
        Group.objects.create(name=f"seen {event.id} by {id(self)} #{len(self.seen)}")
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the mail server is down")


@pytest.fixture
def consumers() -> Iterator[list[tuple[str, Recorder]]]:
    """Registers consumers for the test only; the registry is left as it was."""
    registered: list[tuple[str, Recorder]] = []
    original = list(outbox._consumers)
    yield registered
    outbox._consumers[:] = original


def register(registered: list[tuple[str, Recorder]], prefix: str, consumer: Recorder) -> Recorder:
    register_consumer(prefix, consumer)
    registered.append((prefix, consumer))
    return consumer


@pytest.mark.django_db
def test_emit_writes_the_event_with_its_aggregate(django_capture_on_commit_callbacks) -> None:
    group = Group.objects.create(name="Tổ tiếp nhận")

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        event = outbox_emit(
            kind="unit.created", payload={"unit_id": 7, "name": "Sở Tư pháp"}, aggregate=group
        )

    stored = OutboxEvent.objects.get()
    assert stored.pk == event.pk
    assert stored.kind == "unit.created"
    assert stored.payload == {"unit_id": 7, "name": "Sở Tư pháp"}
    assert stored.aggregate_type == ContentType.objects.get_for_model(Group)
    assert stored.aggregate_id == str(group.pk)
    assert (stored.delivered_at, stored.attempts, stored.last_error) == (None, 0, "")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_committed_event_reaches_each_matching_consumer_once_and_is_marked_delivered(
    consumers, django_capture_on_commit_callbacks
) -> None:
    units = register(consumers, "unit.", Recorder())
    everything = register(consumers, "", Recorder())
    dossiers = register(consumers, "dossier.", Recorder())

    with (
        mock.patch("django.utils.timezone.now", return_value=NOW),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        event = outbox_emit(kind="unit.created", payload={"unit_id": 7})

    event.refresh_from_db()
    assert units.seen == [(str(event.id), "unit.created", {"unit_id": 7})]
    assert everything.seen == [(str(event.id), "unit.created", {"unit_id": 7})]
    assert dossiers.seen == []
    assert (event.delivered_at, event.attempts, event.last_error) == (NOW, 1, "")
    assert Group.objects.filter(name__startswith=f"seen {event.id}").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_event_and_no_delivery(consumers) -> None:
    recorder = register(consumers, "", Recorder())

    with pytest.raises(LookupError), transaction.atomic():
        outbox_emit(kind="unit.created", payload={"unit_id": 7})
        raise LookupError

    assert OutboxEvent.objects.count() == 0
    assert recorder.seen == []


@pytest.mark.django_db(transaction=True)
def test_a_commit_delivers_through_the_huey_task(consumers) -> None:
    recorder = register(consumers, "unit.", Recorder())

    with transaction.atomic():
        event = outbox_emit(kind="unit.renamed", payload={"unit_id": 7})
        assert recorder.seen == []  # nothing leaves before the commit

    assert recorder.seen == [(str(event.id), "unit.renamed", {"unit_id": 7})]
    assert OutboxEvent.objects.get().delivered_at is not None


@pytest.mark.django_db
def test_a_failing_consumer_leaves_the_event_undelivered_and_the_retry_delivers_it(
    consumers, django_capture_on_commit_callbacks
) -> None:
    flaky = register(consumers, "unit.", Recorder(failures=1))
    steady = register(consumers, "unit.", Recorder())
    with (
        mock.patch("django.utils.timezone.now", return_value=NOW),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        event = outbox_emit(kind="unit.created", payload={"unit_id": 7})

    event.refresh_from_db()
    assert (event.delivered_at, event.attempts, event.last_error) == (None, 1, "ConnectionError")
    assert Group.objects.count() == 0  # the consumers' writes rolled back with the failure

    # Younger than a minute: left to its own delivery.
    assert outbox_redeliver_due(now=NOW + datetime.timedelta(seconds=59)) == 0
    later = NOW + datetime.timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert outbox_redeliver_due() == 1

    event.refresh_from_db()
    assert (event.delivered_at, event.attempts, event.last_error) == (later, 2, "")
    assert len(flaky.seen) == 2
    assert steady.seen == [(str(event.id), "unit.created", {"unit_id": 7})]
    assert Group.objects.count() == 2
    assert outbox_redeliver_due(now=later + datetime.timedelta(minutes=5)) == 0
    assert len(flaky.seen) == 2


@pytest.mark.django_db
def test_a_delivered_event_is_never_delivered_again(consumers, django_capture_on_commit_callbacks) -> None:
    recorder = register(consumers, "", Recorder())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = outbox_emit(kind="unit.created", payload={})

    assert outbox_deliver_event(event_id=event.id) is False
    assert outbox_deliver_event(event_id="8d4c1a52-0000-4000-8000-000000000000") is False
    assert len(recorder.seen) == 1


@pytest.mark.django_db
def test_the_tasks_run_the_services(consumers) -> None:
    recorder = register(consumers, "", Recorder(failures=1))
    with transaction.atomic():  # no on-commit delivery: the test delivers through the tasks
        event = outbox_emit(kind="unit.created", payload={})
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=NOW - datetime.timedelta(days=1))

    assert outbox_deliver(str(event.id)).get() is False  # HUEY["immediate"] in tests; the consumer fails
    outbox_redeliver()  # a periodic task keeps no result

    event.refresh_from_db()
    assert event.delivered_at is not None
    assert event.attempts == 2
    assert len(recorder.seen) == 2
    assert outbox_redeliver.task_class().validate_datetime(datetime.datetime(2026, 11, 22, 10, 17)) is True


def test_register_is_idempotent_and_unregister_removes(consumers) -> None:
    recorder = Recorder()

    assert register_consumer("unit.", recorder) is recorder
    register_consumer("unit.", recorder)
    assert outbox.consumers_for("unit.created").count(recorder) == 1
    unregister_consumer("unit.", recorder)
    assert recorder not in outbox.consumers_for("unit.created")


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"must run inside the transaction\.atomic block"):
        outbox_emit(kind="unit.created", payload={})

    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_an_unsaved_aggregate_or_an_empty_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="aggregate must be saved"):
        outbox_emit(kind="unit.created", payload={}, aggregate=Group(name="x"))
    with pytest.raises(ValueError, match="needs a kind"):
        outbox_emit(kind="", payload={})

    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_an_unreachable_queue_after_the_commit_is_logged_and_left_to_redelivery(
    consumers, django_capture_on_commit_callbacks, caplog
) -> None:
    recorder = register(consumers, "", Recorder())

    with (
        mock.patch("motcua.core.tasks.outbox_deliver", side_effect=ConnectionError("redis is down")),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        event = outbox_emit(kind="unit.created", payload={})

    event.refresh_from_db()
    assert (event.delivered_at, event.attempts) == (None, 0)
    assert recorder.seen == []
    assert "Error calling" in caplog.text
    assert outbox_redeliver_due(now=event.created_at + datetime.timedelta(minutes=2)) == 1
    assert len(recorder.seen) == 1
