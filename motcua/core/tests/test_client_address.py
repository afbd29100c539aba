"""The client's address behind a reverse proxy (`MOTCUA["TRUSTED_PROXIES"]`): X-Forwarded-For is read only
when REMOTE_ADDR is a trusted proxy, from the right, skipping the trusted proxies; a header from anybody
else, or one that does not parse, is ignored. The audit trail and every throttle read the same address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from motcua.accounts.throttling import client_ip
from motcua.core.context import FORWARDED_FOR_MAX_ENTRIES, RequestContextMiddleware, client_address
from motcua.core.context import current_context as context_now

PROXIES = ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]


@pytest.fixture
def proxies(settings: Any) -> list[str]:
    settings.MOTCUA = {**settings.MOTCUA, "TRUSTED_PROXIES": PROXIES}
    return PROXIES


def address(remote: str, forwarded: str | None = None) -> str | None:
    extra: dict[str, Any] = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert address("not an address", "203.0.113.9") is None


@pytest.mark.usefixtures("proxies")
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored() -> None:
    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert address("198.51.100.7", "10.0.0.5, 203.0.113.9") == "198.51.100.7"


@pytest.mark.usefixtures("proxies")
def test_a_trusted_proxy_chain_is_resolved_from_the_right() -> None:
    # nginx (192.0.2.1) called by the load balancer (10.1.2.3), called by the client 203.0.113.9; what
    # the client wrote itself (a forged 198.51.100.1 at the left) is not read.
    assert address("192.0.2.1", "203.0.113.9") == "203.0.113.9"
    assert address("192.0.2.1", "198.51.100.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert address("10.9.9.9", " 2001:DB8:0:0::1 , 2a01:4f8::0001") == "2a01:4f8::1"
    # Every hop a trusted proxy: the first of them is the client.
    assert address("192.0.2.1", "10.0.0.7, 10.0.0.8") == "10.0.0.7"
    # No header: the proxy itself.
    assert address("192.0.2.1") == "192.0.2.1"
    assert address("192.0.2.1", " ") == "192.0.2.1"


@pytest.mark.usefixtures("proxies")
@pytest.mark.parametrize(
    "header",
    [
        "unknown",
        "203.0.113.9, garbage",
        "203.0.113.9:4711",
        "[2a01:4f8::1]",
        "203.0.113.9,,10.0.0.5",
        ", ".join(["203.0.113.9"] * (FORWARDED_FOR_MAX_ENTRIES + 1)),
    ],
)
def test_a_malformed_header_falls_back_to_remote_addr(header: str) -> None:
    assert address("192.0.2.1", header) == "192.0.2.1"


def test_a_wrong_trusted_proxy_entry_is_a_configuration_error(settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "TRUSTED_PROXIES": ["10.0.0.0/8", "proxy.local"]}

    with pytest.raises(ImproperlyConfigured) as raised:
        address("10.0.0.1", "203.0.113.9")

    assert str(raised.value) == "TRUSTED_PROXIES: 'proxy.local' does not appear to be an IPv4 or IPv6 network"


@pytest.mark.usefixtures("proxies")
def test_the_audit_context_and_the_throttles_read_the_same_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(context_now())
        return HttpResponse("ok")

    RequestContextMiddleware(view)(request)

    assert seen[0] is not None
    assert (seen[0].ip, client_ip(request)) == ("203.0.113.9", "203.0.113.9")
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) == "unknown"


@pytest.mark.django_db
@pytest.mark.usefixtures("proxies")
def test_the_lookup_throttle_counts_each_client_behind_the_proxy(settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "LOOKUP_THROTTLE": "2/60"}
    cache.clear()
    proxy = Client(REMOTE_ADDR="192.0.2.1")

    def lookup(**headers: Any) -> int:
        answer = proxy.post(
            "/api/v1/dossiers/lookup",
            {"code": "H15-1", "secret": "ABCDEF"},
            content_type="application/json",
            **headers,
        )
        return int(answer.status_code)

    try:
        first = [lookup(HTTP_X_FORWARDED_FOR="203.0.113.9") for _ in range(3)]
        second = [lookup(HTTP_X_FORWARDED_FOR="203.0.113.10") for _ in range(3)]
        # A client calling the site directly cannot leave its count by naming another address.
        spoofer = Client(REMOTE_ADDR="198.51.100.7")
        spoofed = [
            spoofer.post(
                "/api/v1/dossiers/lookup",
                {"code": "H15-1", "secret": "ABCDEF"},
                content_type="application/json",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            ).status_code
            for n in range(20, 23)
        ]
    finally:
        cache.clear()

    assert (first, second, spoofed) == ([404, 404, 429], [404, 404, 429], [404, 404, 429])
