"""One-time links sent by e-mail: e-mail verification and password reset (set-password for new staff).

A link token reads `<user id in base64>.<Django token>`: one opaque string, so that services take a
single `token`. Both tokens are HMACs over the account's state, valid for `PASSWORD_RESET_TIMEOUT`
(3 days by default) and spent once used: the reset token covers the password hash and last sign-in, the
verification token covers the e-mail address and the time it was verified.
"""

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from motcua.accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "motcua.accounts.links.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}:{user.email}:{verified}:{timestamp}"


email_verification_tokens = EmailVerificationTokenGenerator()
password_reset_tokens: PasswordResetTokenGenerator = default_token_generator


def make_link_token(user: User, generator: PasswordResetTokenGenerator) -> str:
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{generator.make_token(user)}"


def user_from_link_token(token: str, generator: PasswordResetTokenGenerator) -> User | None:
    """The active account the token was made for, if the token is still valid; None otherwise."""
    uid, _dot, secret = (token or "").partition(".")
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not generator.check_token(user, secret):
        return None
    return user
