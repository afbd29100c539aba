"""API tokens: valid; revoked, expired, unknown, deactivated owner refused; hashed at rest; session CSRF."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import ApiToken, Role
from motcua.accounts.services import api_token_create, api_token_revoke, staff_deactivate
from motcua.accounts.tests.conftest import Tree, make_staff
from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_valid_token_authenticates(client: Client) -> None:
    user = make_staff("tichhop.dvcqg")
    token, secret = api_token_create(actor=user, owner=user, name="Cổng DVCQG")

    response = client.get(ME, **bearer(secret))

    assert response.status_code == 200
    assert response.json()["username"] == "tichhop.dvcqg"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_secret_is_shown_once_and_only_its_hash_is_stored() -> None:
    user = make_staff("tichhop.dvcqg")

    token, secret = api_token_create(actor=user, owner=user, name="Cổng DVCQG")

    prefix = secret.split("_")[1]
    assert secret.startswith(f"mc_{prefix}_") and len(secret) == len(f"mc_{prefix}_") + 43
    assert (token.prefix, token.key_hash) == (prefix, hashlib.sha256(secret.encode()).hexdigest())
    assert (token.expires_at - token.created_at) == timedelta(days=90)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    stored = " ".join(str(value) for row in rows for value in row)
    assert secret not in stored
    assert secret.split("_", 2)[2] not in stored
    assert all(secret not in str(record.after) for record in audit_trail_of(token))
    assert "key_hash" not in audit_trail_of(token)[0].after


@pytest.mark.parametrize(
    ("spoil", "code", "message"),
    [
        ("revoke", "token_revoked", "Mã truy cập API đã bị thu hồi; vui lòng đề nghị cấp mã mới."),
        ("expire", "token_expired", "Mã truy cập API đã hết hạn; vui lòng tạo mã mới."),
        ("unknown", "invalid_token", "Mã truy cập API không hợp lệ."),
        ("wrong_secret", "invalid_token", "Mã truy cập API không hợp lệ."),
        ("malformed", "invalid_token", "Mã truy cập API không hợp lệ."),
        ("inactive_owner", "invalid_token", "Mã truy cập API không hợp lệ."),
        # Deactivation through the service revokes the tokens too.
        ("deactivate_owner", "token_revoked", "Mã truy cập API đã bị thu hồi; vui lòng đề nghị cấp mã mới."),
    ],
)
def test_refused_tokens_get_a_401_problem(
    client: Client, tree: Tree, spoil: str, code: str, message: str
) -> None:
    admin = make_staff("quantri.tinh", (Role.ADMIN, tree.province))
    user = make_staff("tichhop.dvcqg", (Role.INTEGRATOR, tree.province))
    token, secret = api_token_create(actor=user, owner=user, name="Cổng DVCQG")
    if spoil == "revoke":
        api_token_revoke(actor=user, token=token)
    elif spoil == "expire":
        past = timezone.now() - timedelta(days=91)
        ApiToken.objects.filter(pk=token.pk).update(created_at=past, expires_at=past + timedelta(days=90))
    elif spoil == "unknown":
        secret = "mc_0123abcd_" + "x" * 43
    elif spoil == "wrong_secret":
        secret = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    elif spoil == "malformed":
        secret = "not-a-token"
    elif spoil == "inactive_owner":
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    else:
        staff_deactivate(actor=admin, user=user)

    response = client.get(ME, **bearer(secret))

    assert response.status_code == 401
    assert response.json() == {"code": code, "message": message, "fields": {}}


def test_a_bearer_header_that_fails_does_not_fall_back_to_the_session(client: Client) -> None:
    user = make_staff("canbo.mot")
    client.force_login(user, backend="motcua.accounts.backends.LoginBackend")

    response = client.get(ME, HTTP_AUTHORIZATION="Bearer mc_0123abcd_" + "x" * 43)

    assert response.status_code == 401


def test_no_credentials_is_401(client: Client) -> None:
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_session_works_for_reads_and_needs_csrf_for_writes() -> None:
    user = make_staff("canbo.mot")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="motcua.accounts.backends.LoginBackend")

    assert client.get(ME).status_code == 200
    refused = client.post("/api/v1/accounts/tokens", {"name": "thử"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "csrf_failed",
        "message": "Mã bảo mật của trang bị thiếu hoặc đã hết hạn; vui lòng tải lại trang và thử lại.",
        "fields": {},
    }
    client.get("/accounts/password-reset/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/accounts/tokens", {"name": "thử"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_create_list_and_revoke_through_the_api(client: Client) -> None:
    user = make_staff("tichhop.dvcqg")
    _first, first_secret = api_token_create(actor=user, owner=user, name="khởi tạo")

    created = client.post(
        "/api/v1/accounts/tokens",
        {"name": "Đồng bộ DVCQG", "days": 30},
        content_type="application/json",
        **bearer(first_secret),
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["owner_id"], body["revoked_at"]) == ("Đồng bộ DVCQG", user.pk, None)
    new = ApiToken.objects.get(pk=body["id"])
    assert new.expires_at - new.created_at == timedelta(days=30)
    assert ApiToken.hash_token(body["token"]) == new.key_hash

    listed = client.get("/api/v1/accounts/tokens", **bearer(first_secret))
    assert [item["name"] for item in listed.json()] == ["Đồng bộ DVCQG", "khởi tạo"]
    assert all("token" not in item and "key_hash" not in item for item in listed.json())

    revoked = client.delete(f"/api/v1/accounts/tokens/{new.pk}", **bearer(first_secret))
    assert revoked.status_code == 204
    new.refresh_from_db()
    assert new.revoked_at is not None
    assert client.get(ME, **bearer(body["token"])).status_code == 401
    again = client.delete(f"/api/v1/accounts/tokens/{new.pk}", **bearer(first_secret))
    assert (again.status_code, again.json()["code"]) == (409, "already_revoked")


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": ""}, {"name": "Vui lòng điền thông tin này."}),
        ({"name": "x" * 101}, {"name": "Tối đa 100 ký tự."}),
        ({"name": "ok", "days": 0}, {"days": "Mã truy cập có thời hạn từ 1 đến 366 ngày."}),
        ({"name": "ok", "days": 367}, {"days": "Mã truy cập có thời hạn từ 1 đến 366 ngày."}),
    ],
)
def test_token_input_errors(client: Client, payload: dict[str, Any], fields: dict[str, str]) -> None:
    user = make_staff("tichhop.dvcqg")
    client.force_login(user, backend="motcua.accounts.backends.LoginBackend")

    response = client.post("/api/v1/accounts/tokens", payload, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["fields"] == fields


def test_an_admin_creates_a_token_for_an_integrator_of_their_unit(client: Client, tree: Tree) -> None:
    admin = make_staff("quantri.tinh", (Role.ADMIN, tree.province))
    integrator = make_staff("tichhop.dvcqg", (Role.INTEGRATOR, tree.province))
    client.force_login(admin, backend="motcua.accounts.backends.LoginBackend")

    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "DVCQG", "user_id": integrator.pk},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["owner_id"] == integrator.pk
    assert client.get(ME, **bearer(response.json()["token"])).json()["username"] == "tichhop.dvcqg"
    listed = client.get(f"/api/v1/accounts/tokens?user_id={integrator.pk}")
    assert [item["name"] for item in listed.json()] == ["DVCQG"]


def test_an_admin_of_another_commune_cannot_touch_the_tokens(client: Client, tree: Tree) -> None:
    admin_b = make_staff("quantri.b", (Role.ADMIN, tree.commune_b))
    integrator = make_staff("tichhop.a", (Role.INTEGRATOR, tree.commune_a))
    token, _secret = api_token_create(actor=integrator, owner=integrator, name="A")
    client.force_login(admin_b, backend="motcua.accounts.backends.LoginBackend")

    created = client.post(
        "/api/v1/accounts/tokens", {"name": "x", "user_id": integrator.pk}, content_type="application/json"
    )
    listed = client.get(f"/api/v1/accounts/tokens?user_id={integrator.pk}")
    revoked = client.delete(f"/api/v1/accounts/tokens/{token.pk}")

    assert (created.status_code, listed.status_code, revoked.status_code) == (404, 404, 404)
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(ApplicationError) as error:
        api_token_create(actor=admin_b, owner=integrator, name="x")
    assert error.value.status == 403


def test_last_used_is_written_at_most_once_a_minute(client: Client, django_assert_num_queries: Any) -> None:
    user = make_staff("tichhop.dvcqg")
    _token, secret = api_token_create(actor=user, owner=user, name="x")
    client.get(ME, **bearer(secret))  # first use: written

    with django_assert_num_queries(2):  # the token with its owner, the owner's grants for the answer
        client.get(ME, **bearer(secret))
