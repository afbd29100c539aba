"""The demo's dossiers (`motcua demo`): every state, made through the services, with their slips, and work
waiting in each officer's queue."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test.utils import override_settings

from motcua.accounts.models import User
from motcua.demo import data
from motcua.dossiers.demo_dossiers import load_demo_dossiers
from motcua.dossiers.models import Dossier, DossierSlip, DossierStatusCounter
from motcua.dossiers.notifications import alerts_refresh
from motcua.dossiers.queues import work_queue
from motcua.dossiers.tests.helpers import at
from motcua.notifications.selectors import alerts_for

pytestmark = pytest.mark.django_db

NOW = at(14, 10)  # Monday 14/12/2026 10:00


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo province, staff, applicants and catalogue (what `motcua demo` loads before the dossiers)."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        admin = data._create_superuser()
        units = data._load_units(admin)
        data._load_staff(admin, units)
        data._load_applicants()
        data.load_demo_catalogue(province=units["tinh"], departments=units, communes=list(units.values()))
    return units


def staff(username: str) -> User:
    return User.objects.get(username=username)


def test_the_demo_has_dossiers_in_every_state_with_their_slips(demo: dict[str, Any]) -> None:
    made = load_demo_dossiers(units=demo, now=NOW)

    states = Counter(Dossier.objects.values_list("status", flat=True))
    assert set(states) == set(Dossier.Status.values)
    assert sum(states.values()) == made == 19
    assert Dossier.objects.filter(stop_kind="withdrawn").count() == 1
    assert Dossier.objects.filter(channel="3").count() == 1
    assert (
        Dossier.objects.filter(receiving_unit=demo["ttpvhcc.tinh"], competent_unit=demo["tuphap"]).count()
        == 1
    )
    forms = Counter(DossierSlip.objects.values_list("form", flat=True))
    assert set(forms) == {"01", "02", "03", "04", "05", "06"}
    assert DossierSlip.objects.filter(intake_note__isnull=False).count() == 1
    for unit_id, part, status, value in DossierStatusCounter.objects.values_list(
        "unit_id", "part", "status", "value"
    ):
        field = "receiving_unit_id" if part == "receiving" else "competent_unit_id"
        assert Dossier.objects.filter(**{field: unit_id, "status": status}).count() == value


def test_every_officer_has_work_and_alerts(demo: dict[str, Any]) -> None:
    load_demo_dossiers(units=demo, now=NOW)
    alerts_refresh(now=NOW)

    intake = work_queue(user=staff("tiepnhan.xa.vanphu"), role="intake_officer", now=NOW)
    specialist = work_queue(user=staff("chuyenvien.xa.vanphu"), role="specialist", now=NOW)
    leader = work_queue(user=staff("lanhdao.xa.vanphu"), role="leader", now=NOW)
    province = work_queue(user=staff("chuyenvien.tuphap"), role="specialist", now=NOW)

    assert Counter(item.lane for item in intake.items) == {"to_receive": 2, "to_return": 1}
    assert [item.urgency.at_risk for item in intake.items if item.lane == "to_receive"].count(True) == 1
    flags = Counter((item.urgency.late, item.urgency.at_risk) for item in specialist.items)
    assert flags[(True, False)] >= 1 and flags[(False, True)] >= 1 and flags[(False, False)] >= 1
    assert len(leader.items) == 1
    assert len(province.items) == 1
    kinds = {alert.kind for alert in alerts_for(user=staff("giamsat.tinh"))}
    assert kinds == {"receipt_limit", "at_risk", "late"}
