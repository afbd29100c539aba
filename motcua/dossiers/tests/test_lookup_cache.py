"""The public lookup's answer cache (`motcua.dossiers.lookup_cache`): a second lookup of a code costs no
query, the secret is still checked, the label follows the language, and any change to the dossier or its
steps makes the next lookup read the database again."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from motcua.catalog.models import Procedure
from motcua.dossiers import lookup_cache, services
from motcua.dossiers.lookup import public_status
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World, at, counter_received

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["local memory", "redis"])
def _cache_on(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """Each test with the tests' local-memory cache and with production's (a throw-away Redis: one round
    trip per read, `RedisCache.get_and_add`)."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {"default": {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": url}}
    settings.MOTCUA = {**settings.MOTCUA, "LOOKUP_CACHE": True}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def received(world: World, procedure: Procedure, django_capture_on_commit_callbacks: Any) -> Dossier:
    """Received at the counter Monday 7/12 09:00."""
    with django_capture_on_commit_callbacks(execute=True):
        return counter_received(world, procedure, when=at(7, 9))


def test_the_second_lookup_is_read_from_the_cache(received: Dossier, django_assert_num_queries: Any) -> None:
    first = public_status(code=received.code or "", secret=received.lookup_secret)

    with django_assert_num_queries(0):
        again = public_status(code=f" {received.code} ", secret=received.lookup_secret)

    assert first is not None
    assert (first["code"], first["status"], first["status_label"]) == (
        received.code,
        "processing",
        "đang xử lý",
    )
    assert again == first


def test_a_cached_answer_still_checks_the_secret_and_speaks_the_request_language(
    received: Dossier, django_assert_num_queries: Any
) -> None:
    public_status(code=received.code or "", secret=received.lookup_secret)

    with django_assert_num_queries(0):
        wrong = public_status(code=received.code or "", secret="AAAAAA")
        with translation.override("en"):
            english = public_status(code=received.code or "", secret=received.lookup_secret)

    assert wrong is None
    assert english is not None
    assert english["status_label"] == "being processed"


def test_a_change_to_the_dossier_is_seen_by_the_next_lookup(
    world: World, received: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    before = public_status(code=received.code or "", secret=received.lookup_secret)

    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_forward(dossier=received, actor=world.specialist_a, at=at(7, 10, 30))
    after_forward = public_status(code=received.code or "", secret=received.lookup_secret)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_stop(
            dossier=Dossier.objects.get(pk=received.pk),
            actor=world.intake_a,
            reason="Người nộp rút hồ sơ",
            at=at(7, 11),
        )
    after_stop = public_status(code=received.code or "", secret=received.lookup_secret)

    assert before is not None and after_forward is not None and after_stop is not None
    assert (len(before["steps_done"]), before["status"]) == (0, "processing")
    assert (len(after_forward["steps_done"]), after_forward["status"]) == (1, "processing")
    assert after_stop["status"] == "stopped"


def test_an_answer_computed_while_a_change_commits_is_never_served(
    received: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    code = received.code or ""
    _nothing, token = lookup_cache.read(code)  # a lookup reads the token, then queries...
    with django_capture_on_commit_callbacks(execute=True):
        lookup_cache.forget(code)  # ...while a change to the dossier commits
    lookup_cache.store(code, token, ("hash", {"status": "stale"}))  # the lookup stores what it read

    assert lookup_cache.read(code)[0] is None


def test_off_without_a_shared_cache(received: Dossier, settings: Any, django_assert_num_queries: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "LOOKUP_CACHE": False}
    public_status(code=received.code or "", secret=received.lookup_secret)

    with django_assert_num_queries(1):
        public_status(code=received.code or "", secret=received.lookup_secret)
