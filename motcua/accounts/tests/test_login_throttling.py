"""Sign-in throttling: 5 failures per (identifier, IP) in 300 s, then refusal until the window ends."""

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from motcua.accounts.tests.conftest import PASSWORD, PERSONAL_ID, make_citizen, make_staff

pytestmark = pytest.mark.django_db

WRONG = "khong-dung-mat-khau"
INVALID = (
    "Thông tin đăng nhập không đúng. Vui lòng kiểm tra tên đăng nhập, địa chỉ thư điện tử hoặc "
    "số định danh cá nhân và mật khẩu, rồi thử lại."
)


def page_login(client: Client, identifier: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post("/accounts/login/", {"username": identifier, "password": password}, REMOTE_ADDR=ip)


def api_login(client: Client, identifier: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(
        "/api/v1/accounts/tokens/obtain",
        {"identifier": identifier, "password": password, "name": "dvcqg"},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client: Client) -> None:
    make_staff("canbo.mot")

    for _attempt in range(5):
        response = page_login(client, "canbo.mot", WRONG)
        assert response.status_code == 200
        assert INVALID in response.content.decode()
    sixth = page_login(client, "canbo.mot", PASSWORD)

    html = sixth.content.decode()
    assert sixth.status_code == 429
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút, từ " in html
    assert sixth.wsgi_request.user.is_authenticated is False
    assert 'value="canbo.mot"' in html  # the form keeps what was typed


def test_the_window_ends_after_300_seconds(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    make_staff("canbo.mot")
    for _attempt in range(5):
        page_login(client, "canbo.mot", WRONG)
    assert page_login(client, "canbo.mot", PASSWORD).status_code == 429

    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)

    assert page_login(client, "canbo.mot", PASSWORD).status_code == 302


def test_a_success_resets_the_counter(client: Client) -> None:
    make_staff("canbo.mot")
    for _attempt in range(4):
        page_login(client, "canbo.mot", WRONG)
    assert page_login(client, "canbo.mot", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _attempt in range(5):
        assert page_login(client, "canbo.mot", WRONG).status_code == 200
    assert page_login(client, "canbo.mot", PASSWORD).status_code == 429


def test_the_counter_is_per_identifier_and_address(client: Client) -> None:
    make_staff("canbo.mot")
    make_staff("canbo.hai")
    for _attempt in range(5):
        page_login(client, "canbo.mot", WRONG)

    assert page_login(client, "canbo.hai", PASSWORD).status_code == 302  # another account, same address
    client.post("/accounts/logout/")
    assert page_login(client, "canbo.mot", PASSWORD, ip="198.51.100.4").status_code == 302  # another address
    client.post("/accounts/logout/")
    assert (
        page_login(client, "CANBO.MOT ", PASSWORD).status_code == 429
    )  # the same identifier, other spelling


def test_one_address_guessing_many_accounts_is_stopped(client: Client) -> None:
    make_staff("canbo.mot")
    with override_settings(MOTCUA={**settings.MOTCUA, "LOGIN_THROTTLE_PER_IP": "8/300"}):
        for number in range(8):
            page_login(client, f"doan{number}", WRONG)

        assert page_login(client, "canbo.mot", PASSWORD).status_code == 429
        assert page_login(client, "canbo.mot", PASSWORD, ip="198.51.100.4").status_code == 302


def test_the_api_answers_429_with_retry_after(client: Client) -> None:
    make_staff("tichhop.dvcqg")
    for _attempt in range(5):
        response = api_login(client, "tichhop.dvcqg", WRONG)
        assert response.status_code == 401
        assert response.json() == {"code": "invalid_credentials", "message": INVALID, "fields": {}}

    refused = api_login(client, "tichhop.dvcqg", PASSWORD)

    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "throttled"
    assert body["message"].startswith("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút")
    assert 295 <= body["retry_after"] <= 300
    assert refused["Retry-After"] == str(body["retry_after"])


def test_the_api_obtains_a_token_and_a_success_resets(client: Client) -> None:
    user = make_staff("tichhop.dvcqg")
    for _attempt in range(4):
        api_login(client, "tichhop.dvcqg", WRONG)

    response = api_login(client, "tichhop.dvcqg", PASSWORD)

    assert response.status_code == 201
    assert response.json()["owner_id"] == user.pk
    assert response.json()["token"].startswith("mc_")
    for _attempt in range(5):
        assert api_login(client, "tichhop.dvcqg", WRONG).status_code == 401
    assert api_login(client, "tichhop.dvcqg", PASSWORD).status_code == 429


def test_page_and_api_share_the_counter(client: Client) -> None:
    make_citizen()
    for _attempt in range(3):
        page_login(client, PERSONAL_ID, WRONG)
    for _attempt in range(2):
        api_login(client, PERSONAL_ID, WRONG)

    assert api_login(client, PERSONAL_ID, PASSWORD).status_code == 429
    assert page_login(client, PERSONAL_ID, PASSWORD).status_code == 429


def test_a_deactivated_account_gets_the_same_answer_as_a_wrong_password(client: Client) -> None:
    user = make_staff("canbo.cu")
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = page_login(client, "canbo.cu", PASSWORD)

    assert response.status_code == 200
    assert INVALID in response.content.decode()


def test_the_admin_site_login_is_throttled_too(client: Client) -> None:
    superuser = make_staff("kythuat")
    type(superuser).objects.filter(pk=superuser.pk).update(is_staff=True, is_superuser=True)
    for _attempt in range(5):
        assert client.post("/admin/login/", {"username": "kythuat", "password": WRONG}).status_code == 200

    refused = client.post("/admin/login/", {"username": "kythuat", "password": PASSWORD})

    assert "Bạn đã đăng nhập sai quá nhiều lần." in refused.content.decode()
    assert refused.wsgi_request.user.is_authenticated is False


def test_the_admin_site_still_refuses_non_staff(client: Client) -> None:
    make_staff("canbo.mot")

    response = client.post("/admin/login/", {"username": "canbo.mot", "password": PASSWORD})

    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated is False


def test_the_admin_site_lets_staff_in(client: Client) -> None:
    user = make_staff("kythuat")
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)

    response = client.post("/admin/login/?next=/admin/", {"username": "kythuat", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
