"""API authentication: `Authorization: Bearer mc_<prefix>_<secret>`, or the page session with its CSRF token.

    router = Router(auth=api_auth)          # every operation needs one of the two
    @router.get("/public", auth=None)        # a public operation says so

A bearer header that is present but wrong is refused outright (401 JSON problem), without falling back
to the session: revoked, expired, unknown tokens and tokens of deactivated accounts alike.
"""

import functools
import hmac
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.accounts.models import ApiToken, User
from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.core.rawsql import aware

_TOKEN = re.compile(r"^mc_(?P<prefix>[0-9a-f]{8})_[A-Za-z0-9_-]{20,100}$")
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(ApplicationError):
    status = 401


@functools.cache
def _token_sql() -> str:
    """The owner's columns and the token's (as `token_*` extras) of the token with a given prefix."""
    token: Any = ApiToken._meta
    user: Any = User._meta

    def column(name: str) -> str:
        return f"t.{token.get_field(name).column} AS token_{name}"

    names = ("id", "key_hash", "expires_at", "revoked_at", "last_used_at")
    extras = ", ".join(column(name) for name in names)
    return (
        f"SELECT u.*, {extras} FROM {token.db_table} t "  # noqa: S608 (names from the models' metadata)
        f"JOIN {user.db_table} u ON u.{user.pk.column} = t.{token.get_field('owner').column} "
        f"WHERE t.{token.get_field('prefix').column} = %s"
    )


def user_for_token(raw: str) -> User:
    """The owner of a valid bearer token; TokenRefused (401) otherwise.

    One raw query (the owner as a model with its fields converted, the token's columns as extras): every
    API request makes it, and built by the ORM it cost three times what the database takes to answer it.
    """
    match = _TOKEN.match(raw or "")
    owner: Any = next(iter(User.objects.raw(_token_sql(), [match["prefix"]])), None) if match else None
    if owner is None or not hmac.compare_digest(owner.token_key_hash, ApiToken.hash_token(raw)):
        raise TokenRefused(_("The API token is not valid."), code="invalid_token")
    now = timezone.now()
    if owner.token_revoked_at is not None:
        raise TokenRefused(_("The API token was revoked; ask for a new one."), code="token_revoked")
    expires = aware(owner.token_expires_at)
    if expires is None or expires <= now:
        raise TokenRefused(_("The API token has expired; create a new one."), code="token_expired")
    if not owner.is_active:
        raise TokenRefused(_("The API token is not valid."), code="invalid_token")
    last_used = aware(owner.token_last_used_at)
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=owner.token_id).update(last_used_at=now)
    user: User = owner
    return user


class BearerTokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        request.user = user  # so that code reading request.user sees the token's owner
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in page session; unsafe methods need the CSRF token (header X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise PermissionDenied(
                _("The security token of the page is missing or out of date; reload the page and try again."),
                code="csrf_failed",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover (see __call__)
        return None


bearer_auth = BearerTokenAuth()
session_auth = SessionCsrfAuth()
api_auth = [bearer_auth, session_auth]
