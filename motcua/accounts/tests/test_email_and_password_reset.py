"""E-mail confirmation and password reset, end to end through the pages, the link read from the outbox."""

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from motcua.accounts.links import (
    email_verification_tokens,
    make_link_token,
    password_reset_tokens,
)
from motcua.accounts.models import Role, User
from motcua.accounts.services import citizen_sign_up, email_verify, password_reset_confirm, staff_create
from motcua.accounts.tests.conftest import PASSWORD, make_citizen, make_staff
from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mot-mat-khau-moi-2027"
SIGN_UP = {
    "personal_id": "079192004567",
    "full_name": "Trần Thị Bình",
    "email": "binh@example.vn",
    "phone": "0912000002",
    "password": PASSWORD,
}


def link_in_last_mail() -> str:
    match = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert match is not None
    return match.group(0).removeprefix("http://127.0.0.1:8000")


def sign_in(client: Client, identifier: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": identifier, "password": password})


# --- e-mail confirmation ----------------------------------------------------------------------------------


def test_sign_up_confirm_then_sign_in_with_the_personal_id(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        citizen_sign_up(**SIGN_UP)

    before = sign_in(client, "079192004567", PASSWORD)
    assert before.status_code == 200
    assert "Vui lòng xác nhận địa chỉ thư điện tử trước" in before.content.decode()
    assert "/accounts/verify-email/resend/" in before.content.decode()

    confirmed = client.get(link_in_last_mail())
    assert confirmed.status_code == 200
    assert "Địa chỉ thư điện tử của bạn đã được xác nhận." in confirmed.content.decode()
    user = User.objects.get(personal_id="079192004567")
    assert user.email_verified_at is not None
    assert [record.action for record in audit_trail_of(user)] == ["sign_up", "verify_email"]

    after = sign_in(client, "079192004567", PASSWORD)
    assert after.status_code == 302
    assert client.get("/").wsgi_request.user.pk == user.pk


def test_a_confirmation_link_works_once(django_capture_on_commit_callbacks: Any) -> None:
    user = make_citizen(verified=False)
    token = make_link_token(user, email_verification_tokens)

    email_verify(token=token)
    with pytest.raises(ApplicationError) as again:
        email_verify(token=token)

    assert again.value.code == "invalid_token"


@pytest.mark.parametrize("tamper", ["uid", "hash", "garbage", "empty"])
def test_a_tampered_confirmation_link_is_refused(client: Client, tamper: str) -> None:
    user = make_citizen(verified=False)
    other = make_citizen(username="other", personal_id="001085000001", verified=False)
    token = make_link_token(user, email_verification_tokens)
    uid, _dot, secret = token.partition(".")
    other_uid = make_link_token(other, email_verification_tokens).partition(".")[0]
    tampered = {
        "uid": f"{other_uid}.{secret}",
        "hash": f"{uid}.{secret[:-1]}{'0' if secret[-1] != '0' else '1'}",
        "garbage": "abc.def",
        "empty": "x",
    }[tamper]

    response = client.get(f"/accounts/verify-email/{tampered}/")

    assert response.status_code == 400
    assert "Liên kết xác nhận không hợp lệ hoặc đã hết hạn." in response.content.decode()
    user.refresh_from_db()
    other.refresh_from_db()
    assert (user.email_verified_at, other.email_verified_at) == (None, None)


def test_an_expired_confirmation_link_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_citizen(verified=False)
    token = make_link_token(user, email_verification_tokens)
    four_days_later = datetime.now() + timedelta(days=4)
    monkeypatch.setattr(email_verification_tokens, "_now", lambda: four_days_later)

    with pytest.raises(ApplicationError) as error:
        email_verify(token=token)

    assert error.value.code == "invalid_token"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_for_an_old_address_is_refused() -> None:
    user = make_citizen(verified=False)
    token = make_link_token(user, email_verification_tokens)
    User.objects.filter(pk=user.pk).update(email="moi@example.vn")

    with pytest.raises(ApplicationError):
        email_verify(token=token)


def test_resend_sends_only_to_an_unverified_account(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    make_citizen(username="chua", personal_id="001085000002", verified=False)
    make_citizen(username="roi", personal_id="001085000003", verified=True)

    for address in ("chua@example.vn", "roi@example.vn", "khongco@example.vn"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/verify-email/resend/", {"email": address})
        assert (response.status_code, response["Location"]) == (302, "/accounts/sign-up/sent/")

    assert [message.to for message in mail.outbox] == [["chua@example.vn"]]


# --- password reset ---------------------------------------------------------------------------------------


def test_password_reset_end_to_end(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    user = make_citizen()
    other_session = Client()
    other_session.force_login(user, backend="motcua.accounts.backends.LoginBackend")

    assert client.get("/accounts/password-reset/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/accounts/password-reset/", {"email": "CongDan.An@example.vn"})
    assert (asked.status_code, asked["Location"]) == (302, "/accounts/password-reset/sent/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["congdan.an@example.vn"]
    assert mail.outbox[0].subject == "Đặt lại mật khẩu"
    link = link_in_last_mail()

    form = client.get(link)
    assert form.status_code == 200
    assert 'name="password1"' in form.content.decode()
    mismatch = client.post(link, {"password1": NEW_PASSWORD, "password2": "khac-hoan-toan-2027"})
    assert mismatch.status_code == 400
    weak = client.post(link, {"password1": "12345678901", "password2": "12345678901"})
    assert weak.status_code == 400
    assert "Mật khẩu này hoàn toàn là số." in weak.content.decode()

    done = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert (done.status_code, done["Location"]) == (302, "/accounts/password-reset/complete/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [record] = [r for r in audit_trail_of(user) if r.action == "reset_password"]
    assert "password" not in record.before and "password" not in record.after

    # The link is spent, the other session has ended, the new password signs in.
    spent = client.get(link)
    assert spent.status_code == 400
    assert (
        "Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được sử dụng." in spent.content.decode()
    )
    assert other_session.get("/").wsgi_request.user.is_authenticated is False
    assert sign_in(client, "congdan.an", PASSWORD).status_code == 200
    assert sign_in(client, "congdan.an", NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "khongco@example.vn"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/password-reset/sent/")
    assert mail.outbox == []


def test_password_reset_of_a_deactivated_account_sends_nothing(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_citizen()
    User.objects.filter(pk=user.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "congdan.an@example.vn"})

    assert mail.outbox == []


def test_an_expired_reset_link_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_citizen()
    token = make_link_token(user, password_reset_tokens)
    four_days_later = datetime.now() + timedelta(days=4)
    monkeypatch.setattr(password_reset_tokens, "_now", lambda: four_days_later)

    response = client.post(
        f"/accounts/password-reset/{token}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_also_confirms_an_unverified_address(django_capture_on_commit_callbacks: Any) -> None:
    user = make_citizen(verified=False)
    token = make_link_token(user, password_reset_tokens)

    password_reset_confirm(token=token, password=NEW_PASSWORD)

    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_new_staff_choose_their_password_through_the_welcome_link(
    client: Client, tree: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_staff("quantri.tinh", (Role.ADMIN, tree.province))
    with django_capture_on_commit_callbacks(execute=True):
        officer = staff_create(
            actor=admin,
            username="tiepnhan.moi",
            full_name="Lê Thị Mới",
            email="moi@example.vn",
            unit=tree.commune_a,
            roles=[Role.INTAKE_OFFICER],
        )

    assert officer.has_usable_password() is False
    assert mail.outbox[0].subject == "Tài khoản cán bộ trên hệ thống Một cửa"
    assert "tiepnhan.moi" in mail.outbox[0].body
    client.post(link_in_last_mail(), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert sign_in(client, "tiepnhan.moi", NEW_PASSWORD).status_code == 302
