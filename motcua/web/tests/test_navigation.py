"""The main navigation follows the signed-in person's roles."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone, translation

from motcua.accounts.models import Role, RoleGrant, User
from motcua.web.navigation import navigation_for
from motcua.web.tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def _labels(user: Any, path: str = "/") -> list[str]:
    with translation.override("en"):
        return [link.label for link in navigation_for(user, path)]


def test_anonymous_and_applicants_see_the_public_home(world: World) -> None:
    assert _labels(AnonymousUser()) == ["Home", "Administrative procedures", "Look up a dossier"]
    assert _labels(world.citizen) == ["Home", "My dossiers", "Administrative procedures", "Look up a dossier"]
    assert _labels(world.organization) == [
        "Home",
        "My dossiers",
        "Administrative procedures",
        "Look up a dossier",
    ]


@pytest.mark.parametrize("who", ["intake_officer", "newcomer"])
def test_officers_see_their_workspace(world: World, who: str) -> None:
    assert _labels(getattr(world, who)) == ["My workspace", "Dossiers", "Administrative procedures"]


def test_a_leader_also_sees_the_service_index(world: World) -> None:
    # world.specialist is a specialist of a department and a leader of a commune.
    assert _labels(world.specialist) == ["My workspace", "Dossiers", "Administrative procedures", "Index 766"]


def test_integrators_also_see_the_api_documentation(world: World) -> None:
    assert _labels(world.integrator) == [
        "My workspace",
        "Dossiers",
        "Administrative procedures",
        "API documentation",
    ]


def _administrator(username: str, unit: Any) -> User:
    administrator = User.objects.create_user(username=username, password=PASSWORD, kind=User.Kind.STAFF)
    RoleGrant.objects.create(user=administrator, role=Role.ADMIN, unit=unit)
    return administrator


def test_administrators_see_staff_calendar_and_api_documentation(world: World) -> None:
    administrator = _administrator("quantri.xa", world.commune)

    assert _labels(administrator) == [
        "My workspace",
        "Dossiers",
        "Administrative procedures",
        "Procedure editing",
        "Index 766",
        "Staff and roles",
        "Working calendar",
        "API documentation",
    ]


def test_the_calendar_link_opens_the_administrators_own_unit(world: World) -> None:
    commune_admin = _administrator("quantri.xa", world.commune)
    province_admin = _administrator("quantri.tinh", world.province)

    def calendar_url(user: User) -> str:
        return next(link.url for link in navigation_for(user, "/") if link.url.startswith("/worktime/"))

    assert calendar_url(commune_admin) == f"/worktime/calendar/?unit={world.commune.pk}"
    # The administrators of the province (a root unit) edit the national calendar.
    assert calendar_url(province_admin) == "/worktime/calendar/"
    assert calendar_url(world.superuser) == "/worktime/calendar/"


@pytest.mark.parametrize(
    "who",
    ["citizen", "organization", "specialist", "intake_officer", "newcomer", "integrator", "superuser"],
)
def test_every_link_shown_opens_for_the_person(client: Client, world: World, who: str) -> None:
    user = getattr(world, who)
    client.force_login(user)

    for link in navigation_for(user, "/"):
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, link.url


@pytest.mark.parametrize("unit", ["commune", "province"])
def test_every_link_shown_opens_for_an_administrator(client: Client, world: World, unit: str) -> None:
    administrator = _administrator(f"quantri.{unit}", getattr(world, unit))
    client.force_login(administrator)

    for link in navigation_for(administrator, "/"):
        assert client.get(link.url).status_code == 200, link.url


def test_a_revoked_admin_role_no_longer_shows(world: World) -> None:
    administrator = _administrator("quantri.cu", world.commune)
    RoleGrant.objects.filter(user=administrator).update(revoked_at=timezone.now())

    assert _labels(administrator) == ["My workspace", "Dossiers", "Administrative procedures"]


def test_the_superuser_sees_the_admin_site(world: World) -> None:
    assert _labels(world.superuser) == [
        "My workspace",
        "Dossiers",
        "Administrative procedures",
        "Procedure editing",
        "Index 766",
        "Staff and roles",
        "Working calendar",
        "API documentation",
        "Site administration",
    ]


def test_the_current_page_is_marked(world: World) -> None:
    links = navigation_for(world.integrator, "/staff/")

    assert [(link.url, link.current) for link in links] == [
        ("/staff/", True),
        ("/can-bo/", False),
        ("/thu-tuc/", False),
        ("/api/v1/docs", False),
    ]


def test_the_rendered_navigation_is_in_vietnamese(client: Client, world: World) -> None:
    client.force_login(world.superuser)

    html = client.get("/staff/").content.decode()

    assert '<li><a href="/staff/" aria-current="page">Bàn làm việc</a></li>' in html
    assert '<li><a href="/accounts/staff/">Cán bộ và vai trò</a></li>' in html
    assert '<li><a href="/worktime/calendar/">Lịch làm việc</a></li>' in html
    assert '<li><a href="/api/v1/docs">Tài liệu API</a></li>' in html
    assert '<li><a href="/admin/">Quản trị hệ thống</a></li>' in html
