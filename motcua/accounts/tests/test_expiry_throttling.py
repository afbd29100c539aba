"""Sessions and API tokens expire; sign-in and sign-up are rate-limited (issue 9 item 5).

- A page session lives `SESSION_COOKIE_AGE` (8 hours) from sign-in; after it, pages send the person to
  the sign-in page and the API answers a 401 JSON problem.
- An API token is refused from its `expires_at` on (401 "token_expired").
- Sign-in: the 6th attempt within 300 s for one (account, address) is refused even with the right
  password; 30 failures from one address within 300 s stop it whatever the account.
- Sign-up: 20 attempts per address per hour, the pages and the API together (every attempt counts).
- E-mailed links (password reset, a new confirmation link): 10 requests per address per hour.
"""

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from motcua.accounts.models import ApiToken, Role, User
from motcua.accounts.services import api_token_create
from motcua.accounts.tests.conftest import PASSWORD, Tree, make_citizen, make_staff

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"
IP = "203.0.113.9"
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "message": "Hãy đăng nhập hoặc gửi mã truy cập API hợp lệ.",
    "fields": {},
}


def later(monkeypatch: Any, seconds: float) -> None:
    """Move Django's clock (sessions, tokens) and the throttles' clock `seconds` ahead."""
    now, wall = timezone.now(), time.time()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=seconds))
    monkeypatch.setattr(time, "time", lambda: wall + seconds)


def test_the_settings() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.MOTCUA["API_TOKEN_DEFAULT_DAYS"] == 90
    assert settings.MOTCUA["LOGIN_THROTTLE"] == "5/300"
    assert settings.MOTCUA["LOGIN_THROTTLE_PER_IP"] == "30/300"
    assert settings.MOTCUA["SIGN_UP_THROTTLE"] == "20/3600"
    assert settings.MOTCUA["EMAIL_LINK_THROTTLE"] == "10/3600"


# --- sessions ---------------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(tree: Tree) -> Client:
    make_staff("canbo.mot", (Role.SPECIALIST, tree.commune_a))
    client = Client()
    assert client.login(username="canbo.mot", password=PASSWORD)
    return client


def test_a_session_lasts_eight_hours(signed_in: Client, monkeypatch: Any) -> None:
    later(monkeypatch, 8 * 3600 - 60)

    assert signed_in.get("/can-bo/").status_code == 200
    assert signed_in.get(ME).json()["username"] == "canbo.mot"


