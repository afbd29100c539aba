"""A personal ID number typed at sign-up or sign-in never reaches a log record, not even unredacted in
its arguments or extra fields (the redacting handler filter is the second line of defence, not the first)."""

import logging
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.accounts.throttling import identifier_digest

pytestmark = pytest.mark.django_db

PERSONAL_ID = "079192004567"
PASSWORD = "mat-khau-rat-dai-2026"


def everything_logged(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{record.getMessage()} {record.args!r} {vars(record)!r}" for record in records)


def test_sign_up_and_sign_in_with_a_personal_id_log_only_its_keyed_hash(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/sign-up/",
            {
                "personal_id": PERSONAL_ID,
                "full_name": "Trần Thị Bình",
                "email": "binh@example.vn",
                "phone": "0912000002",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        # The same number again: a conflict, through the API.
        client.post(
            "/api/v1/accounts/sign-up",
            {
                "personal_id": PERSONAL_ID,
                "full_name": "X",
                "email": "x@example.vn",
                "phone": "0912000003",
                "password": PASSWORD,
            },
            content_type="application/json",
        )
    client.post(
        "/accounts/login/", {"username": PERSONAL_ID, "password": PASSWORD}
    )  # e-mail not verified yet
    User.objects.filter(personal_id=PERSONAL_ID).update(email_verified_at="2026-11-22T08:00:00+07:00")
    for _attempt in range(6):  # failures, then throttled
        client.post("/accounts/login/", {"username": PERSONAL_ID, "password": "sai"})
        client.post(
            "/api/v1/accounts/tokens/obtain",
            {"identifier": PERSONAL_ID, "password": "sai"},
            content_type="application/json",
        )
    Client().post(
        "/accounts/login/", {"username": PERSONAL_ID, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )

    logged = everything_logged(caplog.records)
    events = {record.getMessage() for record in caplog.records}
    assert {
        "account_signed_up",
        "login_email_not_verified",
        "login_failed",
        "login_throttled",
        "login_succeeded",
    } <= events
    assert PERSONAL_ID not in logged
    assert identifier_digest(PERSONAL_ID) in logged
    assert PASSWORD not in logged
