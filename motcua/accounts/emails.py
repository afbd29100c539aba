"""E-mails of the accounts app, sent after the transaction that warrants them has committed."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from motcua.accounts.links import (
    email_verification_tokens,
    make_link_token,
    password_reset_tokens,
)
from motcua.accounts.models import User

logger = logging.getLogger(__name__)


def _send(user: User, template: str, context: dict[str, Any]) -> None:
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError):
        # The account is saved; the person can ask for the link again. Never log the address.
        logger.exception("accounts_mail_failed", extra={"user_id": user.pk, "template": template})
    else:
        logger.info("accounts_mail_sent", extra={"user_id": user.pk, "template": template})


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})


def send_email_verification(user: User) -> None:
    token = make_link_token(user, email_verification_tokens)
    _send(user, "verify_email", {"link": _link("accounts:verify_email", token)})


def send_password_reset(user: User) -> None:
    token = make_link_token(user, password_reset_tokens)
    _send(user, "password_reset", {"link": _link("accounts:password_reset_confirm", token)})


def send_staff_welcome(user: User) -> None:
    token = make_link_token(user, password_reset_tokens)
    _send(user, "staff_welcome", {"link": _link("accounts:password_reset_confirm", token)})


def after_commit(send: Any, user: User) -> None:
    """Send once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: send(user))
