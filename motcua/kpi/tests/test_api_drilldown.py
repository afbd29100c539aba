"""GET /api/v1/kpi/index/{indicator}/dossiers: the dossiers behind a number, in keyset pages, as many as the
number says; scoped like the dossiers themselves. Also GET /api/v1/kpi/ranking."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import at, counter_received, make_user
from motcua.kpi import facts as kpi_facts
from motcua.kpi.drilldown import encode_cursor
from motcua.kpi.tests.support import deliver
from motcua.worktime.calendar import TZ


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=when)


@pytest.fixture
def late_ones(world, procedure, monkeypatch):
    """Five dossiers of commune A in December 2026, the 2nd and the 5th late."""
    monkeypatch.setattr(kpi_facts, "now", lambda: dt.datetime(2027, 1, 15, 10, tzinfo=TZ))
    late = []
    for index, day in enumerate((7, 8, 9, 10, 11)):
        dossier = counter_received(world, procedure, when=at(day, 9))
        if index in (1, 4):
            approve(world, dossier, at(day + 4, 10))
            late.append(dossier)
        else:
            approve(world, dossier, at(day, 10))
    deliver()
    return late


def url(indicator="2.1"):
    return f"/api/v1/kpi/index/{indicator}/dossiers"


@pytest.mark.django_db
def test_pages_hold_exactly_the_dossiers_of_the_number(client, world, late_ones):
    client.force_login(world.leader_a)
    seen, after = [], None
    for _page in range(5):
        params = {"unit": world.commune_a.pk, "period": "2026-12", "which": "denominator", "limit": 2}
        body = client.get(url(), params | ({"after": after} if after else {})).json()
        assert body["count"] == 5
        seen += [item["code"] for item in body["items"]]
        after = body["next"]
        if after is None:
            break
    expected = list(
        Dossier.objects.filter(received_at__isnull=False)
        .order_by("received_at", "pk")
        .values_list("code", flat=True)
    )
    assert seen == expected
    body = client.get(url(), {"unit": world.commune_a.pk, "period": "2026-12", "which": "missing"}).json()
    assert body["count"] == 2
    assert [item["code"] for item in body["items"]] == [dossier.code for dossier in late_ones]
    assert all(item["late"] for item in body["items"])
    item = body["items"][0]
    assert item["links"] == {
        "events": f"/api/v1/dossiers/{item['public_id']}/events",
        "timeline": f"/chi-so/ho-so/{item['public_id']}/",
    }
    assert item["received_at"] == "2026-12-08T09:00:00+07:00"
    body = client.get(url(), {"unit": world.commune_a.pk, "period": "2026-12", "which": "numerator"}).json()
    assert body["count"] == len(body["items"]) == 3 and not any(item["late"] for item in body["items"])


@pytest.mark.django_db
def test_other_indicators_and_bad_requests(client, world, late_ones):
    client.force_login(world.leader_a)
    base = {"unit": world.commune_a.pk, "period": "2026-12"}
    body = client.get(url("3.3"), base | {"which": "numerator"}).json()
    assert (body["count"], body["items"]) == (0, [])
    body = client.get(url("2.2"), base | {"which": "denominator"}).json()
    assert body["count"] == len(body["items"]) == 5
    response = client.get(url("1.1"), base)
    assert (response.status_code, response.json()["code"]) == (404, "no_dossiers_behind")
    response = client.get(url(), base | {"which": "all"})
    assert (response.status_code, response.json()["fields"]) == (
        400,
        {"which": "Hãy chọn tử số (numerator), mẫu số (denominator) hoặc phần còn thiếu (missing)."},
    )
    response = client.get(url(), base | {"after": "not-a-marker"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")
    huge = encode_cursor(at(7, 9), 2**64)
    response = client.get(url(), base | {"after": huge})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")
    response = client.get(url(), base | {"limit": 500})
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("anonymous", "commune_a", 401),
        ("citizen", "commune_a", 403),
        ("specialist_b", "commune_a", 403),
        ("commune_admin", "commune_a", 403),  # sees the index, not the applicants' names
        ("leader_b", "commune_a", 403),
        ("leader_a", "commune_a", 200),
        ("supervisor_a", "commune_a", 200),
        ("province_supervisor", "province", 200),
    ],
)
def test_who_sees_the_dossiers(client, world, late_ones, who, unit, status):
    users = {
        "anonymous": None,
        "commune_admin": make_user("quantri.a", (Role.ADMIN, world.commune_a)),
        "province_supervisor": make_user("giamsat.tinh", (Role.SUPERVISOR, world.province)),
    }
    user = users[who] if who in users else getattr(world, who)
    if user is not None:
        client.force_login(user)
    response = client.get(url(), {"unit": getattr(world, unit).pk, "period": "2026"})
    assert response.status_code == status


@pytest.mark.django_db
def test_the_ranking_of_child_units(client, world, late_ones):
    supervisor = make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))
    client.force_login(supervisor)
    body = client.get("/api/v1/kpi/ranking", {"unit": world.province.pk, "period": "2026"}).json()
    assert [(row["rank"], row["unit"]["id"], row["received"]) for row in body] == [(1, world.commune_a.pk, 5)]
    on_time = next(line for line in body[0]["indicators"] if line["id"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"], on_time["percent"], on_time["band"]) == (
        3,
        5,
        "60.00",
        "red",
    )
    client.force_login(world.leader_a)
    assert client.get("/api/v1/kpi/ranking", {"unit": world.province.pk, "period": "2026"}).status_code == 403


@pytest.mark.django_db
def test_a_page_costs_the_same_queries_whatever_its_size(client, world, late_ones):
    client.force_login(world.leader_a)
    counts = []
    for limit in (1, 5):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(), {"unit": world.commune_a.pk, "period": "2026-12", "limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 14
    page = "/chi-so/chi-tieu/2.1/ho-so/"
    for which in ("numerator", "denominator"):
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(
                    page, {"unit": world.commune_a.pk, "period": "2026-12", "which": which}
                ).status_code
                == 200
            )
        counts.append(len(captured.captured_queries))
    assert counts[2] == counts[3]


@pytest.mark.django_db
def test_the_applicants_named_by_a_page_are_logged_as_personal_data_read(client, world, late_ones):
    """ND 13/2023: each dossier whose applicant a page names to staff leaves a record (who, which field),
    on the API and on the dashboard's page alike."""
    from motcua.core.models import AuditRecord

    client.force_login(world.leader_a)
    params = {"unit": world.commune_a.pk, "period": "2026-12", "which": "missing"}
    body = client.get(url(), params).json()
    page = client.get("/chi-so/chi-tieu/2.1/ho-so/", params)

    records = AuditRecord.objects.filter(action="view_personal_data").order_by("id")
    listed = [str(dossier.pk) for dossier in late_ones]
    assert [item["code"] for item in body["items"]] == [dossier.code for dossier in late_ones]
    assert page.status_code == 200
    assert [record.object_id for record in records] == listed * 2
    assert {(record.actor_id, tuple(record.after["fields"])) for record in records} == {
        (world.leader_a.pk, ("applicant_name",))
    }
