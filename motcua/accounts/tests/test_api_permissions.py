"""Every accounts endpoint, asked by anonymous / citizen / officer of another unit / this unit's admin /
superuser. Officers of commune A are the objects; commune B's people are the strangers."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import ApiToken, Role, RoleGrant, User
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.conftest import PASSWORD, People, Tree, client_for, make_staff

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "citizen", "officer_b", "admin_b", "admin_a", "superuser"]


def api(people: People, actor: str) -> Client:
    return client_for(people.by_name(actor))


def status_of(response: Any) -> int:
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"code", "message", "fields"}  # always a JSON problem
    return response.status_code


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anonymous", 401), ("citizen", 200), ("officer_b", 200), ("admin_a", 200), ("superuser", 200)],
)
def test_me(people: People, actor: str, expected: int) -> None:
    response = api(people, actor).get("/api/v1/accounts/me")

    assert status_of(response) == expected
    if expected == 200:
        assert response.json()["id"] == people.by_name(actor).pk  # type: ignore[union-attr]


def test_me_shows_the_citizen_their_own_data_and_staff_their_grants(tree: Tree, people: People) -> None:
    citizen = api(people, "citizen").get("/api/v1/accounts/me").json()
    officer = api(people, "admin_a").get("/api/v1/accounts/me").json()

    assert (citizen["kind"], citizen["personal_id"], citizen["email_verified"], citizen["grants"]) == (
        "citizen",
        "025085001234",
        True,
        [],
    )
    [grant] = officer["grants"]
    assert (grant["role"], grant["role_label"], grant["unit_id"], grant["unit_name"]) == (
        "admin",
        "Quản trị hệ thống",
        tree.commune_a.pk,
        "Ủy ban nhân dân xã Thanh Ba",
    )


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anonymous", 401), ("citizen", 201), ("officer_b", 201), ("admin_a", 201), ("superuser", 201)],
)
def test_create_own_token(people: People, actor: str, expected: int) -> None:
    response = api(people, actor).post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json"
    )

    assert status_of(response) == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anonymous", 401), ("citizen", 200), ("officer_b", 200), ("admin_a", 200), ("superuser", 200)],
)
def test_list_own_tokens(people: People, actor: str, expected: int) -> None:
    assert status_of(api(people, actor).get("/api/v1/accounts/tokens")) == expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("officer_b", 404),
        ("admin_b", 404),
        ("admin_a", 204),
        ("superuser", 204),
    ],
)
def test_revoke_a_token_of_officer_a(people: People, actor: str, expected: int) -> None:
    token, _secret = api_token_create(actor=people.officer_a, owner=people.officer_a, name="A")

    response = api(people, actor).delete(f"/api/v1/accounts/tokens/{token.pk}")

    assert status_of(response) == expected
    token.refresh_from_db()
    assert (token.revoked_at is not None) is (expected == 204)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", None),
        ("citizen", ["congdan.an"]),
        ("officer_b", ["tiepnhan.b"]),
        ("admin_b", ["quantri.b", "tiepnhan.b"]),
        ("admin_a", ["quantri.a", "tiepnhan.a"]),
        ("superuser", "all"),
    ],
)
def test_list_users_is_scoped(people: People, actor: str, expected: Any) -> None:
    response = api(people, actor).get("/api/v1/accounts/users?limit=100")

    if expected is None:
        assert status_of(response) == 401
        return
    assert response.status_code == 200
    names = sorted(item["username"] for item in response.json()["items"])
    assert names == (
        sorted(User.objects.values_list("username", flat=True)) if expected == "all" else expected
    )
    assert response.json()["count"] == len(names)


def test_list_users_costs_the_same_queries_for_many_users(tree: Tree, people: People) -> None:
    client = api(people, "admin_province")

    def queries_for_listing() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/accounts/users?limit=100").status_code == 200
        return len(captured)

    few = queries_for_listing()
    for number in range(10):
        make_staff(f"them.{number}", (Role.SPECIALIST, tree.commune_a), (Role.LEADER, tree.commune_b))
    assert queries_for_listing() == few


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("officer_b", 404),
        ("admin_b", 404),
        ("admin_a", 200),
        ("superuser", 200),
    ],
)
def test_deactivate_officer_a(people: People, actor: str, expected: int) -> None:
    response = api(people, actor).post(f"/api/v1/accounts/users/{people.officer_a.pk}/deactivate")

    assert status_of(response) == expected
    assert User.objects.get(pk=people.officer_a.pk).is_active is (expected != 200)
    if expected == 200:
        assert response.json()["is_active"] is False


def test_a_visible_user_the_actor_may_not_deactivate_is_403(tree: Tree, people: People) -> None:
    # The officer of A also works in B: admin A sees them (a grant inside A) but may not deactivate them.
    RoleGrant.objects.create(user=people.officer_a, role=Role.SPECIALIST, unit=tree.commune_b)

    response = api(people, "admin_a").post(f"/api/v1/accounts/users/{people.officer_a.pk}/deactivate")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Bạn chỉ được vô hiệu hóa tài khoản cán bộ của các đơn vị do bạn quản trị.",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("officer_b", 404),
        ("admin_b", 404),
        ("admin_a", 201),
        ("superuser", 201),
    ],
)
def test_grant_a_role_to_officer_a_on_commune_a(
    tree: Tree, people: People, actor: str, expected: int
) -> None:
    response = api(people, actor).post(
        "/api/v1/accounts/grants",
        {"user_id": people.officer_a.pk, "role": "leader", "unit_id": tree.commune_a.pk},
        content_type="application/json",
    )

    assert status_of(response) == expected
    assert RoleGrant.objects.filter(user=people.officer_a, role=Role.LEADER).exists() is (expected == 201)
    if expected == 201:
        assert (response.json()["role"], response.json()["unit_id"]) == ("leader", tree.commune_a.pk)


def test_an_admin_of_a_cannot_grant_on_b_403(tree: Tree, people: People) -> None:
    response = api(people, "admin_a").post(
        "/api/v1/accounts/grants",
        {"user_id": people.officer_a.pk, "role": "leader", "unit_id": tree.commune_b.pk},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Bạn chỉ được quản lý cán bộ và phân quyền tại các đơn vị do bạn quản trị "
        "và các đơn vị trực thuộc.",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"role": "emperor"}, 422, "validation_error"),
        ({"role": "citizen"}, 422, "validation_error"),  # a valid enum value, but not a staff role
        ({"unit_id": 999_999}, 404, "not_found"),
        ({"user_id": 999_999}, 404, "not_found"),
        ({"role": "intake_officer", "unit_id": "centre"}, 422, "validation_error"),
    ],
)
def test_grant_input_errors(
    tree: Tree, people: People, payload: dict[str, Any], status: int, code: str
) -> None:
    body = {"user_id": people.officer_a.pk, "role": "leader", "unit_id": tree.commune_a.pk, **payload}
    if payload.get("unit_id") == "centre":
        body["unit_id"] = "trung-tam"

    response = api(people, "admin_a").post("/api/v1/accounts/grants", body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 401),
        ("citizen", 404),
        ("officer_b", 404),
        ("admin_b", 404),
        ("officer_a", 403),  # their own grant: visible, not theirs to revoke
        ("admin_a", 204),
        ("superuser", 204),
    ],
)
def test_revoke_the_grant_of_officer_a(people: People, actor: str, expected: int) -> None:
    grant = RoleGrant.objects.get(user=people.officer_a)

    response = api(people, actor).delete(f"/api/v1/accounts/grants/{grant.pk}")

    assert status_of(response) == expected
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) is (expected == 204)


@pytest.mark.parametrize("actor", ["anonymous", "citizen"])
def test_sign_up_is_public(people: People, actor: str) -> None:
    response = api(people, actor).post(
        "/api/v1/accounts/sign-up",
        {
            "personal_id": "001085009999",
            "full_name": "Phạm Văn Công",
            "email": "cong@example.vn",
            "phone": "0912000009",
            "password": PASSWORD,
        },
        content_type="application/json",
    )

    assert response.status_code == 201


@pytest.mark.parametrize("actor", ["anonymous", "citizen"])
def test_token_obtain_is_public(people: People, actor: str) -> None:
    response = api(people, actor).post(
        "/api/v1/accounts/tokens/obtain",
        {"identifier": "tiepnhan.b", "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert ApiToken.objects.get(pk=response.json()["id"]).owner == people.officer_b


def test_token_obtain_refuses_an_unverified_citizen(people: People) -> None:
    User.objects.filter(pk=people.citizen.pk).update(email_verified_at=None)

    response = Client().post(
        "/api/v1/accounts/tokens/obtain",
        {"identifier": "025085001234", "password": PASSWORD},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (403, "email_not_verified")


def test_granting_the_citizen_role_names_the_role_field(tree: Tree, people: People) -> None:
    response = api(people, "admin_a").post(
        "/api/v1/accounts/grants",
        {"user_id": people.officer_a.pk, "role": "citizen", "unit_id": tree.commune_a.pk},
        content_type="application/json",
    )

    assert response.json()["fields"] == {
        "role": "Chỉ chọn vai trò của cán bộ; công dân và tổ chức không được cấp vai trò."
    }
