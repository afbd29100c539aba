"""Sign-in with throttling, for the login page and the API alike.

Failures are counted in the cache (Redis in production, shared by every worker) in two fixed windows that
open at the first failure: per (identifier, client IP), `MOTCUA["LOGIN_THROTTLE"]` ("5/300": the 6th
attempt within 300 s is refused), and per client IP, `MOTCUA["LOGIN_THROTTLE_PER_IP"]` (a looser limit:
a commune office shares one address). A successful sign-in clears the (identifier, IP) counter only, so
that one known account cannot reset an address that is guessing others'.

Self sign-up (the pages and `POST /api/v1/accounts/sign-up` share one counter) is limited per client IP,
`MOTCUA["SIGN_UP_THROTTLE"]` ("20/3600"): every attempt counts, valid or not, since each valid one sends
an e-mail and holds a personal ID number. Requests for e-mailed links (password reset, a new
confirmation link) are limited per client IP too, `MOTCUA["EMAIL_LINK_THROTTLE"]` ("10/3600").

The identifier may be a personal ID number: it is never logged, only a keyed hash of it (HMAC with the
secret key, since the plain SHA-256 of a 12-digit number is quick to reverse).
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.accounts.permissions import APPLICANT_KINDS
from motcua.core.context import client_address
from motcua.core.errors import ApplicationError

logger = logging.getLogger(__name__)
DEFAULT_PER_IP_RATE = "30/300"
DEFAULT_SIGN_UP_RATE = "20/3600"
DEFAULT_EMAIL_LINK_RATE = "10/3600"


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "5/300" → 5 failures per 300 seconds."""
        limit, _slash, window = text.partition("/")
        return cls(limit=int(limit), window=int(window))


