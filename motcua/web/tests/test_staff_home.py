"""The staff workspace: who may open it, and what it shows."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.accounts.models import Role, RoleGrant
from motcua.web.tests.conftest import World, page_html

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/"


@pytest.mark.parametrize("who", ["citizen", "organization"])
def test_applicants_are_refused_with_a_vietnamese_message(client: Client, world: World, who: str) -> None:
    client.force_login(getattr(world, who))

    response = client.get("/staff/")

    html = page_html(response)
    assert response.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in html
    assert "Trang này dành cho cán bộ, công chức các cơ quan." in html


def test_an_officer_sees_each_role_with_its_unit_and_code(client: Client, world: World) -> None:
    client.force_login(world.specialist)

    response = client.get("/staff/")

    html = page_html(response)
    assert response.status_code == 200
    assert "<h1>Bàn làm việc</h1>" in html
    rows = response.context["grants"]
    assert [(grant.role, grant.unit.name) for grant in rows] == [
        (Role.SPECIALIST, "Sở Tư pháp tỉnh Phú Thọ"),
        (Role.LEADER, "Ủy ban nhân dân phường Vân Phú"),
    ]
    assert "<code>H44.91</code>" in html
    assert "<code>H44.103</code>" in html
    assert "<td>Chuyên viên</td>" in html
    assert "<dt>Chuyên viên</dt>" in html
    assert "<dt>Lãnh đạo</dt>" in html
    assert "Sở, ban, ngành · Cấp tỉnh" in html
    # The header names the person and their highest unit.
    assert '<span class="who">Lê Văn Hùng</span>' in html
    assert '<span class="who-unit">Sở Tư pháp</span>' in html


def test_an_officer_of_another_unit_sees_only_their_own_roles(client: Client, world: World) -> None:
    client.force_login(world.intake_officer)

    response = client.get("/staff/")

    assert [(grant.role, grant.unit) for grant in response.context["grants"]] == [
        (Role.INTAKE_OFFICER, world.centre)
    ]
    html = page_html(response)
    assert "Sở Tư pháp" not in html
    assert "<code>H44.103.50</code>" in html


def test_a_revoked_role_is_not_shown(client: Client, world: World) -> None:
    RoleGrant.objects.filter(user=world.specialist, role=Role.LEADER).update(revoked_at=timezone.now())
    client.force_login(world.specialist)

    response = client.get("/staff/")

    assert [grant.role for grant in response.context["grants"]] == [Role.SPECIALIST]


def test_staff_without_a_role_are_told_whom_to_ask(client: Client, world: World) -> None:
    client.force_login(world.newcomer)

    response = client.get("/staff/")

    assert response.status_code == 200
    assert response.context["grants"] == []
    assert (
        "Bạn chưa được giao vai trò nào. Đề nghị quản trị viên của đơn vị giao vai trò cho bạn."
        in page_html(response)
    )


@pytest.mark.parametrize("who", ["superuser", "integrator"])
def test_superuser_and_integrator_may_open_it(client: Client, world: World, who: str) -> None:
    client.force_login(getattr(world, who))

    assert client.get("/staff/").status_code == 200


def test_workspace_in_english(client: Client, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.intake_officer)

    html = page_html(client.get("/staff/"))

    assert "<h1>My workspace</h1>" in html
    assert "<dt>Intake officer</dt>" in html


def test_the_workspace_query_count_does_not_grow_with_the_roles(client: Client, world: World) -> None:
    client.force_login(world.intake_officer)
    with CaptureQueriesContext(connection) as one_role:
        client.get("/staff/")
    for unit in (world.province, world.department, world.commune):
        RoleGrant.objects.create(user=world.intake_officer, role=Role.SUPERVISOR, unit=unit)

    with CaptureQueriesContext(connection) as four_roles:
        response = client.get("/staff/")

    assert len(response.context["grants"]) == 4
    assert len(four_roles) == len(one_role)


@pytest.mark.parametrize("who", ["specialist", "intake_officer", "newcomer", "integrator", "superuser"])
def test_staff_land_on_their_workspace_from_the_home_page(client: Client, world: World, who: str) -> None:
    client.force_login(getattr(world, who))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_applicants_stay_on_the_home_page(client: Client, world: World) -> None:
    client.force_login(world.citizen)

    assert client.get("/").status_code == 200
