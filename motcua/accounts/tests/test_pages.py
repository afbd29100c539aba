"""Every accounts page, opened by anonymous / citizen / officer of another unit / this unit's admin /
superuser; and the staff-management pages doing their work."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Role, RoleGrant, User
from motcua.accounts.tests.conftest import People, Tree, client_for, make_staff

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/accounts/sign-up/",
    "/accounts/sign-up/organisation/",
    "/accounts/sign-up/sent/",
    "/accounts/verify-email/resend/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    "/accounts/password-reset/complete/",
]


@pytest.mark.parametrize("actor", ["anonymous", "citizen", "officer_b", "admin_a", "superuser"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_open_for_everyone_in_vietnamese(people: People, actor: str, path: str) -> None:
    response = client_for(people.by_name(actor)).get(path)

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.parametrize(("actor", "expected"), [("anonymous", 200), ("citizen", 302), ("admin_a", 302)])
def test_the_login_page(people: People, actor: str, expected: int) -> None:
    response = client_for(people.by_name(actor)).get("/accounts/login/")

    assert response.status_code == expected


def test_the_login_page_has_labelled_fields_and_csrf(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()

    assert '<label for="id_username">Tên đăng nhập, thư điện tử hoặc số định danh cá nhân</label>' in html
    assert '<label for="id_password">Mật khẩu</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/accounts/password-reset/"' in html


def test_login_refuses_a_post_without_csrf(people: People) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "quantri.a", "password": "mat-khau-rat-dai-2026"})

    assert response.status_code == 403


@pytest.mark.parametrize("identifier", ["quantri.a", "QUANTRI.A", "quantri.a@example.vn"])
def test_staff_sign_in_with_username_or_email(people: People, identifier: str) -> None:
    client = Client()

    response = client.post("/accounts/login/", {"username": identifier, "password": "mat-khau-rat-dai-2026"})

    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.pk == people.admin_a.pk


def test_logout_ends_the_session(people: People) -> None:
    client = client_for(people.admin_a)

    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").wsgi_request.user.is_authenticated is False


# --- staff management -------------------------------------------------------------------------------------

STAFF_PAGE_CASES = [
    ("anonymous", 302),
    ("citizen", 403),
    ("officer_b", 403),
    ("supervisor", 403),
    ("admin_a", 200),
    ("superuser", 200),
]


@pytest.mark.parametrize(("actor", "expected"), STAFF_PAGE_CASES)
def test_staff_list_page(people: People, actor: str, expected: int) -> None:
    response = client_for(people.by_name(actor)).get("/accounts/staff/")

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == "/accounts/login/?next=/accounts/staff/"


def test_the_staff_list_shows_only_the_admins_subtree(people: People) -> None:
    html = client_for(people.admin_a).get("/accounts/staff/").content.decode()

    assert "Tiepnhan A" in html and "Quantri A" in html
    assert "Tiepnhan B" not in html and "Giamsat Tinh" not in html
    assert "Ủy ban nhân dân phường Vân Phú" not in html  # commune B is not a choice of unit either


def test_the_staff_list_costs_the_same_queries_for_many_users(tree: Tree, people: People) -> None:
    client = client_for(people.admin_province)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/accounts/staff/").status_code == 200
        return len(captured)

    few = queries()
    for number in range(10):
        make_staff(f"them.{number}", (Role.SPECIALIST, tree.commune_a), (Role.LEADER, tree.commune_b))
    assert queries() == few


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("officer_b", 403),
        ("admin_b", 404),
        ("admin_a", 200),
        ("superuser", 200),
    ],
)
def test_staff_detail_page_of_officer_a(people: People, actor: str, expected: int) -> None:
    response = client_for(people.by_name(actor)).get(f"/accounts/staff/{people.officer_a.pk}/")

    assert response.status_code == expected


def test_staff_create_through_the_page(
    tree: Tree, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(people.admin_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/staff/",
            {
                "username": "chuyenvien.moi",
                "full_name": "Đặng Văn Mới",
                "email": "moi@example.vn",
                "unit": tree.centre_a.pk,
                "roles": ["specialist", "leader"],
            },
        )

    officer = User.objects.get(username="chuyenvien.moi")
    assert (response.status_code, response["Location"]) == (302, f"/accounts/staff/{officer.pk}/")
    assert sorted(RoleGrant.objects.filter(user=officer).values_list("role", flat=True)) == [
        "leader",
        "specialist",
    ]
    assert "Đã tạo tài khoản cho Đặng Văn Mới." in client.get(response["Location"]).content.decode()


def test_staff_create_on_commune_b_is_refused_on_the_page(tree: Tree, people: People) -> None:
    response = client_for(people.admin_a).post(
        "/accounts/staff/",
        {
            "username": "chuyenvien.moi",
            "full_name": "Đặng Văn Mới",
            "email": "moi@example.vn",
            "unit": tree.commune_b.pk,
            "roles": ["specialist"],
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_unit_error"' in html
    assert 'value="chuyenvien.moi"' in html
    assert not User.objects.filter(username="chuyenvien.moi").exists()


def test_staff_create_shows_service_errors_next_to_fields(tree: Tree, people: People) -> None:
    response = client_for(people.admin_a).post(
        "/accounts/staff/",
        {
            "username": "tiepnhan.b",
            "full_name": "Trùng Tên",
            "email": "x@example.vn",
            "unit": tree.commune_a.pk,
            "roles": ["specialist"],
        },
    )

    assert response.status_code == 400
    assert "Tên đăng nhập này đã được sử dụng; vui lòng chọn tên khác." in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("officer_b", 403),
        ("admin_b", 404),
        ("admin_a", 302),
        ("superuser", 302),
    ],
)
def test_grant_through_the_page(tree: Tree, people: People, actor: str, expected: int) -> None:
    response = client_for(people.by_name(actor)).post(
        f"/accounts/staff/{people.officer_a.pk}/grants/", {"role": "leader", "unit": tree.commune_a.pk}
    )

    assert response.status_code == expected
    granted = RoleGrant.objects.filter(user=people.officer_a, role=Role.LEADER).exists()
    assert granted is (expected == 302 and actor != "anonymous")


def test_an_admin_of_a_granting_on_b_gets_an_error_on_the_page(tree: Tree, people: People) -> None:
    response = client_for(people.admin_a).post(
        f"/accounts/staff/{people.officer_a.pk}/grants/", {"role": "leader", "unit": tree.commune_b.pk}
    )

    assert response.status_code == 400
    assert 'id="id_unit_error"' in response.content.decode()
    assert not RoleGrant.objects.filter(user=people.officer_a, role=Role.LEADER).exists()


def test_a_duplicate_grant_shows_the_service_message(tree: Tree, people: People) -> None:
    response = client_for(people.admin_a).post(
        f"/accounts/staff/{people.officer_a.pk}/grants/", {"role": "intake_officer", "unit": tree.centre_a.pk}
    )

    assert response.status_code == 400
    assert "Người này đã có vai trò này tại đơn vị này." in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("officer_b", 403),
        ("admin_b", 404),
        ("admin_a", 302),
        ("superuser", 302),
    ],
)
def test_revoke_through_the_page(people: People, actor: str, expected: int) -> None:
    grant = RoleGrant.objects.get(user=people.officer_a)

    response = client_for(people.by_name(actor)).post(f"/accounts/grants/{grant.pk}/revoke/")

    assert response.status_code == expected
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) is (expected == 302 and actor != "anonymous")


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("officer_b", 403),
        ("admin_b", 404),
        ("admin_a", 302),
        ("superuser", 302),
    ],
)
def test_deactivate_through_the_page(people: People, actor: str, expected: int) -> None:
    response = client_for(people.by_name(actor)).post(f"/accounts/staff/{people.officer_a.pk}/deactivate/")

    assert response.status_code == expected
    deactivated = not User.objects.get(pk=people.officer_a.pk).is_active
    assert deactivated is (expected == 302 and actor != "anonymous")


def test_deactivating_oneself_shows_a_message(people: People) -> None:
    client = client_for(people.admin_a)

    response = client.post(f"/accounts/staff/{people.admin_a.pk}/deactivate/", follow=True)

    assert "Bạn không thể tự vô hiệu hóa tài khoản của mình" in response.content.decode()
    assert User.objects.get(pk=people.admin_a.pk).is_active is True


def test_staff_actions_need_post(people: People) -> None:
    client = client_for(people.admin_a)

    assert client.get(f"/accounts/staff/{people.officer_a.pk}/deactivate/").status_code == 405
