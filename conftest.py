"""Project-wide pytest plugins and fixtures."""

from collections.abc import Iterator
from importlib import import_module

import pytest
from django.conf import settings
from django.utils import translation

pytest_plugins = ["motcua.testing.browser"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests restore the data that migrations seed (the national calendar, the central KPI
    targets…) after they flush the database, so that no test depends on which test ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        wants_transaction = marker is not None and marker.kwargs.get("transaction")
        if wants_transaction and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )


@pytest.fixture(autouse=True)
def _migration_seeds(request: pytest.FixtureRequest) -> None:
    """Transactional tests end with a flush; where serialized rollback could not put the migrations' seed
    data back (seen on PostgreSQL under xdist), seed it again before the next transactional test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps  # noqa: PLC0415 (Django is set up by now)

    from motcua.worktime.models import WorkCalendar  # noqa: PLC0415

    if not WorkCalendar.objects.filter(is_national=True).exists():
        import_module("motcua.worktime.migrations.0002_seed_national_calendar").seed(apps, None)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (Vietnamese), whatever a previous test activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
