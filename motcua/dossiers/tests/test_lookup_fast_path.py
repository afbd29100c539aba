"""The public lookup's fast path (`motcua.dossiers.middleware`) answers exactly what the ninja endpoint
answers through the whole stack: the same status, body and headers (the request id aside, new on each
request), for a dossier found, a wrong secret, an unknown code, in Vietnamese and in English, and when
throttled; what it does not answer (a malformed body, a session cookie…) reaches the endpoint untouched."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.dossiers import lookup as throttle
from motcua.dossiers import services
from motcua.dossiers.middleware import LOOKUP_PATH, PublicLookupMiddleware
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World, at, counter_received

pytestmark = pytest.mark.django_db

FAST = "motcua.dossiers.middleware.PublicLookupMiddleware"
WITHOUT_FAST_PATH = [name for name in settings.MIDDLEWARE if name != FAST]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fast_calls(monkeypatch: Any) -> list[str]:
    """The paths the fast path answered (the middleware's chain is built when a Client first calls)."""
    calls: list[str] = []
    answer = PublicLookupMiddleware._view

    def counted(request: Any) -> Any:
        calls.append(request.path)
        return answer(request)

    monkeypatch.setattr(PublicLookupMiddleware, "_view", staticmethod(counted))
    return calls


@pytest.fixture
def forwarded(world: World, procedure: Procedure) -> Dossier:
    dossier = counter_received(world, procedure, when=at(7, 9))
    return services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10, 30))


def post(body: Any, *, full_stack: bool, **headers: Any) -> Any:
    """POST the lookup through the middleware of the settings, or without the fast path."""
    content_type = headers.pop("content_type", "application/json")
    cookies = headers.pop("cookies", {})
    if full_stack:
        with override_settings(MIDDLEWARE=WITHOUT_FAST_PATH):
            client = Client(REMOTE_ADDR="203.0.113.7", **headers)
            client.cookies.load(cookies)
            return client.post(LOOKUP_PATH, body, content_type=content_type)
    client = Client(REMOTE_ADDR="203.0.113.7", **headers)
    client.cookies.load(cookies)
    return client.post(LOOKUP_PATH, body, content_type=content_type)


def headers_of(response: Any) -> dict[str, str]:
    headers = dict(response.headers)
    assert len(headers.pop("X-Request-ID")) == 32
    return headers


def assert_same(fast: Any, full: Any) -> None:
    assert fast.status_code == full.status_code
    assert fast.content == full.content
    assert headers_of(fast) == headers_of(full)
    assert fast.cookies == full.cookies == {}


def both(body: Any, **headers: Any) -> tuple[Any, Any]:
    fast = post(body, full_stack=False, **headers)
    cache.clear()  # the throttle's count starts afresh for the second request
    full = post(body, full_stack=True, **headers)
    return fast, full


def test_the_fast_path_has_the_endpoint_s_path_and_comes_after_whitenoise() -> None:
    assert reverse("api:lookup") == LOOKUP_PATH
    assert (
        settings.MIDDLEWARE.index(FAST)
        == settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    )


