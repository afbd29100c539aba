"""Project-wide pytest plugins and fixtures."""

import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

pytest_plugins = ["motcua.testing.browser", "motcua.testing.logguard"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests restore the data that migrations seed (the national calendar, the central KPI
    targets…) after they flush the database, so that no test depends on which test ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        # A test is transactional by its marker, or by asking for `transactional_db` or `live_server`.
        by_fixture = "transactional_db" in fixtures or "live_server" in fixtures
        wants_transaction = (marker is not None and marker.kwargs.get("transaction")) or by_fixture
        if not wants_transaction or (marker is not None and "serialized_rollback" in marker.kwargs):
            continue
        args, kwargs = (marker.args, dict(marker.kwargs)) if marker is not None else ((), {})
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's set-up, then the snapshot that serialized rollback restores made visible to every
    connection object. Django keeps the snapshot on the connection object that created the test database,
    but its connection handler is context-local (asgiref `Local`): on PostgreSQL under xdist, the
    transactional tests that run after the browser tests started got another connection object without it,
    so their flush deleted the migrations' seed data (the national calendar, the central KPI targets) for
    good. A class attribute holds the snapshot for every connection of the backend."""
    from django.db import connections  # noqa: PLC0415 (Django is set up by now)

    connection = connections["default"]
    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot is not None:
        type(connection)._test_serialized_contents = snapshot


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Vietnamese), whatever a previous test activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A throw-away redis-server for the tests that need the cache production runs (REDIS_URL)."""
    from motcua.testing.servers import Redis  # noqa: PLC0415

    if shutil.which("redis-server") is None:
        pytest.fail("these tests need redis-server: apt-get install redis-server")
    server = Redis()
    if not server.url:
        pytest.fail("redis-server did not start")
    yield server.url
    server.stop()
