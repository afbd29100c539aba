"""The public status lookup's fast path (issue 9: its throughput at least half a static response's).

`POST /api/v1/dossiers/lookup` is the busiest public request, anonymous and cookie-less. Through the whole
stack it paid for the session, CSRF, authentication and messages middleware, URL resolution and ninja's
machinery, none of which it uses. `PublicLookupMiddleware` sits right after whitenoise and answers a
well-formed lookup itself, with the same code as the ninja view:

- the body is parsed and validated with the view's own schema (`LookupIn`), the view function itself is
  called (throttle, query, answer), and an error it raises is answered by the API's own exception handlers
  (`api.on_exception`), as ninja does;
- the answer goes out through the very middleware whose headers the full stack gives it (language,
  Content-Length, request id, X-Frame-Options, Content-Security-Policy, the API's JSON problems), each
  wrapped as Django wraps them; SecurityMiddleware, before this one, adds its own as for any response.

Anything else goes through the full stack, untouched and uncounted by the throttle: another path or
method, a query string, a session cookie (the session middleware may answer it with a cookie), a body
that is not a JSON object valid for `LookupIn`, that is larger than any valid one, or that holds a NUL
character. The full stack answers those as it always did (422, 400, 413…). The ninja endpoint stays in
the OpenAPI schema and serves whatever falls through; `test_lookup_fast_path.py` keeps the two answers
equal.
"""

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from pydantic import ValidationError

from motcua.core.context import RequestContextMiddleware
from motcua.core.middleware import ApiProblemMiddleware, ContentSecurityPolicyMiddleware
from motcua.dossiers.schemas import LookupIn

LOOKUP_PATH = "/api/v1/dossiers/lookup"
# No valid lookup is longer: a code of 64 characters and a secret of 16, each \\uXXXX-escaped, and room.
MAX_BODY_BYTES = 2048

# The middleware of settings.MIDDLEWARE whose response headers the full stack gives a lookup, innermost
# first; each is wrapped by `convert_exception_to_response` as Django's handler wraps it.
_RESPONSE_MIDDLEWARE: tuple[Callable[[Any], Any], ...] = (
    ApiProblemMiddleware,
    ContentSecurityPolicyMiddleware,
    XFrameOptionsMiddleware,
    RequestContextMiddleware,
    CommonMiddleware,
    LocaleMiddleware,
)


class PublicLookupMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        chain: Callable[[HttpRequest], Any] = convert_exception_to_response(self._view)
        for middleware in _RESPONSE_MIDDLEWARE:
            chain = convert_exception_to_response(middleware(chain))
        self.answer = chain

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != LOOKUP_PATH or request.method != "POST":
            return self.get_response(request)
        payload = self._payload(request)
        if payload is None:
            return self.get_response(request)
        request._lookup_payload = payload  # type: ignore[attr-defined]
        response: HttpResponse = self.answer(request)
        return response

    @staticmethod
    def _payload(request: HttpRequest) -> LookupIn | None:
        """The request's `LookupIn` when this path may answer it, else None (the full stack will)."""
        if (
            request.META.get("QUERY_STRING")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.content_type != "application/json"
        ):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY_BYTES:
            return None
        body = request.body
        if b"\x00" in body or b"\\u0000" in body:
            return None
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                return None
            return LookupIn.model_validate(data)
        except (ValueError, ValidationError):  # json's errors are ValueErrors
            return None

    @staticmethod
    def _view(request: HttpRequest) -> HttpResponse:
        """What ninja's operation does for the endpoint: the view, and the API's handler for its errors."""
        from motcua.api.api import api  # noqa: PLC0415 (the URLconf's import: not at settings' load)
        from motcua.dossiers.api import lookup  # noqa: PLC0415

        try:
            response: HttpResponse = lookup(request, request._lookup_payload)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 (ninja's operation catches the same and hands it on)
            response = api.on_exception(request, exc)
        return response
