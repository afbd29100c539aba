"""The dashboard: a queue per role with keyset pages ("Xem thêm" loads the next rows in place), filters,
counts from the counters, the late and at-risk lists."""

import re

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import PASSWORD, World, at, counter_received, online_submitted

pytestmark = pytest.mark.django_db


def _codes(html: str) -> list[str]:
    return re.findall(r'<td><a href="/can-bo/ho-so/[0-9a-f-]+/">([^<]+)</a></td>', html)


def test_show_more_loads_the_next_page_in_place(client: Client, world: World, procedure: Procedure) -> None:
    dossiers = [online_submitted(world, procedure, when=at(2, 8, index, month=11)) for index in range(23)]
    client.login(username=world.intake_a.username, password=PASSWORD)

    first = client.get("/can-bo/?role=intake_officer").content.decode()
    link = re.search(r'hx-get="([^"]+)"', first)
    assert link is not None
    rest = client.get(link.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()

    shown = _codes(first) + _codes(rest)
    assert shown == [str(dossier.public_id) for dossier in dossiers]
    assert len(_codes(first)) == 20
    assert 'id="queue-more"' not in rest
    assert not rest.lstrip().startswith("<!doctype")


def test_the_queue_filters_by_channel(client: Client, world: World, procedure: Procedure) -> None:
    online = online_submitted(world, procedure, when=at(2, 8, month=11))
    client.login(username=world.intake_a.username, password=PASSWORD)

    direct_only = client.get("/can-bo/?role=intake_officer&channel=1").content.decode()
    online_only = client.get("/can-bo/?role=intake_officer&channel=2").content.decode()

    assert _codes(direct_only) == []
    assert "Không có hồ sơ nào chờ bạn trong danh sách này." in direct_only
    assert _codes(online_only) == [str(online.public_id)]


def test_an_invalid_filter_is_explained(client: Client, world: World) -> None:
    client.login(username=world.intake_a.username, password=PASSWORD)

    response = client.get("/can-bo/?role=intake_officer&status=rejected")

    assert response.status_code == 200
    assert '<div class="alert-box" role="alert">' in response.content.decode()


def test_counts_come_from_the_counters_and_late_dossiers_are_listed(
    client: Client, world: World, procedure: Procedure
) -> None:
    late = counter_received(world, procedure, when=at(2, 9, month=11))
    on_time = counter_received(world, procedure, when=at(2, 10, month=11))
    services.dossier_ask_supplement(
        dossier=late, actor=world.specialist_a, items=["Sổ hộ khẩu"], reason="Thiếu", at=at(2, 11, month=11)
    )
    client.login(username=world.leader_a.username, password=PASSWORD)

    html = client.get("/can-bo/?role=leader").content.decode()

    counts = {
        label: int(value)
        for value, label in re.findall(
            r'<li><strong>(\d+)</strong> <span data-status="[a-z_]+">([^<]+)</span>', html
        )
    }
    assert counts == {"đang xử lý": 1, "chờ bổ sung hồ sơ": 1}
    # Late: the dossier under the clock past its due moment. The one waiting for the supplement has its
    # clock paused since the request, with less than the at-risk margin left: at risk.
    late_section = html.split('id="late-title"', 1)[1].split("</section>", 1)[0]
    risk_section = html.split('id="risk-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/can-bo/ho-so/([0-9a-f-]+)/"', late_section) == [str(on_time.public_id)]
    assert re.findall(r'href="/can-bo/ho-so/([0-9a-f-]+)/"', risk_section) == [str(late.public_id)]
    assert '<span class="urgency urgency-late">Quá hạn ' in late_section
    assert '<span class="urgency urgency-risk">Tạm dừng, còn 6 giờ</span>' in risk_section


def test_each_role_has_its_tab(client: Client, world: World) -> None:
    from motcua.accounts.models import Role, RoleGrant

    RoleGrant.objects.create(user=world.leader_a, role=Role.INTAKE_OFFICER, unit=world.centre_a)
    client.login(username=world.leader_a.username, password=PASSWORD)

    html = client.get("/can-bo/").content.decode()

    assert re.findall(r'<li><a href="\?role=([a-z_]+)"', html) == ["intake_officer", "leader"]
    assert Dossier.objects.count() == 0


def test_the_counter_and_reassignment_links_show_only_to_who_may_use_them(
    client: Client, world: World
) -> None:
    shown = {}
    for person in (world.intake_a, world.specialist_a, world.leader_a):
        client.login(username=person.username, password=PASSWORD)
        html = client.get("/can-bo/").content.decode()
        shown[person.username] = [
            path
            for path in ("/can-bo/tiep-nhan/", "/can-bo/huong-dan/", "/can-bo/phan-cong/")
            if f'href="{path}"' in html
        ]

    assert shown == {
        "tiepnhan.a": ["/can-bo/tiep-nhan/", "/can-bo/huong-dan/"],
        "chuyenvien.a": [],
        "lanhdao.a": ["/can-bo/phan-cong/"],
    }


def test_empty_lists_say_so_in_vietnamese(client: Client, world: World) -> None:
    client.login(username=world.specialist_a.username, password=PASSWORD)

    html = client.get("/can-bo/").content.decode()

    assert '<p class="muted">Không có hồ sơ quá hạn.</p>' in html
    assert '<p class="muted">Không có hồ sơ có nguy cơ trễ hạn.</p>' in html
