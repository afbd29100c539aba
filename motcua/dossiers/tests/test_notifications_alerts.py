"""Officers' in-app alerts: online dossiers near their 8-working-hour receipt limit, dossiers at risk or late;
one alert per (dossier, kind), resolved when the condition ends; each officer sees those of their units."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.dossiers import services
from motcua.dossiers.notifications import alerts_refresh
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    World,
    at,
    counter_received,
    make_procedure,
    online_submitted,
)
from motcua.notifications.models import Alert
from motcua.notifications.selectors import alerts_for
from motcua.notifications.tasks import dossier_alerts_refresh

pytestmark = pytest.mark.django_db


def open_alerts() -> list[tuple[int, str, int, int]]:
    return list(
        Alert.objects.filter(resolved_at__isnull=True)
        .order_by("dossier_id", "kind")
        .values_list("dossier_id", "kind", "unit_id", "left_minutes")
    )


@pytest.fixture
def three_days(world: World) -> Any:
    """3 working days: received Monday 7/12 09:00, due Thursday 10/12 09:00."""
    return make_procedure(world, code="1.001194.000.00.00.H15", amount=3, unit="working_days")


def test_an_online_dossier_near_its_receipt_limit_raises_an_alert_for_the_receiving_unit(
    world: World, procedure: Any
) -> None:
    # Submitted Monday 08:00: to be received by Tuesday 08:00 (8 working hours).
    dossier = online_submitted(world, procedure, when=at(7, 8))

    assert alerts_refresh(now=at(7, 15)) == {"raised": 0, "refreshed": 0, "resolved": 0}  # 150 minutes left
    assert alerts_refresh(now=at(7, 16)) == {"raised": 1, "refreshed": 0, "resolved": 0}  # 90 minutes left
    assert open_alerts() == [(dossier.pk, "receipt_limit", world.centre_a.pk, 90)]
    alert = Alert.objects.get()
    assert (alert.due_at, alert.raised_at) == (at(8, 8), at(7, 16))

    assert alerts_refresh(now=at(8, 9)) == {"raised": 0, "refreshed": 1, "resolved": 0}  # late by 60
    assert open_alerts() == [(dossier.pk, "receipt_limit", world.centre_a.pk, -60)]

    # Received late: the receipt alert ends; the 8-working-hour time limit counted from the system
    # receipt (ADR 0008) ended Tuesday 08:00, so the dossier is late at once.
    services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(8, 9, 30))
    assert alerts_refresh(now=at(8, 10)) == {"raised": 1, "refreshed": 0, "resolved": 1}
    assert open_alerts() == [(dossier.pk, "late", world.commune_a.pk, -120)]
    assert Alert.objects.get(kind="receipt_limit").resolved_at == at(8, 10)


def test_a_dossier_at_risk_then_late(world: World, three_days: Any) -> None:
    dossier = counter_received(world, three_days, when=at(7, 9))

    alerts_refresh(now=at(7, 10))
    assert open_alerts() == []  # 23 working hours left
    alerts_refresh(now=at(8, 10))
    assert open_alerts() == [(dossier.pk, "at_risk", world.commune_a.pk, 900)]
    alerts_refresh(now=at(10, 10))
    assert open_alerts() == [(dossier.pk, "late", world.commune_a.pk, -60)]
    assert Alert.objects.get(kind="at_risk").resolved_at == at(10, 10)


def test_refreshing_never_duplicates_and_a_condition_that_returns_reopens_its_alert(
    world: World, three_days: Any
) -> None:
    dossier = counter_received(world, three_days, when=at(7, 9))
    alerts_refresh(now=at(8, 10))
    alerts_refresh(now=at(8, 11))
    assert Alert.objects.count() == 1

    # The apology moves the due moment to Tuesday 15/12: no longer at risk on Tuesday 8/12 ...
    services.dossier_apologize(
        dossier=dossier, actor=world.leader_a, reason="Cần xác minh", new_appointment=at(15, 17), at=at(8, 11)
    )
    assert alerts_refresh(now=at(8, 14)) == {"raised": 0, "refreshed": 0, "resolved": 1}
    # ... and at risk again on Monday 14/12, in the same row.
    assert alerts_refresh(now=at(14, 9)) == {"raised": 1, "refreshed": 0, "resolved": 0}
    alert = Alert.objects.get()
    assert (alert.kind, alert.raised_at, alert.resolved_at, alert.due_at) == (
        "at_risk",
        at(14, 9),
        None,
        at(15, 17),
    )


def test_while_the_applicant_supplements_the_clock_is_paused(world: World, three_days: Any) -> None:
    dossier = counter_received(world, three_days, when=at(7, 9))
    services.dossier_ask_supplement(
        dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(8, 10)
    )

    # Friday 11/12 is past the due moment, but the clock stands at Tuesday 10:00 (900 minutes left).
    alerts_refresh(now=at(11, 10))
    assert open_alerts() == [(dossier.pk, "at_risk", world.commune_a.pk, 900)]


def test_final_dossiers_have_no_alert(world: World, three_days: Any) -> None:
    dossier = counter_received(world, three_days, when=at(7, 9))
    alerts_refresh(now=at(10, 10))
    services.dossier_stop(dossier=dossier, actor=world.intake_a, reason="Đề nghị dừng", at=at(10, 11))

    alerts_refresh(now=at(10, 12))
    assert open_alerts() == []


def test_the_periodic_task_refreshes_the_alerts(world: World, procedure: Any) -> None:
    online_submitted(world, procedure, when=at(2, 8, month=11))  # long past its limit

    assert dossier_alerts_refresh.call_local()["raised"] == 1


@pytest.mark.parametrize(
    ("who", "kinds"),
    [
        ("anonymous", []),
        ("citizen", []),
        ("intake_a", ["receipt_limit"]),
        ("intake_b", []),
        ("specialist_a", ["at_risk"]),
        ("leader_a", ["at_risk"]),
        ("specialist_b", []),
        ("supervisor_a", ["at_risk", "receipt_limit"]),
        ("superuser", ["at_risk", "receipt_limit"]),
    ],
)
def test_each_officer_sees_the_alerts_of_their_units(
    world: World, procedure: Any, three_days: Any, who: str, kinds: list[str]
) -> None:
    online_submitted(world, procedure, when=at(7, 8))
    counter_received(world, three_days, when=at(7, 9))
    alerts_refresh(now=at(8, 10))
    user = AnonymousUser() if who == "anonymous" else getattr(world, who)

    assert sorted(alert.kind for alert in alerts_for(user=user)) == kinds


def test_resolved_alerts_are_listed_only_when_asked(world: World, three_days: Any) -> None:
    dossier = counter_received(world, three_days, when=at(7, 9))
    alerts_refresh(now=at(8, 10))
    services.dossier_stop(dossier=dossier, actor=world.intake_a, reason="Đề nghị dừng", at=at(8, 11))
    alerts_refresh(now=at(8, 12))

    assert list(alerts_for(user=world.leader_a)) == []
    assert [alert.kind for alert in alerts_for(user=world.leader_a, include_resolved=True)] == ["at_risk"]
