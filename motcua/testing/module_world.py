"""Data built once for a whole test module, in a transaction rolled back when the module ends.

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        yield from module_world(django_db_blocker, build_world)

Each test that asks for `db` runs in its own transaction inside that one (a savepoint), so whatever a test
changes is undone before the next. Not for transactional tests (`transaction=True` flushes the database).
"""

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def module_world(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
