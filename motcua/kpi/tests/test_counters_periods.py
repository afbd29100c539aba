"""Periods: how they are written, the instant they are judged at, and that every way of summing the counters
(the rollups by receipt month, by month and by day, the per-procedure rows, a running period's correction)
gives the same figures as the oracle, for months, quarters, years and ranges ending on any day."""

import datetime as dt

import pytest

from motcua.catalog.models import Procedure
from motcua.core.errors import ApplicationError
from motcua.dossiers import services
from motcua.dossiers.tests.helpers import ITEMS, REASON, at, counter_received, make_procedure
from motcua.kpi.facts import (
    Period,
    Scope,
    dossier_totals,
    judged_at,
    month_period,
    parse_period,
    procedures_filter,
    quarter_period,
    year_period,
)
from motcua.kpi.tests.support import deliver, observed, oracle
from motcua.worktime.calendar import TZ


def test_periods_are_written_as_the_portal_reads_them():
    today = dt.date(2026, 11, 22)
    assert parse_period("2026") == Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert parse_period(" 2026-q3 ") == Period("quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert parse_period("2024-02") == Period("month", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parse_period(None, today=today) == year_period(2026)
    ranged = parse_period(date_from=dt.date(2026, 1, 5), date_to=dt.date(2026, 2, 10))
    assert (ranged.kind, ranged.key, ranged.label) == (
        "range",
        "2026-01-05..2026-02-10",
        "Từ 05/01/2026 đến 10/02/2026",
    )
    assert [p.label for p in (year_period(2026), quarter_period(2026, 3), month_period(2026, 8))] == [
        "Năm 2026",
        "Quý 3/2026",
        "Tháng 8/2026",
    ]
    assert [p.key for p in quarter_period(2026, 4).months()] == ["2026-10", "2026-11", "2026-12"]


@pytest.mark.parametrize(
    ("value", "kwargs", "field"),
    [
        ("2026-Q5", {}, "period"),
        ("2026-00", {}, "period"),
        ("26", {}, "period"),
        ("2101", {}, "period"),
        (None, {"date_from": dt.date(2026, 1, 1)}, "to"),
        (None, {"date_to": dt.date(2026, 1, 1)}, "from"),
        (None, {"date_from": dt.date(2020, 1, 1), "date_to": dt.date(2026, 1, 1)}, "to"),
        ("2026", {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 1, 2)}, "period"),
    ],
)
def test_bad_periods_name_their_field(value, kwargs, field):
    with pytest.raises(ApplicationError) as raised:
        parse_period(value, **kwargs)
    assert raised.value.code == "invalid_period" and list(raised.value.fields) == [field]


def test_the_instant_a_period_is_judged_at():
    december = month_period(2026, 12)
    assert judged_at(december, at(15, 10)) == at(15, 10)
    assert judged_at(december, dt.datetime(2027, 3, 1, tzinfo=TZ)) == dt.datetime(
        2026, 12, 31, 23, 59, 59, 999999, tzinfo=TZ
    )
    assert judged_at(december, at(30, 23, month=11)) is None


@pytest.fixture
def history(world):
    """Dossiers of two procedures received from late November to the end of December, some open, some
    late, some waiting for a supplement, judged across month ends."""
    first = make_procedure(world)
    second = make_procedure(world, code="2.000001.000.00.00.H15", amount=24)
    moments = [
        at(27, 9, month=11),
        at(30, 15, month=11),
        at(1, 9),
        at(2, 14),
        at(15, 9),
        at(29, 10),
        at(31, 9),
    ]
    for index, when in enumerate(moments):
        dossier = counter_received(world, first if index % 2 else second, when=when)
        if index % 3 == 0:
            dossier = services.dossier_forward(
                dossier=dossier, actor=world.specialist_a, at=when + dt.timedelta(days=2)
            )
            services.dossier_approve(
                dossier=dossier, actor=world.leader_a, result_note="Xong", at=when + dt.timedelta(days=2)
            )
        elif index % 3 == 1:
            services.dossier_ask_supplement(
                dossier=dossier,
                actor=world.specialist_a,
                items=ITEMS,
                reason=REASON,
                at=when + dt.timedelta(hours=1),
            )
    deliver()
    return [first, second]


PERIODS = [
    month_period(2026, 11),
    month_period(2026, 12),
    quarter_period(2026, 4),
    year_period(2026),
    Period("range", dt.date(2026, 11, 29), dt.date(2026, 12, 15)),
    Period("range", dt.date(2026, 12, 2), dt.date(2026, 12, 30)),
    # Whole months of receipt (the by-receipt-month rollups) with days left over before or after them.
    Period("range", dt.date(2026, 11, 28), dt.date(2026, 12, 31)),
    Period("range", dt.date(2026, 11, 1), dt.date(2026, 12, 20)),
    Period("range", dt.date(2026, 11, 29), dt.date(2027, 1, 3)),
]
INSTANTS = [at(1, 8), at(2, 16), at(15, 12), at(29, 23), at(31, 23, 59), dt.datetime(2027, 2, 1, tzinfo=TZ)]


@pytest.mark.django_db
def test_every_way_of_summing_agrees_with_the_oracle(world, history):
    all_procedures = Procedure.objects.values("pk")
    for period in PERIODS:
        for instant in INSTANTS:
            for unit in (world.province, world.commune_a):
                rolled = dossier_totals(scope=Scope(unit=unit), period=period, at=instant)
                fine = dossier_totals(
                    scope=Scope(unit=unit, procedures=all_procedures), period=period, at=instant
                )
                assert rolled == fine, (period, instant)
            assert observed(world.province, period, instant) == oracle(world.province, period, instant), (
                period,
                instant,
            )


@pytest.mark.django_db
def test_a_procedure_or_a_sector_filter(world, history):
    first, second = history
    december = month_period(2026, 12)
    after = dt.datetime(2027, 2, 1, tzinfo=TZ)
    one = dossier_totals(
        scope=Scope(world.province, procedures_filter(procedure=first.code)), period=december, at=after
    )
    other = dossier_totals(
        scope=Scope(world.province, procedures_filter(procedure=second.code)), period=december, at=after
    )
    total = dossier_totals(scope=Scope(world.province), period=december, at=after)
    assert (one.received, other.received, total.received) == (2, 3, 5)
    assert one.late + other.late == total.late
    sector = dossier_totals(
        scope=Scope(world.province, procedures_filter(sector="HT")), period=december, at=after
    )
    assert sector == total
    nothing = dossier_totals(
        scope=Scope(world.province, procedures_filter(sector="XX")), period=december, at=after
    )
    assert nothing.received == 0
