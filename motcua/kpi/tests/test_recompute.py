"""`motcua kpi recompute` rebuilds exactly the counters the outbox consumer keeps: after a hand-made
scenario, and (property test) after any random sequence of dossier actions delivered in any order, with
redeliveries. The counters also agree with the oracle that judges each dossier from the dossier tables."""

import contextlib
import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.errors import ApplicationError
from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers import services
from motcua.dossiers.inputs import ComponentInput
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import ITEMS, REASON, at, counter_received, make_procedure, uploaded
from motcua.kpi import recompute as recompute_module
from motcua.kpi.counters import COUNTER_MODELS, DossierFact, UnitDayCounter, all_counter_rows, fact_rows
from motcua.kpi.facts import month_period, year_period
from motcua.kpi.recompute import check_keys, recompute
from motcua.kpi.tests.support import deliver, observed, oracle
from motcua.worktime.calendar import TZ

DECEMBER = month_period(2026, 12)


def scenario(world, procedure):
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 10))
    third = counter_received(world, procedure, when=at(8, 9))
    first = services.dossier_ask_supplement(
        dossier=first, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 11)
    )
    first = services.dossier_supplement(dossier=first, actor=world.intake_a, at=at(9, 9))
    first = services.dossier_forward(dossier=first, actor=world.specialist_a, at=at(9, 10))
    first = services.dossier_approve(dossier=first, actor=world.leader_a, result_note="Xong", at=at(10, 9))
    services.dossier_return_result(dossier=first, actor=world.intake_a, method="counter", at=at(11, 9))
    services.dossier_reject(dossier=second, actor=world.leader_a, reason=REASON, at=at(9, 9))
    services.dossier_stop(dossier=third, actor=world.intake_a, reason="Đề nghị dừng", at=at(14, 9))


@pytest.mark.django_db
def test_recompute_gives_the_incremental_counters(world, procedure):
    scenario(world, procedure)
    deliver()
    counted, facts = all_counter_rows(), fact_rows()
    assert counted["UnitDayCounter"]  # something was counted
    report = recompute()
    assert (report.dossiers, report.events) == (3, 3 * 3 + 5 + 1 + 1)
    assert all_counter_rows() == counted
    assert fact_rows() == facts


@pytest.mark.django_db(transaction=True)
def test_recompute_in_parallel_gives_the_same_rows(world, procedure, monkeypatch):
    # Committed dossiers: on PostgreSQL the workers read them through connections of their own.
    scenario(world, procedure)
    deliver()
    counted, facts = all_counter_rows(), fact_rows()
    monkeypatch.setattr(recompute_module, "CHUNK", 1)  # one dossier per range: three ranges, two workers
    report = recompute(jobs=2)
    assert report.jobs == (2 if connection.vendor == "postgresql" else 1)
    assert (report.dossiers, report.events) == (3, 16)
    assert all_counter_rows() == counted
    assert fact_rows() == facts


@pytest.mark.django_db
def test_recompute_in_a_transaction_folds_in_process(world, procedure):
    scenario(world, procedure)  # not committed: workers could not see it
    deliver()
    counted = all_counter_rows()
    assert recompute(jobs=2).jobs == 1
    assert all_counter_rows() == counted


@pytest.mark.django_db
def test_recompute_repairs_broken_counters(world, procedure):
    scenario(world, procedure)
    deliver()
    counted = all_counter_rows()
    UnitDayCounter.objects.update(received=99)
    recompute()
    assert all_counter_rows() == counted


@pytest.mark.django_db
def test_the_command(world, procedure):
    scenario(world, procedure)
    deliver()
    out = StringIO()
    call_command("kpi", "recompute", "--check", stdout=out)
    assert "Bộ đếm đang lưu khớp với kết quả tính lại." in out.getvalue()
    UnitDayCounter.objects.update(online=5)
    with pytest.raises(CommandError, match="khác với kết quả tính lại"):
        call_command("kpi", "recompute", "--check", stdout=StringIO())
    assert set(UnitDayCounter.objects.values_list("online", flat=True)) == {5}  # --check changed nothing
    out = StringIO()
    call_command("kpi", "recompute", stdout=out)
    assert "Đã tính lại từ 16 sự kiện của 3 hồ sơ" in out.getvalue()
    assert set(UnitDayCounter.objects.values_list("online", flat=True)) == {0}


@pytest.mark.django_db
def test_recompute_refuses_events_not_numbered_one_to_n(world, procedure):
    # Only the kinds the fold reads are fetched, so the numbering is checked per dossier (count = last).
    scenario(world, procedure)
    last = DossierEvent.objects.order_by("-pk").first()
    count = DossierEvent.objects.filter(dossier_id=last.dossier_id).count()
    DossierEvent.objects.filter(pk=last.pk).update(sequence=count + 5)
    expected = f"dossier {last.dossier_id}: {count} events numbered up to {count + 5}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        recompute()


