"""Middleware that keeps the API's promise: every 4xx under /api/ is a JSON problem, never an HTML page."""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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
