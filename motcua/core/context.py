"""Who is acting and from where: the request context that the audit trail reads.

A small middleware stores the client's IP address, user agent and a request id in a `ContextVar` for the
duration of a request. Management commands and tasks run without it; the audit trail then records "system".

The client's address (`client_address`, which the throttles read too) is REMOTE_ADDR, unless REMOTE_ADDR is
one of `MOTCUA["TRUSTED_PROXIES"]` (addresses or networks: the reverse proxies in front of the site). Then
it is the right-most X-Forwarded-For entry that is not a trusted proxy: each proxy appends the address it
was called from, so the entries right of it were written by trusted proxies and the one it names was not
(anything further left the client could have written). From any other peer, X-Forwarded-For is ignored:
anybody can send it. A header that does not parse gives REMOTE_ADDR.
"""

import functools
import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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


@functools.lru_cache(maxsize=4096)  # a pure function of the text, run several times per request
def normalize_ip(value: str | None) -> str | None:
    """The address in its canonical text form, or None when it is not an IP address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# More X-Forwarded-For entries than this is not a chain of proxies: the header is ignored.
FORWARDED_FOR_MAX_ENTRIES = 32


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IpNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc


def trusted_proxies() -> tuple[IpNetwork, ...]:
    """`MOTCUA["TRUSTED_PROXIES"]` as networks (a bare address is a /32 or /128)."""
    entries: Sequence[str] = settings.MOTCUA.get("TRUSTED_PROXIES", ())  # type: ignore[assignment]
    return _networks(tuple(entries))


def _trusted(address: str, proxies: tuple[IpNetwork, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in proxies)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address in canonical form (None when REMOTE_ADDR is not an address): REMOTE_ADDR,
    or behind a trusted proxy the right-most X-Forwarded-For entry that is not a trusted proxy. Worked
    out once per request (the request context, the throttles and the audit trail each ask)."""
    known = request.__dict__.get("_motcua_client_address", _UNKNOWN)
    if known is _UNKNOWN:
        known = request.__dict__["_motcua_client_address"] = _client_address(request)
    return known


_UNKNOWN = object()


def _client_address(request: HttpRequest) -> str | None:
    peer = normalize_ip(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if peer is None or not proxies or not _trusted(peer, proxies):
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = header.split(",") if header.strip() else []
    if len(entries) > FORWARDED_FOR_MAX_ENTRIES:
        return peer
    parsed = [normalize_ip(entry) for entry in entries]
    chain = [address for address in parsed if address is not None]
    if not chain or len(chain) != len(parsed):
        return peer  # no header, or one that does not parse: the proxy's own address
    for address in reversed(chain):
        if not _trusted(address, proxies):
            return address
    return chain[0]  # every hop is a trusted proxy: the first one made the request


class RequestContextMiddleware:
    """Records the client's IP (`client_address`), user agent and request id for the audit trail; echoes
    the request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        with request_context(
            ip=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
            request_id=supplied if _REQUEST_ID.match(supplied) else None,
        ) as context:
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = context.request_id
        return response
