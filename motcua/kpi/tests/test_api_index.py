"""GET /api/v1/kpi/index: the figures, the permissions, bad input, and the queries (counters only)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.tests.helpers import at, counter_received, make_user
from motcua.kpi import facts as kpi_facts
from motcua.kpi.models import UnitTarget
from motcua.kpi.tests.support import deliver
from motcua.worktime.calendar import TZ

URL = "/api/v1/kpi/index"
JANUARY = dt.datetime(2027, 1, 15, 10, 0, tzinfo=TZ)


@pytest.fixture
def now(monkeypatch):
    """The present instant of the KPI pages and API: mid-January 2027 (December 2026 is closed)."""
    monkeypatch.setattr(kpi_facts, "now", lambda: JANUARY)
    return JANUARY


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=when)


@pytest.fixture
def counted(world, procedure, now):
    """Four dossiers of commune A in December 2026: three on time, one late."""
    for day in (7, 8, 9):
        approve(world, counter_received(world, procedure, when=at(day, 9)), at(day, 10))
    approve(world, counter_received(world, procedure, when=at(14, 9)), at(16, 9))
    deliver()


@pytest.fixture
def province_supervisor(world):
    return make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))


def get(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


@pytest.mark.django_db
def test_the_index_of_a_commune(client, world, counted):
    response = get(client, world.leader_a, unit=world.commune_a.pk, period="2026-12")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"id": world.commune_a.pk, "name": world.commune_a.name, "level": "commune"}
    assert body["period"] == {
        "key": "2026-12",
        "kind": "month",
        "label": "Tháng 12/2026",
        "start": "2026-12-01",
        "end": "2026-12-31",
        "judged_at": "2026-12-31T23:59:59.999999+07:00",
        "running": False,
    }
    indicators = {line["id"]: line for line in body["indicators"]}
    assert len(indicators) == 23
    on_time = indicators["2.1"]
    assert (
        on_time["numerator"],
        on_time["denominator"],
        on_time["ratio"],
        on_time["percent"],
        on_time["points"],
    ) == (
        3,
        4,
        "0.7500",
        "75.00",
        "15.00",
    )
    assert on_time["no_data"] is False
    assert on_time["target"] == {"rate": "100.00", "source": "central", "year": 2026}
    assert on_time["band"] == "orange"  # 75 % of a 100 % target: orange from 75 %
    assert on_time["dossiers"].startswith(
        f"/api/v1/kpi/index/2.1/dossiers?unit={world.commune_a.pk}&period=2026-12"
    )
    payments = indicators["3.6"]
    assert (payments["no_data"], payments["points"], payments["band"], payments["dossiers"]) == (
        True,
        "0.00",
        None,
        None,
    )
    assert indicators["1.2"]["applicable"] is False and indicators["1.2"]["points"] == "4.00"
    groups = {group["id"]: group for group in body["groups"]}
    assert groups["progress"] == {
        "id": "progress",
        "name": "Tiến độ, kết quả giải quyết",
        "official_name": "Tiến độ, kết quả giải quyết",
        "parent": None,
        "points": "15.00",
        "max_points": "20",
    }
    assert Decimal(body["total"]) == sum(
        Decimal(groups[g]["points"]) for g in groups if groups[g]["parent"] is None
    )


@pytest.mark.django_db
def test_periods_and_ranges(client, world, counted, province_supervisor):
    client.force_login(province_supervisor)
    for params, received in (
        ({"period": "2026"}, 4),
        ({"period": "2026-Q4"}, 4),
        ({"period": "2026-q3"}, 0),
        ({"from": "2026-12-08", "to": "2026-12-09"}, 2),
        ({"period": "2027-01"}, 0),
    ):
        body = client.get(URL, {"unit": world.province.pk, **params}).json()
        assert next(i for i in body["indicators"] if i["id"] == "2.1")["denominator"] == received, params
    running = client.get(URL, {"unit": world.province.pk, "period": "2027"}).json()["period"]
    assert (running["running"], running["judged_at"]) == (True, "2027-01-15T10:00:00+07:00")


@pytest.mark.django_db
def test_a_unit_target_and_its_colour(client, world, counted):
    UnitTarget.objects.create(
        unit=world.commune_a, year=2026, metric="on_time", rate=Decimal("80.00"), note="Kế hoạch"
    )
    body = get(client, world.leader_a, unit=world.commune_a.pk, period="2026-12").json()
    on_time = next(i for i in body["indicators"] if i["id"] == "2.1")
    assert on_time["target"] == {"rate": "80.00", "source": "override", "year": 2026}
    assert on_time["band"] == "yellow"  # 75 ≥ 0.9 × 80 = 72


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "unit", "status", "code"),
    [
        ("anonymous", "commune_a", 401, "not_authenticated"),
        ("citizen", "commune_a", 403, "permission_denied"),
        ("specialist_a", "commune_a", 403, "permission_denied"),  # an officer, not a supervisor or leader
        ("leader_b", "commune_a", 403, "permission_denied"),  # another commune's leader
        ("leader_a", "province", 403, "permission_denied"),  # a commune's leader, the province's index
        ("leader_a", "commune_a", 200, None),
        ("supervisor_a", "centre_a", 200, None),  # a grant covers the subtree
        ("province_supervisor", "commune_b", 200, None),
        ("province_supervisor", "province", 200, None),
        ("commune_admin", "commune_a", 200, None),
        ("superuser", "province", 200, None),
    ],
)
def test_who_sees_the_index(client, world, counted, province_supervisor, who, unit, status, code):
    users = {
        "anonymous": None,
        "province_supervisor": province_supervisor,
        "commune_admin": make_user("quantri.a", (Role.ADMIN, world.commune_a)),
    }
    user = users[who] if who in users else getattr(world, who)
    response = get(client, user, unit=getattr(world, unit).pk, period="2026")
    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "2026-13"}, "period", "Tháng phải từ 01 đến 12."),
        (
            {"period": "năm nay"},
            "period",
            "Hãy ghi kỳ dưới dạng năm (2026), quý (2026-Q3) hoặc tháng (2026-08).",
        ),
        ({"period": "1999"}, "period", "Năm phải từ 2000 đến 2100."),
        ({"from": "2026-01-01"}, "to", "Hãy nhập cả hai đầu của khoảng thời gian."),
        (
            {"from": "2026-02-01", "to": "2026-01-01"},
            "to",
            "Ngày kết thúc khoảng thời gian ở trước ngày bắt đầu.",
        ),
        (
            {"period": "2026", "from": "2026-01-01", "to": "2026-01-31"},
            "period",
            "Hãy chọn một kỳ hoặc một khoảng thời gian, không chọn cả hai.",
        ),
    ],
)
def test_bad_periods_are_refused_with_a_reason(client, world, counted, params, field, message):
    response = get(client, world.leader_a, unit=world.commune_a.pk, **params)
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_period", "message": message, "fields": {field: message}}


@pytest.mark.django_db
def test_unknown_units_and_bad_input(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get(URL, {"unit": 999_999, "period": "2026"})
    assert (response.status_code, response.json()["code"]) == (404, "unit_not_found")
    response = client.get(URL, {"unit": "xã", "period": "2026"})
    assert (response.status_code, response.json()["fields"]) == (422, {"unit": "Nhập một số nguyên."})
    assert client.get(URL, {"period": "2026"}).status_code == 422
    assert client.get(URL, {"unit": 10**20, "period": "2026"}).status_code == 422


@pytest.mark.django_db
def test_the_index_reads_counters_only_in_a_bounded_number_of_queries(client, world, procedure, now):
    supervisor = make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))
    client.force_login(supervisor)
    params = {"unit": world.province.pk, "period": "2026"}

    def measure():
        deliver()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    approve(world, counter_received(world, procedure, when=at(7, 9)), at(7, 10))
    few = measure()
    for day in (8, 9, 10, 11, 14, 15):
        approve(world, counter_received(world, procedure, when=at(day, 9)), at(day + 1, 10))
    many = measure()
    assert len(many) == len(few) <= 14
    for sql in many:
        assert "dossiers_" not in sql, sql
    # A running period adds one query on the facts of dossiers falling due today, and no more.
    running = client.get(URL, {"unit": world.province.pk, "period": "2027"})
    assert running.status_code == 200