def test_a_dossier_found(forwarded: Dossier, fast_calls: list[str]) -> None:
    fast, full = both({"code": forwarded.code, "secret": forwarded.lookup_secret})

    assert fast_calls == [LOOKUP_PATH]
    assert fast.status_code == 200
    assert fast.json()["code"] == forwarded.code
    assert_same(fast, full)
    assert headers_of(fast) == {
        "Content-Type": "application/json",
        "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "Content-Length": str(len(fast.content)),
        "Vary": "Accept-Language",
        "Content-Language": "vi",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def test_a_supplied_request_id_is_echoed(forwarded: Dossier, fast_calls: list[str]) -> None:
    answer = post(
        {"code": forwarded.code, "secret": forwarded.lookup_secret},
        full_stack=False,
        HTTP_X_REQUEST_ID="gw-42",
    )

    assert fast_calls == [LOOKUP_PATH]
    assert answer["X-Request-ID"] == "gw-42"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_wrong_secret_and_an_unknown_code(forwarded: Dossier, fast_calls: list[str], language: str) -> None:
    wrong = "AAAAAA" if forwarded.lookup_secret != "AAAAAA" else "BBBBBB"
    secret_fast, secret_full = both({"code": forwarded.code, "secret": wrong}, HTTP_ACCEPT_LANGUAGE=language)
    code_fast, code_full = both(
        {"code": "H15.50.05.13-261207-0002", "secret": forwarded.lookup_secret}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert fast_calls == [LOOKUP_PATH, LOOKUP_PATH]
    assert secret_fast.status_code == code_fast.status_code == 404
    assert secret_fast["Content-Language"] == language
    messages = {
        "vi": (
            "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này; hãy kiểm tra lại cả hai trên Phiếu "
            "tiếp nhận và hẹn trả kết quả (Mẫu 01)."
        ),
        "en": "No dossier matches this code and secret; check both on the receipt (Form 01).",
    }
    assert secret_fast.json()["message"] == messages[language]
    assert_same(secret_fast, secret_full)
    assert_same(code_fast, code_full)


@override_settings(MOTCUA={**settings.MOTCUA, "LOOKUP_THROTTLE": "2/60"})
def test_throttled(forwarded: Dossier, fast_calls: list[str], monkeypatch: Any) -> None:
    monkeypatch.setattr(throttle, "_clock", lambda: 1_800_000_000.0)
    body = {"code": forwarded.code, "secret": forwarded.lookup_secret}

    fast = [post(body, full_stack=False) for _ in range(3)]
    cache.clear()
    full = [post(body, full_stack=True) for _ in range(3)]

    assert len(fast_calls) == 3
    assert [answer.status_code for answer in fast] == [200, 200, 429]
    assert fast[2]["Retry-After"] == "60"
    for fast_answer, full_answer in zip(fast, full, strict=True):
        assert_same(fast_answer, full_answer)


@override_settings(MOTCUA={**settings.MOTCUA, "LOOKUP_THROTTLE": "2/60"})
def test_the_fast_path_and_the_endpoint_share_one_count(forwarded: Dossier) -> None:
    body = {"code": forwarded.code, "secret": "WRONG1"}

    answers = [
        post(body, full_stack=False),
        post({**body, "extra": [1]}, full_stack=True),
        post(body, full_stack=False),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 429]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ({"code": "", "secret": "ABCDEF"}, "application/json"),
        ({"code": 12, "secret": "ABCDEF"}, "application/json"),
        ({"code": "H15.50.05.13-261207-0001"}, "application/json"),
        ({"code": "H15.50.05.13-261207-0001", "secret": "A" * 17}, "application/json"),
        ('{"code": "H15\\u0000", "secret": "ABCDEF"}', "application/json"),
        ("code=H15&secret=ABCDEF", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_a_malformed_body_goes_to_the_endpoint(
    forwarded: Dossier, fast_calls: list[str], body: Any, content_type: str
) -> None:
    fast, full = both(body, content_type=content_type)

    assert fast_calls == []
    assert fast.status_code in {400, 422}
    assert fast.json()["code"] in {"validation_error", "json_invalid", "nul_character", "bad_request"}
    assert_same(fast, full)


def test_a_session_cookie_goes_to_the_endpoint(forwarded: Dossier, fast_calls: list[str]) -> None:
    body = {"code": forwarded.code, "secret": forwarded.lookup_secret}
    answer = post(body, full_stack=False, cookies={settings.SESSION_COOKIE_NAME: "x"})

    assert fast_calls == []
    assert answer.status_code == 200


def test_other_methods_and_paths_go_through(fast_calls: list[str]) -> None:
    assert Client().get(LOOKUP_PATH).status_code == 405
    assert (
        Client()
        .post(f"{LOOKUP_PATH}?x=1", {"code": "a", "secret": "b"}, content_type="application/json")
        .status_code
        == 404
    )
    assert fast_calls == []
