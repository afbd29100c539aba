"""Concurrent receipts and concurrent actions on one dossier.

On PostgreSQL the calls run in threads, each with its own connection and transaction, released together by
a barrier. SQLite serialises every write transaction of the database (IMMEDIATE transactions), so there the
`together` fixture runs the same calls one after another: the serial variant of the same assertions.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from motcua.core import outbox
from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierEvent
from motcua.dossiers.tests.helpers import World, at, counter_received, online_submitted

# serialized_rollback: the seeded national calendar comes back after other transactional tests flushed it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Call = Callable[[], Any]
Together = Callable[[list[Call]], list[Any]]


def _in_threads(calls: list[Call]) -> list[Any]:
    results: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int, call: Call) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 (returned to the test, not lost in the thread)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _one_after_another(calls: list[Call]) -> list[Any]:
    results: list[Any] = []
    for call in calls:
        try:
            results.append(call())
        except Conflict as error:
            results.append(error)
    return results


@pytest.fixture
def together(monkeypatch: pytest.MonkeyPatch) -> Together:
    """Run calls at once (PostgreSQL) or serially (SQLite). Outbox delivery after commit is left out:
    these tests are about the writes, and the consumers are tested on their own."""
    monkeypatch.setattr(outbox, "_schedule_delivery", lambda event_id: None)
    return _in_threads if connection.vendor == "postgresql" else _one_after_another


def test_fifty_parallel_receipts_at_one_agency_get_fifty_consecutive_codes(
    world: World, procedure: Any, together: Together
) -> None:
    waiting = [online_submitted(world, procedure, when=at(7, 8)) for _ in range(50)]
    results = together(
        [
            (
                lambda dossier=dossier: services.dossier_receive(
                    dossier=dossier, actor=world.intake_a, at=at(7, 10)
                )
            )
            for dossier in waiting
        ]
    )
    assert [r for r in results if not isinstance(r, Dossier)] == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"H15.50.05.13-261207-{number:04d}" for number in range(1, 51)]
    assert sorted(r.code for r in results) == codes
    assert DossierCodeSequence.objects.get(agency_code="H15.50.05.13").last_value == 50
    assert DossierEvent.objects.filter(kind="received").count() == 50


def test_two_officers_acting_on_one_dossier_at_once(world: World, procedure: Any, together: Together) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    results = together(
        [
            lambda: services.dossier_forward(
                dossier=dossier, actor=world.specialist_a, expected_version=dossier.version, at=at(7, 9)
            ),
            lambda: services.dossier_forward(
                dossier=dossier, actor=world.specialist_a2, expected_version=dossier.version, at=at(7, 9)
            ),
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Dossier"]
    refused = next(r for r in results if isinstance(r, Conflict))
    assert (refused.code, refused.status) == ("stale_version", 409)
    assert DossierEvent.objects.filter(dossier=dossier, kind="forwarded").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version + 1


def test_receipt_and_refusal_at_once_one_wins(world: World, procedure: Any, together: Together) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    results = together(
        [
            lambda: services.dossier_receive(dossier=dossier, actor=world.intake_a, at=at(7, 9)),
            lambda: services.dossier_refuse_intake(
                dossier=dossier, actor=world.intake_a, reason="Không thuộc thẩm quyền", at=at(7, 9)
            ),
        ]
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1)
    assert losers[0].code == "invalid_state"
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.status == winners[0].status
    assert (
        DossierEvent.objects.filter(dossier=dossier, kind__in=["received", "refused_at_intake"]).count() == 1
    )
