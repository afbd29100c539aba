"""The other dossier indicators from histories made through the services: 3.3 online share, 4.1 e-results,
4.2 digitised, 4.3 reuse, 2.2 average processing time, and the index they add up to."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers import services
from motcua.dossiers.inputs import ComponentInput
from motcua.dossiers.tests.helpers import at, counter_received, online_draft, uploaded
from motcua.kpi.facts import month_period
from motcua.kpi.indicators import index_from_facts
from motcua.kpi.tests.support import deliver, facts, observed, oracle
from motcua.worktime.calendar import TZ

DECEMBER = month_period(2026, 12)
AFTER = dt.datetime(2027, 2, 1, tzinfo=TZ)


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(
        dossier=dossier, actor=world.leader_a, result_note="Giấy khai sinh", at=when
    )


def online_received(world, procedure, when, *, components=None, return_method="counter"):
    dossier = services.dossier_create(
        actor=world.citizen,
        procedure=procedure,
        applicant=world.citizen,
        channel="2",
        receiving_unit=world.centre_a,
        form_data={},
        components=components or [uploaded()],
        return_method=return_method,
        at=when,
    )
    dossier = services.dossier_submit(dossier=dossier, actor=world.citizen, at=when)
    return services.dossier_receive(dossier=dossier, actor=world.intake_a, at=when)


def points(indicator, numerator, denominator):
    result = index_from_facts({indicator: (numerator, denominator)}, level="commune").indicators[indicator]
    return result.percent, result.points


@pytest.mark.django_db
def test_online_share(world, procedure):
    online_received(world, procedure, at(7, 8))
    counter_received(world, procedure, when=at(7, 9))
    counter_received(world, procedure, when=at(7, 10))
    deliver()
    assert facts(world.commune_a, DECEMBER, AFTER)["3.3"] == (1, 3)
    assert points("3.3", 1, 3) == (Decimal("33.33"), Decimal("4.00"))  # full 6 points from 50 %
    assert points("3.3", 2, 4) == (Decimal("50.00"), Decimal("6.00"))


@pytest.mark.django_db
def test_electronic_results_and_digitised_dossiers(world, procedure):
    electronic = online_received(world, procedure, at(7, 8), return_method="electronic")
    paper = counter_received(world, procedure, when=at(7, 9))
    open_electronic = online_received(world, procedure, at(7, 10), return_method="electronic")
    approve(world, electronic, at(8, 14))  # returned at once, electronically, by the system
    paper = approve(world, paper, at(7, 15))
    services.dossier_return_result(dossier=paper, actor=world.intake_a, method="counter", at=at(8, 9))
    assert open_electronic.status == "processing"
    deliver()
    found = facts(world.commune_a, DECEMBER, AFTER)
    assert found["4.1"] == (1, 3)
    assert found["4.2"] == (1, 3)  # every input is a file and the result is electronic
    assert points("4.1", 1, 3) == (Decimal("33.33"), Decimal("2.00"))
    assert points("4.2", 1, 3) == (Decimal("33.33"), Decimal("1.33"))
    # Judged before the approval, nothing was issued yet.
    assert facts(world.commune_a, DECEMBER, at(7, 23))["4.1"] == (0, 3)


@pytest.mark.django_db
def test_reuse_of_digitised_data(world, procedure):
    reused = ComponentInput(
        name="Giấy chứng nhận kết hôn", provenance="reused", reference="KHO-DL/2026/000123"
    )
    online_received(world, procedure, at(7, 8), components=[uploaded(), reused])
    online_received(world, procedure, at(7, 9))
    counter_received(world, procedure, when=at(7, 10))
    counter_received(world, procedure, when=at(7, 11))
    deliver()
    assert facts(world.commune_a, DECEMBER, AFTER)["4.3"] == (1, 4)
    assert points("4.3", 1, 4) == (Decimal("25.00"), Decimal("0.63"))  # 2 × 0.25 ÷ 0.8 = 0.625


@pytest.mark.django_db
def test_average_processing_time(world, procedure):
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 9))
    counter_received(world, procedure, when=at(7, 9))  # still open: not completed
    approve(world, first, at(7, 10))  # 60 working minutes
    second = services.dossier_ask_supplement(
        dossier=second, actor=world.specialist_a, items=["Bản sao"], reason="Thiếu", at=at(7, 10)
    )
    second = services.dossier_supplement(dossier=second, actor=world.intake_a, at=at(8, 10))
    approve(world, second, at(8, 11))  # 7/12 09:00 → 8/12 11:00 = 600 working minutes, 480 waited
    deliver()
    found = facts(world.commune_a, DECEMBER, AFTER)
    assert found["2.2"] == (60 + 120, 2)
    result = index_from_facts(found, level="commune").indicators["2.2"]
    assert (result.average, result.points) == (Decimal("90.00"), None)


@pytest.mark.django_db
def test_the_index_of_a_commune(world, procedure):
    electronic = online_received(world, procedure, at(7, 8), return_method="electronic")
    reused = ComponentInput(name="Giấy tờ đã số hóa", provenance="reused", reference="KHO-DL/1")
    late = online_received(world, procedure, at(7, 9), components=[uploaded(), reused])
    approve(world, electronic, at(7, 14))
    approve(world, late, at(9, 9))
    online_draft(world, procedure, when=at(7, 10))  # a draft counts nowhere
    deliver()
    found = facts(world.commune_a, DECEMBER, AFTER)
    assert found == {
        "2.1": (1, 2),
        "2.2": found["2.2"],
        "3.3": (2, 2),
        "4.1": (1, 2),
        "4.2": (1, 2),
        "4.3": (1, 2),
    }
    index = index_from_facts(found, level="commune")
    assert index.indicators["2.1"].points == Decimal("10.00")
    assert index.groups["progress"].points == Decimal("10.00")
    # 3.3 full (6); 3.1 and 3.2 have no catalogue facts yet: 0.
    assert index.groups["online_service"].points == Decimal("6.00")
    # 4.1: 3.00, 4.2: 2.00, 4.3: 1.25; 4.4, 4.5a, 4.5b null; 4.6 always 2.
    assert index.groups["digitisation"].points == Decimal("8.25")
    assert observed(world.province, DECEMBER, AFTER) == oracle(world.province, DECEMBER, AFTER)