def test_after_eight_hours_pages_ask_to_sign_in_again(signed_in: Client, monkeypatch: Any) -> None:
    later(monkeypatch, 8 * 3600 + 60)

    response = signed_in.get("/can-bo/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/can-bo/"


def test_after_eight_hours_the_api_answers_401(signed_in: Client, monkeypatch: Any) -> None:
    later(monkeypatch, 8 * 3600 + 60)

    response = signed_in.get(ME)

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN


def test_signing_out_ends_the_session_at_once(signed_in: Client) -> None:
    assert signed_in.post("/accounts/logout/").status_code == 302

    assert signed_in.get(ME).status_code == 401


# --- API tokens -------------------------------------------------------------------------------------------


def test_a_token_works_until_its_expiry_and_not_from_it(tree: Tree, monkeypatch: Any) -> None:
    user = make_staff("tichhop.dvcqg", (Role.INTEGRATOR, tree.province))
    token, secret = api_token_create(actor=user, owner=user, name="Cổng DVCQG", days=30)
    assert token.expires_at == token.created_at + timedelta(days=30)
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    later(monkeypatch, 30 * 86400 - 1)
    assert client.get(ME).status_code == 200

    later(monkeypatch, 1)  # 30 days after creation: expires_at <= now
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json() == {
        "code": "token_expired",
        "message": "Mã truy cập API đã hết hạn; vui lòng tạo mã mới.",
        "fields": {},
    }
    assert ApiToken.objects.active().filter(pk=token.pk).exists() is False


def test_an_expired_token_does_not_fall_back_to_the_session(signed_in: Client, tree: Tree) -> None:
    user = User.objects.get(username="canbo.mot")
    token, secret = api_token_create(actor=user, owner=user, name="cũ")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    response = signed_in.get(ME, headers={"Authorization": f"Bearer {secret}"})

    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


# --- sign-in throttling -----------------------------------------------------------------------------------

THROTTLED_5 = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 5 phút, từ "


def api_login(client: Client, identifier: str, password: str, ip: str = IP) -> Any:
    return client.post(
        "/api/v1/accounts/tokens/obtain",
        {"identifier": identifier, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_the_sixth_api_sign_in_is_refused_even_with_the_right_password(client: Client) -> None:
    make_staff("canbo.mot")
    statuses = [api_login(client, "canbo.mot", "sai-mat-khau").status_code for _ in range(5)]

    sixth = api_login(client, "canbo.mot", PASSWORD)

    assert statuses == [401] * 5
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "300"
    body = sixth.json()
    assert (body["code"], body["retry_after"]) == ("throttled", 300)
    assert body["message"].startswith(THROTTLED_5)
    assert ApiToken.objects.count() == 0


def test_thirty_failures_from_one_address_stop_it_for_every_account(client: Client) -> None:
    make_staff("canbo.mot")
    for number in range(30):  # 6 accounts × 5: no single account reaches its own limit
        assert api_login(client, f"khong.co.{number // 5}", "sai-mat-khau").status_code == 401

    assert api_login(client, "canbo.mot", PASSWORD).status_code == 429
    assert api_login(client, "canbo.mot", PASSWORD, ip="203.0.113.10").status_code == 201


# --- sign-up throttling -----------------------------------------------------------------------------------

SIGN_UP_THROTTLED = (
    "Địa chỉ của bạn đã gửi quá nhiều yêu cầu đăng ký tài khoản. Vui lòng thử lại sau 60 phút."
)


def citizen(number: int) -> dict[str, str]:
    return {
        "personal_id": f"0791920045{number:02d}",
        "full_name": "Trần Thị Bình",
        "email": f"binh{number}@example.vn",
        "phone": "0912000002",
    }


def page_sign_up(client: Client, number: int, ip: str = IP) -> Any:
    return client.post(
        "/accounts/sign-up/",
        {**citizen(number), "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ip,
    )


def api_sign_up(client: Client, number: int, ip: str = IP) -> Any:
    return client.post(
        "/api/v1/accounts/sign-up",
        {**citizen(number), "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_the_21st_sign_up_from_one_address_in_an_hour_is_refused(client: Client) -> None:
    for number in range(10):
        assert page_sign_up(client, number).status_code == 302
        assert api_sign_up(client, 10 + number).status_code == 201

    page = page_sign_up(client, 20)
    api = api_sign_up(client, 21)

    assert page.status_code == 429
    html = page.content.decode()
    assert SIGN_UP_THROTTLED in html
    assert 'value="binh20@example.vn"' in html  # the form keeps what was typed
    assert api.status_code == 429
    assert api["Retry-After"] == "3600"
    assert api.json() == {
        "code": "throttled",
        "message": SIGN_UP_THROTTLED,
        "fields": {},
        "retry_after": 3600,
    }
    assert User.objects.filter(kind=User.Kind.CITIZEN).count() == 20


@override_settings(MOTCUA={**settings.MOTCUA, "SIGN_UP_THROTTLE": "2/3600"})
def test_invalid_attempts_count_too_and_the_window_ends(client: Client, monkeypatch: Any) -> None:
    bad = {**citizen(1), "personal_id": "003085001234", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/accounts/sign-up/", bad, REMOTE_ADDR=IP).status_code == 400
    assert client.post("/accounts/sign-up/organisation/", {}, REMOTE_ADDR=IP).status_code == 400
    assert page_sign_up(client, 3).status_code == 429
    assert page_sign_up(client, 3, ip="203.0.113.10").status_code == 302  # another address

    later(monkeypatch, 3600)

    assert page_sign_up(client, 4).status_code == 302


@override_settings(
    MOTCUA={**settings.MOTCUA, "SIGN_UP_THROTTLE": "1/3600", "THROTTLE_EXEMPT_IPS": ["198.51.100.5"]}
)
def test_an_exempt_address_is_not_counted(client: Client) -> None:
    statuses = [api_sign_up(client, number, ip="198.51.100.5").status_code for number in range(3)]

    assert statuses == [201, 201, 201]


def test_the_sign_up_page_itself_is_not_counted(client: Client) -> None:
    for _ in range(25):
        assert client.get("/accounts/sign-up/", REMOTE_ADDR=IP).status_code == 200

    assert page_sign_up(client, 1).status_code == 302


# --- e-mailed links (password reset, a new confirmation link) ---------------------------------------------

LINKS_THROTTLED = (
    "Địa chỉ của bạn đã yêu cầu gửi đường liên kết qua thư điện tử quá nhiều lần. "
    "Vui lòng thử lại sau 60 phút."
)


@pytest.mark.parametrize(
    ("page", "done"),
    [
        ("/accounts/password-reset/", "/accounts/password-reset/sent/"),
        ("/accounts/verify-email/resend/", "/accounts/sign-up/sent/"),
    ],
)
def test_the_11th_request_for_an_emailed_link_in_an_hour_is_refused(
    client: Client, page: str, done: str, django_capture_on_commit_callbacks: Any
) -> None:
    make_citizen("congdan.an", verified=page == "/accounts/password-reset/")
    email = {"email": "congdan.an@example.vn"}
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(page, email, REMOTE_ADDR=IP)
        assert (response.status_code, response["Location"]) == (302, done)
    assert len(mail.outbox) == 10

    with django_capture_on_commit_callbacks(execute=True):
        eleventh = client.post(page, email, REMOTE_ADDR=IP)

    assert eleventh.status_code == 429
    html = eleventh.content.decode()
    assert LINKS_THROTTLED in html
    assert 'value="congdan.an@example.vn"' in html
    assert len(mail.outbox) == 10  # nothing more sent
    assert client.post(page, email, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_password_reset_and_new_links_share_the_counter(client: Client) -> None:
    for number in range(10):
        page = "/accounts/password-reset/" if number % 2 else "/accounts/verify-email/resend/"
        assert client.post(page, {"email": f"x{number}@example.vn"}, REMOTE_ADDR=IP).status_code == 302

    assert (
        client.post("/accounts/password-reset/", {"email": "y@example.vn"}, REMOTE_ADDR=IP).status_code == 429
    )
    assert client.get("/accounts/password-reset/", REMOTE_ADDR=IP).status_code == 200  # reading is free
