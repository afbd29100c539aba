"""The forecast: open dossiers that will fall late in the running period, what each costs in 2.1 points
(to the unit shown and to its competent unit), the costliest first; and GET /api/v1/kpi/forecast."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.tests.helpers import ITEMS, REASON, at, counter_received, make_user
from motcua.kpi import facts as kpi_facts
from motcua.kpi.facts import Totals, month_period
from motcua.kpi.forecast import forecast, marginal_cost
from motcua.kpi.tests.support import deliver

NOW = at(8, 8)  # Tuesday 8/12/2026 08:00, December running


@pytest.fixture
def open_dossiers(world, procedure):
    due_soon = counter_received(world, procedure, when=at(7, 9))  # due 8/12 09:00
    waiting = counter_received(world, procedure, when=at(7, 10))
    services.dossier_ask_supplement(
        dossier=waiting, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 11)
    )
    counter_received(world, procedure, when=at(4, 9))  # due 7/12 09:00: late already
    other_commune = counter_received(world, procedure, when=at(7, 9), officer=world.intake_b)
    assert other_commune.competent_unit == world.commune_b
    deliver()
    return due_soon, other_commune


def test_marginal_cost():
    assert marginal_cost(Totals(received=3, late=1), accept_apology=False) == Decimal("6.66")
    assert marginal_cost(Totals(received=1), accept_apology=False) == Decimal("20.00")
    assert marginal_cost(Totals(received=0), accept_apology=False) == Decimal("0.00")
    assert marginal_cost(Totals(received=4, late=4), accept_apology=False) == Decimal("0.00")


@pytest.mark.django_db
def test_the_costliest_first(world, open_dossiers):
    due_soon, other_commune = open_dossiers
    found = forecast(unit=world.province, period=month_period(2026, 12), accept_apology=False, at=NOW)
    assert (found.running, found.count, found.points_now, found.points_if_all_late) == (
        True,
        2,
        Decimal("15.00"),
        Decimal("5.00"),
    )
    assert [(row.code, row.unit_cost, row.cost) for row in found.rows] == [
        (other_commune.code, Decimal("20.00"), Decimal("5.00")),  # commune B has this one dossier only
        (due_soon.code, Decimal("6.66"), Decimal("5.00")),
    ]
    first = found.rows[1]
    assert first.due_at == at(8, 9)
    assert (first.left_minutes, first.at_risk) == (60, True)


@pytest.mark.django_db
def test_nothing_to_forecast_in_a_closed_period(world, open_dossiers):
    found = forecast(unit=world.province, period=month_period(2026, 11), accept_apology=False, at=NOW)
    assert (found.running, found.count, found.rows) == (False, 0, [])


@pytest.mark.django_db
def test_the_forecast_api(client, world, open_dossiers, monkeypatch):
    monkeypatch.setattr(kpi_facts, "now", lambda: NOW)
    due_soon, _other = open_dossiers
    client.force_login(world.leader_a)
    body = client.get("/api/v1/kpi/forecast", {"unit": world.commune_a.pk, "period": "2026-12"}).json()
    assert (body["running"], body["count"], body["points_now"], body["points_if_all_late"]) == (
        True,
        1,
        "13.33",
        "6.67",
    )
    (row,) = body["items"]
    assert row["code"] == due_soon.code and row["cost"] == "6.66" and row["at_risk"] is True
    assert row["due_at"] == "2026-12-08T09:00:00+07:00"
    assert row["links"]["timeline"] == f"/chi-so/ho-so/{due_soon.public_id}/"
    admin = make_user("quantri.a", (Role.ADMIN, world.commune_a))
    client.force_login(admin)
    response = client.get("/api/v1/kpi/forecast", {"unit": world.commune_a.pk, "period": "2026-12"})
    assert response.status_code == 403


def test_a_running_period_needs_now():
    assert kpi_facts.judged_at(month_period(2026, 12), dt.datetime(2026, 11, 30, tzinfo=dt.UTC)) is None
