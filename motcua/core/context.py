"""Who is acting and from where: the request context that the audit trail reads.

A small middleware stores the client's IP address, user agent and a request id in a `ContextVar` for the
duration of a request. Management commands and tasks run without it; the audit trail then records "system".
"""

import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
USER_AGENT_MAX_LENGTH = 500
# A caller-supplied request id (from a gateway or a load balancer) is kept only if it looks like an id.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True, slots=True)
class RequestContext:
    ip: str | None
    user_agent: str
    request_id: str


_current: ContextVar[RequestContext | None] = ContextVar("motcua_request_context", default=None)


def current_context() -> RequestContext | None:
    """The context of the request being served, or None in commands and tasks."""
    return _current.get()


@contextmanager
def request_context(
    *, ip: str | None = None, user_agent: str = "", request_id: str | None = None
) -> Iterator[RequestContext]:
    """Sets the request context for the enclosed block (the middleware uses it; so can tests and tasks)."""
    context = RequestContext(
        ip=normalize_ip(ip),
        user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
        request_id=request_id or uuid.uuid4().hex,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def normalize_ip(value: str | None) -> str | None:
    """The address in its canonical text form, or None when it is not an IP address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Records the client's IP, user agent and request id for the audit trail; echoes the request id.

    The IP is REMOTE_ADDR: behind a reverse proxy, the proxy (or the WSGI server) must set it to the
    client's address; X-Forwarded-For is not trusted because any client can send it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        with request_context(
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
            request_id=supplied if _REQUEST_ID.match(supplied) else None,
        ) as context:
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = context.request_id
        return response