@pytest.mark.django_db
def test_check_keys_finds_a_row_pointing_nowhere(world, procedure):
    # What `recompute` runs before its commit when the per-row foreign-key triggers were skipped.
    scenario(world, procedure)
    deliver()
    check_keys((DossierFact, *COUNTER_MODELS))
    fact = DossierFact.objects.order_by("pk").first()
    DossierFact.objects.filter(pk=fact.pk).update(unit_id=987654)
    expected = "kpi_dossierfact.unit_id = 987654: no such organizations_unit row"
    with pytest.raises(IntegrityError, match=re.escape(expected)):
        check_keys((DossierFact, *COUNTER_MODELS))
    DossierFact.objects.filter(pk=fact.pk).update(unit_id=fact.unit_id)  # the deferred checks at teardown


# --- property test ------------------------------------------------------------------------------------

ACTIONS = ["supplement_request", "supplement", "apologize", "forward", "approve", "return", "reject", "stop"]


def _act(world, dossier, action, when):
    specialist, leader, intake = world.specialist_a, world.leader_a, world.intake_a
    if action == "supplement_request":
        return services.dossier_ask_supplement(
            dossier=dossier, actor=specialist, items=ITEMS, reason=REASON, at=when
        )
    if action == "supplement":
        return services.dossier_supplement(dossier=dossier, actor=intake, at=when)
    if action == "apologize":
        new = when + dt.timedelta(days=6)
        return services.dossier_apologize(
            dossier=dossier, actor=leader, reason=REASON, new_appointment=new, at=when
        )
    if action == "forward":
        return services.dossier_forward(dossier=dossier, actor=specialist, at=when)
    if action == "approve":
        return services.dossier_approve(dossier=dossier, actor=leader, result_note="Xong", at=when)
    if action == "return":
        return services.dossier_return_result(dossier=dossier, actor=intake, method="counter", at=when)
    if action == "reject":
        return services.dossier_reject(dossier=dossier, actor=leader, reason=REASON, at=when)
    return services.dossier_stop(dossier=dossier, actor=intake, reason="Đề nghị dừng", at=when)


def _open_online(world, procedure, when, *, electronic, reused):
    components = [uploaded()]
    if reused:
        components.append(ComponentInput(name="Giấy tờ đã có", provenance="reused", reference="KHO/9"))
    dossier = services.dossier_create(
        actor=world.citizen,
        procedure=procedure,
        applicant=world.citizen,
        channel="2",
        receiving_unit=world.centre_a,
        form_data={},
        components=components,
        return_method="electronic" if electronic else "counter",
        at=when,
    )
    return services.dossier_submit(dossier=dossier, actor=world.citizen, at=when)


def deliver_some(data, *, everything=False):
    """Deliver pending dossier events, all or a drawn subset, in a drawn order; their keys."""
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True, kind__startswith="dossier.")
    events = list(pending.order_by("pk").values_list("pk", flat=True))
    chosen = (
        events if everything else data.draw(st.lists(st.sampled_from(events), unique=True)) if events else []
    )
    for pk in data.draw(st.permutations(chosen)):
        assert outbox_deliver_event(event_id=pk)
    return chosen


dossier_kinds = st.sampled_from(["counter", "online", "online_electronic_reused", "online_refused"])
steps = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(ACTIONS), st.integers(0, 36 * 60)), min_size=1, max_size=14
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kinds=st.lists(dossier_kinds, min_size=1, max_size=4), plan=steps, data=st.data())
def test_incremental_counters_equal_recompute_after_any_history(world, kinds, plan, data):
    with transaction.atomic():
        procedure = make_procedure(world, amount=16, max_supplements=2)
        when = at(7, 8)
        dossiers = []
        for kind in kinds:
            if kind == "counter":
                dossiers.append(counter_received(world, procedure, when=when))
                continue
            dossier = _open_online(
                world, procedure, when, electronic=kind != "online", reused="reused" in kind
            )
            if kind == "online_refused":
                services.dossier_refuse_intake(dossier=dossier, actor=world.intake_a, reason=REASON, at=when)
            else:
                dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=when)
            dossiers.append(dossier)
        for index, action, minutes in plan:
            when += dt.timedelta(minutes=minutes)
            position = index % len(dossiers)
            current = Dossier.objects.get(pk=dossiers[position].pk)
            # An action not possible in this state (or too late) is skipped: the history goes on.
            with contextlib.suppress(ApplicationError):
                dossiers[position] = _act(world, current, action, when)
            if data.draw(st.booleans()):  # the worker catches up now with some of the events, in any order
                deliver_some(data)
        # Then every event left, in any order, and some of them again.
        delivered = deliver_some(data, everything=True)
        for pk in data.draw(st.lists(st.sampled_from(delivered), max_size=5)) if delivered else []:
            OutboxEvent.objects.filter(pk=pk).update(delivered_at=None)
            outbox_deliver_event(event_id=pk)
        counted, facts = all_counter_rows(), fact_rows()
        instants = [when, when + dt.timedelta(days=3), dt.datetime(2027, 3, 1, tzinfo=TZ)]
        judged = [observed(world.province, DECEMBER, instant) for instant in instants]
        recompute()
        assert all_counter_rows() == counted
        assert fact_rows() == facts
        for instant, found in zip(instants, judged, strict=True):
            assert found == oracle(world.province, DECEMBER, instant)
        assert observed(world.province, year_period(2026), instants[-1]) == judged[-1]
        transaction.set_rollback(True)