class LoginThrottled(ApplicationError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        at = timezone.localtime(timezone.now() + timedelta(seconds=retry_after))
        message = ngettext(
            "Too many failed sign-in attempts. Try again in %(count)d minute, after %(time)s.",
            "Too many failed sign-in attempts. Try again in %(count)d minutes, after %(time)s.",
            minutes,
        ) % {"count": minutes, "time": time_format(at, "H:i")}
        super().__init__(message, code="throttled", extra={"retry_after": retry_after})
        self.retry_after = retry_after


class SignUpThrottled(ApplicationError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        message = ngettext(
            "Too many sign-up attempts from your address. Try again in %(count)d minute.",
            "Too many sign-up attempts from your address. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
        super().__init__(message, code="throttled", extra={"retry_after": retry_after})
        self.retry_after = retry_after


class EmailLinksThrottled(ApplicationError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        message = ngettext(
            "Too many requests for e-mailed links from your address. Try again in %(count)d minute.",
            "Too many requests for e-mailed links from your address. Try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
        super().__init__(message, code="throttled", extra={"retry_after": retry_after})
        self.retry_after = retry_after


def identifier_digest(identifier: str) -> str:
    """A keyed hash of what the person typed (username, e-mail or personal ID), safe to log."""
    return salted_hmac("motcua.accounts.login", identifier.strip().lower()).hexdigest()[:16]


def client_ip(request: HttpRequest) -> str:
    """The client's address as the audit trail records it (`motcua.core.context.client_address`: behind a
    trusted proxy, from X-Forwarded-For), "unknown" without one."""
    return client_address(request) or "unknown"


def _counters(identifier: str, ip: str) -> list[tuple[str, Rate]]:
    return [
        (
            f"motcua:login:pair:{identifier_digest(identifier)}:{ip}",
            Rate.parse(str(settings.MOTCUA["LOGIN_THROTTLE"])),
        ),
        (
            f"motcua:login:ip:{ip}",
            Rate.parse(str(settings.MOTCUA.get("LOGIN_THROTTLE_PER_IP", DEFAULT_PER_IP_RATE))),
        ),
    ]


def _window_left(key: str, rate: Rate) -> int:
    """Whole seconds until the fixed window counted at `key` closes (at least 1)."""
    until = cache.get(f"{key}:until") or (time.time() + rate.window)
    return max(1, math.ceil(until - time.time()))


def _count(key: str, rate: Rate) -> int:
    """One more in the fixed window counted at `key`; the count so far in the window."""
    # `add` only sets a missing key: the window opens at the first count and does not slide.
    cache.add(f"{key}:until", time.time() + rate.window, timeout=rate.window)
    cache.add(key, 0, timeout=rate.window)
    try:
        return int(cache.incr(key))
    except ValueError:  # the window closed between add and incr: open a new one
        cache.set(f"{key}:until", time.time() + rate.window, timeout=rate.window)
        cache.set(key, 1, timeout=rate.window)
        return 1


def retry_after(identifier: str, ip: str) -> int | None:
    """Seconds until the next attempt is allowed, or None if it is allowed now."""
    waits = [
        _window_left(key, rate) for key, rate in _counters(identifier, ip) if cache.get(key, 0) >= rate.limit
    ]
    return max(waits) if waits else None


def record_failure(identifier: str, ip: str) -> None:
    for key, rate in _counters(identifier, ip):
        _count(key, rate)


def _attempt_wait(request: HttpRequest, *, scope: str, setting: str, default: str) -> int | None:
    """Count one attempt of `scope` against the client's address: the seconds to wait when it is over
    the limit `MOTCUA[setting]`, None when it may go on (exempt addresses are not counted)."""
    ip = client_ip(request)
    exempt: list[str] = settings.MOTCUA.get("THROTTLE_EXEMPT_IPS", [])  # type: ignore[assignment]
    if ip in exempt:
        return None
    rate = Rate.parse(str(settings.MOTCUA.get(setting, default)))
    key = f"motcua:{scope}:ip:{ip}"
    if _count(key, rate) <= rate.limit:
        return None
    logger.warning(f"{scope.replace('-', '_')}_throttled", extra={"ip": ip})
    return _window_left(key, rate)


def sign_up_attempt(request: HttpRequest) -> None:
    """Count a sign-up attempt against the client's address; SignUpThrottled (429) beyond the limit."""
    wait = _attempt_wait(request, scope="sign-up", setting="SIGN_UP_THROTTLE", default=DEFAULT_SIGN_UP_RATE)
    if wait is not None:
        raise SignUpThrottled(wait)


def email_link_attempt(request: HttpRequest) -> None:
    """Count a request for an e-mailed link (password reset, a new confirmation link) against the
    client's address; EmailLinksThrottled (429) beyond the limit, so that nobody floods a mailbox."""
    wait = _attempt_wait(
        request, scope="email-link", setting="EMAIL_LINK_THROTTLE", default=DEFAULT_EMAIL_LINK_RATE
    )
    if wait is not None:
        raise EmailLinksThrottled(wait)


def reset(identifier: str, ip: str) -> None:
    key, _rate = _counters(identifier, ip)[0]
    cache.delete_many([key, f"{key}:until"])


def login_attempt(*, request: HttpRequest, identifier: str, password: str) -> User:
    """The user whose credentials these are, or an ApplicationError: throttled (429), wrong (401),
    e-mail not yet verified (403, self-registered accounts only)."""
    ip = client_ip(request)
    log: dict[str, Any] = {"identifier_hash": identifier_digest(identifier), "ip": ip}
    wait = retry_after(identifier, ip)
    if wait is not None:
        logger.warning("login_throttled", extra=log)
        raise LoginThrottled(wait)
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        record_failure(identifier, ip)
        logger.info("login_failed", extra=log)
        raise ApplicationError(
            _(
                "The sign-in details are not correct. Check your username, e-mail address or personal "
                "ID number and your password, then try again."
            ),
            code="invalid_credentials",
            status=401,
        )
    reset(identifier, ip)
    assert isinstance(user, User)
    if user.kind in APPLICANT_KINDS and user.email_verified_at is None:
        logger.info("login_email_not_verified", extra={"user_id": user.pk, "ip": ip})
        raise ApplicationError(
            _(
                "Confirm your e-mail address first: open the link in the message we sent you. "
                "If it has not arrived, ask for a new one."
            ),
            code="email_not_verified",
            status=403,
        )
    logger.info("login_succeeded", extra={"user_id": user.pk, "ip": ip})
    return user
