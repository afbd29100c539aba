"""The dashboard (/chi-so/): who opens it, what it shows, the htmx partial, bad input, the drill-down pages,
and the dossier timeline."""

import datetime as dt
import re

import pytest

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import at, counter_received, make_user
from motcua.kpi import facts as kpi_facts
from motcua.kpi.tests.support import deliver
from motcua.worktime.calendar import TZ

URL = "/chi-so/"
JANUARY = dt.datetime(2027, 1, 15, 10, 0, tzinfo=TZ)


def approve(world, dossier, when):
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=when)


@pytest.fixture
def counted(world, procedure, monkeypatch):
    monkeypatch.setattr(kpi_facts, "now", lambda: JANUARY)
    for day in (7, 8, 9):
        approve(world, counter_received(world, procedure, when=at(day, 9)), at(day, 10))
    late = counter_received(world, procedure, when=at(14, 9))
    approve(world, late, at(16, 9))
    deliver()
    return late


@pytest.fixture
def province_supervisor(world):
    return make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("citizen", 403), ("specialist_a", 403), ("intake_b", 403)])
def test_only_supervisors_leaders_and_administrators_open_it(client, world, counted, who, status):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == status


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, world, counted):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_leader_sees_the_commune_index(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get(URL, {"period": "2026-12"})
    assert response.status_code == 200
    page = text(response)
    assert f"{world.commune_a.name} · Tháng 12/2026" in page
    assert '<span class="kpi-points">' in page
    row = re.search(r'<tr id="indicator-21".*?</tr>', page).group(0)
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in row
    assert ">3</a>" in row and ">4</a>" in row and "75,00 %" in row and "15,00" in row
    assert '<span class="band band-orange">Cam</span>' in row
    assert "which=numerator" in row
    no_data = re.search(r'<tr id="indicator-36".*?</tr>', page).group(0)
    assert "Chưa có dữ liệu" in no_data
    assert "Chỉ số 766" in page  # the navigation entry
    assert "Xu hướng theo tháng" in page and "<svg" in page


@pytest.mark.django_db
def test_the_province_ranks_its_communes(client, world, counted, province_supervisor):
    client.force_login(province_supervisor)
    page = text(client.get(URL, {"unit": world.province.pk, "period": "2026"}))
    ranking = re.search(r'<table class="kpi-ranking">.*?</table>', page).group(0)
    assert world.commune_a.name in ranking
    assert world.commune_b.name not in ranking  # no dossier in the period
    assert f"?unit={world.commune_a.pk}&amp;period=2026" in ranking


@pytest.mark.django_db
def test_a_period_switch_with_htmx_returns_the_report_only(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get(URL, {"unit": world.commune_a.pk, "period": "2026-11"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="kpi-report"') and "<html" not in body
    assert "Tháng 11/2026" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "2026-13"}, "Tháng phải từ 01 đến 12."),
        (
            {"date_from": "2026-12-31", "date_to": "2026-12-01"},
            "Ngày kết thúc khoảng thời gian ở trước ngày bắt đầu.",
        ),
        ({"date_from": "2026-12-01"}, "Hãy nhập cả hai đầu của khoảng thời gian."),
        ({"date_from": "hôm qua", "date_to": "2026-12-01"}, "Nhập một ngày hợp lệ."),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client, world, counted, params, message):
    client.force_login(world.leader_a)
    response = client.get(URL, {"unit": world.commune_a.pk, **params})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert '<span class="kpi-points">' not in page
    for value in params.values():
        if value != "2026-13":
            assert f'value="{value}"' in page  # the form keeps what was typed


@pytest.mark.django_db
def test_a_unit_outside_ones_watch_is_refused(client, world, counted):
    client.force_login(world.leader_a)
    response = client.get(URL, {"unit": world.commune_b.pk, "period": "2026"})
    assert response.status_code == 400
    assert "Chỉ cán bộ giám sát, lãnh đạo và quản trị của đơn vị mới xem được bộ chỉ số của đơn vị." in text(
        response
    )


@pytest.mark.django_db
def test_the_dossiers_behind_a_number(client, world, counted):
    client.force_login(world.leader_a)
    url = "/chi-so/chi-tieu/2.1/ho-so/"
    page = text(client.get(url, {"unit": world.commune_a.pk, "period": "2026-12", "which": "missing"}))
    late = Dossier.objects.get(pk=counted.pk)
    codes = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert codes == [late.code]
    assert f"/chi-so/ho-so/{late.public_id}/" in page
    page = text(client.get(url, {"unit": world.commune_a.pk, "period": "2026-12", "which": "denominator"}))
    assert len(re.findall(r'<th scope="row"><a href=', page)) == 4
    response = client.get(url, {"unit": world.commune_a.pk, "period": "2026-12", "after": "xxx"})
    assert response.status_code == 400
    assert "Dấu trang không hợp lệ" in text(response)
    assert client.get("/chi-so/chi-tieu/1.1/ho-so/", {"unit": world.commune_a.pk}).status_code == 404
    assert client.get("/chi-so/chi-tieu/9.9/ho-so/", {"unit": world.commune_a.pk}).status_code == 404


@pytest.mark.django_db
def test_administrators_see_the_index_but_not_the_dossiers(client, world, counted):
    admin = make_user("quantri.a", (Role.ADMIN, world.commune_a))
    client.force_login(admin)
    page = text(client.get(URL, {"unit": world.commune_a.pk, "period": "2026-12"}))
    assert "which=numerator" not in page  # no links to lists of dossiers
    url = "/chi-so/chi-tieu/2.1/ho-so/"
    assert client.get(url, {"unit": world.commune_a.pk, "period": "2026-12"}).status_code == 403


@pytest.mark.django_db
def test_the_timeline_of_a_late_dossier(client, world, counted):
    client.force_login(world.leader_a)
    late = Dossier.objects.get(pk=counted.pk)
    page = text(client.get(f"/chi-so/ho-so/{late.public_id}/"))
    assert f"Diễn biến hồ sơ {late.code}" in page
    assert '<span class="band band-red">quá hạn</span> từ 09:00 15/12/2026' in page
    assert page.count("<tr><td>") == 5  # created, submitted, received, forwarded, approved
    client.force_login(world.leader_b)
    assert client.get(f"/chi-so/ho-so/{late.public_id}/").status_code == 404


@pytest.mark.django_db
def test_a_date_range_or_a_period(client, world, counted):
    client.force_login(world.leader_a)
    page = text(
        client.get(URL, {"unit": world.commune_a.pk, "date_from": "2026-12-08", "date_to": "2026-12-09"})
    )
    assert "Từ 08/12/2026 đến 09/12/2026" in page
    assert '<option value="" selected>Khoảng thời gian (nhập ngày)</option>' in page
    # Choosing a period in the list replaces the range typed before.
    page = text(
        client.get(
            URL,
            {
                "unit": world.commune_a.pk,
                "period": "2026-12",
                "date_from": "2026-12-08",
                "date_to": "2026-12-09",
            },
        )
    )
    assert "· Tháng 12/2026" in page and 'value="2026-12-08"' not in page
    # Links written with the API's names open the same range.
    page = text(client.get(URL, {"unit": world.commune_a.pk, "from": "2026-12-08", "to": "2026-12-09"}))
    assert "Từ 08/12/2026 đến 09/12/2026" in page
