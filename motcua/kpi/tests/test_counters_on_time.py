"""Indicator 2.1 from dossier histories made through the services: every rule of docs/KPI.md "Indicator 2.1"
(denominator, end precedence, supplement waits, more than one request, intake supplements, dossiers open at
the period's end, the appointment used), counted by the outbox consumer and checked against an oracle that
judges each dossier from the dossier tables."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers import services
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    at,
    counter_received,
    make_procedure,
    online_submitted,
)
from motcua.kpi.facts import month_period, quarter_period, year_period
from motcua.kpi.indicators import index_from_facts
from motcua.kpi.models import KpiSettings
from motcua.kpi.tests.support import deliver, facts, observed, oracle, totals
from motcua.worktime.calendar import TZ

DECEMBER = month_period(2026, 12)
AFTER = dt.datetime(2027, 2, 1, tzinfo=TZ)  # December is closed: judged at its last instant


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(
        dossier=dossier, actor=world.leader_a, result_note="Giấy khai sinh", at=when
    )


def on_time_of(world, period=DECEMBER, at_=AFTER, **kwargs):
    deliver()
    numerator, denominator = facts(world.commune_a, period, at_, **kwargs)["2.1"]
    return numerator, denominator


@pytest.mark.django_db
class TestEndOfProcessing:
    def test_resolved_before_at_and_after_the_appointment(self, world, procedure):
        # Received Monday 7/12 09:00: 8 working hours, the appointment is Tuesday 8/12 09:00.
        early, exact, late = (counter_received(world, procedure, when=at(7, 9)) for _ in range(3))
        approve(world, early, at(8, 8))
        approve(world, exact, at(8, 9))  # exactly at the appointment: on time
        approve(world, late, at(8, 9, 1))
        assert on_time_of(world) == (2, 3)
        result = index_from_facts({"2.1": (2, 3)}, level="commune").indicators["2.1"]
        assert (result.percent, result.points) == (Decimal("66.67"), Decimal("13.33"))

    def test_resolved_wins_over_a_later_return(self, world, procedure):
        dossier = counter_received(world, procedure, when=at(7, 9))
        dossier = approve(world, dossier, at(8, 8))
        services.dossier_return_result(dossier=dossier, actor=world.intake_a, method="counter", at=at(10, 9))
        assert on_time_of(world) == (1, 1)

    def test_rejected_and_stopped_end_processing(self, world, procedure):
        rejected, stopped_early, stopped_late = (
            counter_received(world, procedure, when=at(7, 9)) for _ in range(3)
        )
        services.dossier_reject(dossier=rejected, actor=world.leader_a, reason=REASON, at=at(7, 10))
        services.dossier_stop(dossier=stopped_early, actor=world.intake_a, reason="Đề nghị dừng", at=at(8, 8))
        services.dossier_stop(dossier=stopped_late, actor=world.intake_a, reason="Đề nghị dừng", at=at(9, 10))
        assert on_time_of(world) == (2, 3)

    def test_withdrawn_while_waiting_is_judged_when_it_ends(self, world, procedure):
        dossier = online_submitted(world, procedure, when=at(7, 8))
        dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 8))
        dossier = services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )
        # Withdrawn on the 14th, still waiting: the wait runs to the end, so it ended "at" 7/12 10:00.
        services.dossier_withdraw(dossier=dossier, actor=world.citizen, reason="Không cần nữa", at=at(14, 9))
        assert on_time_of(world) == (1, 1)


@pytest.mark.django_db
class TestDenominator:
    def test_only_dossiers_officially_received_count(self, world, procedure):
        refused = online_submitted(world, procedure, when=at(7, 8))
        services.dossier_refuse_intake(dossier=refused, actor=world.intake_a, reason=REASON, at=at(7, 9))
        withdrawn = online_submitted(world, procedure, when=at(7, 8))
        services.dossier_withdraw(dossier=withdrawn, actor=world.citizen, reason="Nộp nhầm", at=at(7, 9))
        online_submitted(world, procedure, when=at(7, 8))  # waiting for receipt
        approve(world, counter_received(world, procedure, when=at(7, 9)), at(7, 10))
        assert on_time_of(world) == (1, 1)

    def test_counted_under_the_competent_unit_not_the_receiving_one(self, world, procedure):
        dossier = counter_received(world, procedure, when=at(7, 9))
        assert dossier.receiving_unit == world.centre_a and dossier.competent_unit == world.commune_a
        deliver()
        assert totals(world.commune_a, DECEMBER, AFTER).received == 1
        assert totals(world.centre_a, DECEMBER, AFTER).received == 0
        assert totals(world.commune_b, DECEMBER, AFTER).received == 0
        assert totals(world.province, DECEMBER, AFTER).received == 1

    def test_zero_dossiers_score_zero(self, world, procedure):
        numerator, denominator = on_time_of(world)
        result = index_from_facts({"2.1": (numerator, denominator)}, level="commune").indicators["2.1"]
        assert (numerator, denominator, result.percent, result.points) == (
            0,
            0,
            Decimal("0.00"),
            Decimal("0.00"),
        )

    def test_the_receipt_day_decides_the_period(self, world, procedure):
        counter_received(world, procedure, when=at(30, 16, month=11))
        counter_received(world, procedure, when=at(1, 9))
        deliver()
        assert totals(world.commune_a, month_period(2026, 11), AFTER).received == 1
        assert totals(world.commune_a, DECEMBER, AFTER).received == 1
        assert totals(world.commune_a, quarter_period(2026, 4), AFTER).received == 2
        assert totals(world.commune_a, year_period(2026), AFTER).received == 2


@pytest.mark.django_db
class TestSupplements:
    def test_the_waiting_time_is_subtracted(self, world, procedure):
        dossier = counter_received(world, procedure, when=at(7, 9))
        dossier = services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )
        dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(9, 10))
        # Ended 10/12 08:00, waited 48 h: 8/12 08:00 ≤ 8/12 09:00.
        approve(world, dossier, at(10, 8))
        assert on_time_of(world) == (1, 1)

    def test_the_waiting_time_is_subtracted_exactly(self, world, procedure):
        dossier = counter_received(world, procedure, when=at(7, 9))
        dossier = services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )
        dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(9, 10))
        approve(world, dossier, at(10, 9, 1))  # one minute beyond the moved due instant
        assert on_time_of(world) == (0, 1)

    def test_more_than_one_request_is_late_whatever_the_dates(self, world):
        procedure = make_procedure(world, amount=80, max_supplements=2)
        dossier = counter_received(world, procedure, when=at(7, 9))
        for requested, completed in ((10, 11), (14, 15)):
            dossier = services.dossier_ask_supplement(
                dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, requested)
            )
            dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(7, completed))
        approve(world, dossier, at(7, 16))
        # Judged before the second request (Monday 7/12 12:00, a running period): still on time.
        assert on_time_of(world, at_=at(7, 12)) == (1, 1)
        assert on_time_of(world, at_=at(7, 14)) == (0, 1)
        assert on_time_of(world) == (0, 1)

    def test_intake_supplements_do_not_count(self, world, procedure):
        dossier = online_submitted(world, procedure, when=at(7, 8))
        dossier = services.dossier_ask_supplement_at_intake(
            dossier=dossier, actor=world.intake_a, items=ITEMS, reason=REASON, at=at(7, 9)
        )
        dossier = services.dossier_resubmit(dossier=dossier, actor=world.citizen, at=at(7, 10))
        dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 11))
        # The clock starts at the complete resubmission (7/12 10:00): appointment 8/12 10:00.
        dossier = services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 14)
        )
        dossier = services.dossier_supplement(dossier=dossier, actor=world.citizen, at=at(7, 15))
        approve(world, dossier, at(8, 11))  # 1 h waited: 8/12 10:00 ≤ 8/12 10:00
        assert on_time_of(world) == (1, 1)

    def test_waiting_at_the_period_end_is_judged_at_the_request(self, world, procedure):
        dossier = counter_received(world, procedure, when=at(7, 9))
        services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )
        assert on_time_of(world) == (1, 1)  # still waiting on 31/12: frozen at 7/12 10:00


@pytest.mark.django_db
class TestOpenAtThePeriodEnd:
    def test_judged_at_the_end_of_a_closed_period_and_never_again(self, world, procedure):
        overdue = counter_received(world, procedure, when=at(28, 9))  # due 29/12 09:00, still open on 31/12
        pending = counter_received(world, procedure, when=at(31, 9))  # due 4/1/2027 09:00 (1/1 is a holiday)
        approve(world, overdue, at(4, 8, month=1, year=2027))
        approve(world, pending, at(5, 9, month=1, year=2027))  # late, but after December's end
        assert on_time_of(world) == (1, 2)
        assert on_time_of(world, period=month_period(2027, 1)) == (0, 0)
        assert on_time_of(world, period=year_period(2026)) == (1, 2)

    def test_a_running_period_is_judged_now(self, world, procedure):
        counter_received(world, procedure, when=at(7, 9))  # due 8/12 09:00, never ended
        assert on_time_of(world, at_=at(8, 8, 59)) == (1, 1)
        assert on_time_of(world, at_=dt.datetime(2026, 12, 8, 9, 0, 0, 0, tzinfo=TZ)) == (1, 1)
        assert on_time_of(world, at_=dt.datetime(2026, 12, 8, 9, 0, 0, 1, tzinfo=TZ)) == (0, 1)
        assert on_time_of(world, at_=at(31, 12)) == (0, 1)

    def test_a_period_not_begun_counts_nothing(self, world, procedure):
        counter_received(world, procedure, when=at(7, 9))
        assert on_time_of(world, at_=at(30, 9, month=11)) == (0, 0)


@pytest.mark.django_db
class TestAppointment:
    def _apologized(self, world):
        procedure = make_procedure(world, amount=24)  # 24 working hours: due Thursday 10/12 09:00
        dossier = counter_received(world, procedure, when=at(7, 9))
        dossier = services.dossier_apologize(
            dossier=dossier,
            actor=world.leader_a,
            reason="Cần xác minh",
            new_appointment=at(14, 17),
            at=at(7, 10),
        )
        approve(world, dossier, at(11, 9))
        deliver()

    def test_the_original_appointment_by_default(self, world):
        self._apologized(world)
        assert on_time_of(world) == (0, 1)

    def test_the_apology_appointment_when_the_setting_says_so(self, world):
        self._apologized(world)
        KpiSettings.objects.filter(pk=1).update(accept_apology_appointment=True)
        assert on_time_of(world, accept_apology=True) == (1, 1)
        # Both are kept: changing the setting needs no recompute.
        assert totals(world.commune_a, DECEMBER, AFTER).late == 1
        assert totals(world.commune_a, DECEMBER, AFTER).late_apology == 0


@pytest.mark.django_db
def test_every_rule_agrees_with_the_oracle(world):
    """A mixed history checked against judge_on_time dossier by dossier, at many instants."""
    procedure = make_procedure(world, amount=16, max_supplements=2)
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 14))
    third = counter_received(world, procedure, when=at(8, 10))
    first = services.dossier_ask_supplement(
        dossier=first, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(8, 9)
    )
    first = services.dossier_supplement(dossier=first, actor=world.intake_a, at=at(10, 9))
    approve(world, first, at(11, 10))
    services.dossier_apologize(
        dossier=second, actor=world.leader_a, reason="Cần xác minh", new_appointment=at(15, 17), at=at(7, 15)
    )
    services.dossier_reject(dossier=third, actor=world.leader_a, reason=REASON, at=at(10, 11))
    deliver()
    for instant in (at(7, 12), at(8, 15), at(9, 14), at(9, 15), at(10, 12), at(14, 9), at(31, 23), AFTER):
        expected = oracle(world.province, DECEMBER, instant)
        assert observed(world.province, DECEMBER, instant) == expected, instant
    assert oracle(world.province, DECEMBER, AFTER).received == 3
