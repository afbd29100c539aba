"""Middleware that keeps the API's promise: every 4xx under /api/ is a JSON problem, never an HTML page."""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from motcua.core.errors import problem

API_PREFIX = "/api/"


def status_problem(status: int) -> dict[str, object]:
    """The Vietnamese problem body for an HTTP status that no more precise handler described."""
    messages = {
        400: ("bad_request", _("The request is malformed.")),
        401: ("not_authenticated", _("Sign in or send a valid API token.")),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request is too large.")),
        415: ("unsupported_media_type", _("Send the body as JSON.")),
        429: ("throttled", _("Too many requests; wait a moment and try again.")),
    }
    code, message = messages.get(status, ("error", _("The request could not be processed.")))
    return problem(code, message)


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            try:
                body = json.loads(response.content or b"{}")
            except ValueError:
                body = None
            if isinstance(body, dict) and "code" in body and "message" in body:
                return response
        replacement = JsonResponse(status_problem(response.status_code), status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement


class ContentSecurityPolicyMiddleware:
    """Sends `settings.CONTENT_SECURITY_POLICY` with every response that has none: scripts, styles, fonts
    and frames only from this site, so that injected markup cannot run (issue 9, security headers).
    The pages keep to it: no inline script, style attribute or event handler (the browser tests fail on
    any violation the console reports)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than `settings.MAX_REQUEST_BYTES` before any of it
    is read (issue 9): Django would otherwise spool a 2 GB upload to disk before the view could see its
    size. A body without a length (chunked) is read as empty by Django, so the declared length is the
    bound of what is ever read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.MAX_REQUEST_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= self.limit:
            return self.get_response(request)
        message = _("The request is larger than %(max)d MB; send a smaller file or split it.") % {
            "max": self.limit // 2**20
        }
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse(problem("too_large", message), status=413)
        else:
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return response


class NulCharacterMiddleware:
    """Refuses (400) a request whose path, query string, JSON body or form fields hold a NUL character:
    no text the system keeps may contain one, and PostgreSQL refuses it in any query, so it surfaced as a
    500 (schemathesis found it on `/api/v1/procedures/{code}`)."""

    FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            holds_nul = self._holds_nul(request)
        except (SuspiciousOperation, MultiPartParserError):
            # A body Django cannot parse (a part header over its limit, too many fields): once parsed here,
            # the view would see it empty, so the 400 Django gives it is answered now.
            body = status_problem(400)
        else:
            if not holds_nul:
                return self.get_response(request)
            body = problem(
                "nul_character",
                _("The request holds a NUL character, which no field may contain; remove it and try again."),
            )
        if request.path.startswith(API_PREFIX):
            return JsonResponse(body, status=400)
        return HttpResponse(body["message"], status=400, content_type="text/plain; charset=utf-8")

    def _holds_nul(self, request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return True
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return False
        if request.content_type == "application/json":
            return b"\x00" in request.body or b"\\u0000" in request.body
        if request.content_type in self.FORM_TYPES:
            return any("\x00" in value for _name, values in request.POST.lists() for value in values)
        return False
