"""The outbox consumer counts each dossier event once: redelivered, delivered out of order, or failing
half-way, the counters end exactly where a clean run (and `recompute`) puts them."""

import pytest
from django.db import IntegrityError, transaction

from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.helpers import ITEMS, REASON, at, counter_received
from motcua.kpi import consumers
from motcua.kpi.counters import DossierFact, ProcessedEvent, all_counter_rows, fact_rows
from motcua.kpi.recompute import recompute
from motcua.kpi.tests.support import deliver


def history(world, procedure):
    dossier = counter_received(world, procedure, when=at(7, 9))
    dossier = services.dossier_ask_supplement(
        dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
    )
    dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(9, 10))
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(9, 11))
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=at(10, 9))


@pytest.mark.django_db
def test_the_same_event_twice_counts_once(world, procedure):
    history(world, procedure)
    deliver()
    counted, facts = all_counter_rows(), fact_rows()
    events = list(OutboxEvent.objects.filter(kind__startswith="dossier."))
    assert len(events) == 7
    OutboxEvent.objects.filter(kind__startswith="dossier.").update(delivered_at=None)
    assert deliver() == 7  # every event delivered a second time
    for event in events:  # and a third, straight to the consumer
        consumers.on_dossier_event(event)
    assert all_counter_rows() == counted
    assert fact_rows() == facts
    assert ProcessedEvent.objects.count() == DossierEvent.objects.count() == 7


@pytest.mark.django_db
def test_an_event_is_recorded_as_processed_once(world, procedure):
    counter_received(world, procedure, when=at(7, 9))
    deliver()
    event = DossierEvent.objects.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessedEvent.objects.create(event=event)


@pytest.mark.django_db
def test_a_late_event_delivered_first_brings_its_predecessors(world, procedure):
    history(world, procedure)
    last = OutboxEvent.objects.filter(kind="dossier.approved").get()
    assert outbox_deliver_event(event_id=last.pk)
    fact = DossierFact.objects.get()
    assert (fact.last_sequence, fact.end_state) == (DossierEvent.objects.count(), "resolved")
    early_counts = all_counter_rows()
    assert deliver() >= 6  # the 6 earlier events find nothing left to count
    assert all_counter_rows() == early_counts
    recompute()
    assert all_counter_rows() == early_counts


@pytest.mark.django_db
def test_a_failing_delivery_counts_nothing_and_is_retried(world, procedure, monkeypatch):
    counter_received(world, procedure, when=at(7, 9))

    def broken(delta):
        raise RuntimeError("database went away")

    monkeypatch.setattr(consumers, "counters_add", broken)
    pending = list(OutboxEvent.objects.filter(kind__startswith="dossier.").values_list("pk", flat=True))
    assert not any(outbox_deliver_event(event_id=pk) for pk in pending)
    assert not DossierFact.objects.exists() and not ProcessedEvent.objects.exists()
    assert all_counter_rows() == {
        "ProcedureDayCounter": {},
        "UnitDayCounter": {},
        "UnitMonthCounter": {},
        "UnitReceiptMonthCounter": {},
        "UnitReceiptMonthDayCounter": {},
    }
    monkeypatch.undo()
    assert deliver() >= len(pending)
    assert DossierFact.objects.get().received_day == at(7, 9).date()


@pytest.mark.django_db
def test_guidance_without_a_dossier_counts_nowhere(world, procedure):
    services.intake_guidance_record(
        actor=world.intake_a,
        receiving_unit=world.centre_a,
        procedure=procedure,
        applicant_name="Lê Văn Cường",
        items=ITEMS,
        at=at(7, 9),
    )
    assert OutboxEvent.objects.filter(kind="dossier.intake_guidance").count() == 1
    deliver()
    assert not DossierFact.objects.exists()
