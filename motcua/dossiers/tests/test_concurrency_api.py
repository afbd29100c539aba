"""Races through the API, over real HTTP against the live server. On PostgreSQL the requests really run
at once (one client thread each, released together by a barrier; the server answers each in its own
thread and database connection). On SQLite, whose test database is one in-memory connection shared with
the server, the same requests run one after the other: the outcome must be the same."""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from motcua.accounts.models import Role
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_support import BASE, Answer, HttpApi, dossier_payload, freeze
from motcua.dossiers.tests.helpers import World, at, make_user, online_submitted

# serialized_rollback: the national calendar seeded by the migrations comes back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECEIPTS = 50
# Races of two officers, each on a fresh dossier.
ROUNDS = 5


def together(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Run the calls at once on PostgreSQL (threads released by a barrier), in order on SQLite."""
    if connection.vendor != "postgresql":
        return [call() for call in calls]
    answers: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers), "a request did not finish"
    return answers


def test_fifty_receipts_at_once_give_fifty_consecutive_codes(
    live_server: Any, world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    dossiers = [online_submitted(world, procedure, when=at(7, 8)) for _ in range(RECEIPTS)]
    freeze(monkeypatch, at(7, 9))
    officer = HttpApi(live_server.url, world.intake_a)

    answers = together(
        [
            lambda dossier=dossier: officer.post(f"{BASE}/{dossier.public_id}/receive", **{"If-Match": '"2"'})
            for dossier in dossiers
        ]
    )

    assert Counter(answer.status for answer in answers) == {200: RECEIPTS}
    codes = sorted(answer.body["code"] for answer in answers)
    assert codes == [f"H15.50.05.13-261207-{n:04d}" for n in range(1, RECEIPTS + 1)]
    assert sorted(Dossier.objects.values_list("code_sequence", flat=True)) == list(range(1, RECEIPTS + 1))
    assert DossierEvent.objects.filter(kind="received").count() == RECEIPTS


def test_two_officers_acting_at_once_with_the_same_version(
    live_server: Any, world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    """One receives while the other refuses, both having read version 2: one succeeds, the other gets
    409 "stale_version", and exactly one event is recorded."""
    second_officer = make_user("tiepnhan.a2", (Role.INTAKE_OFFICER, world.centre_a))
    dossiers = [online_submitted(world, procedure, when=at(7, 8)) for _ in range(ROUNDS)]
    freeze(monkeypatch, at(7, 9))
    first = HttpApi(live_server.url, world.intake_a)
    second = HttpApi(live_server.url, second_officer)

    for dossier in dossiers:
        path = f"{BASE}/{dossier.public_id}"
        receive, refuse = together(
            [
                lambda path=path: first.post(f"{path}/receive", **{"If-Match": '"2"'}),
                lambda path=path: second.post(
                    f"{path}/refuse_intake", {"reason": "Hồ sơ không hợp lệ"}, **{"If-Match": '"2"'}
                ),
            ]
        )

        outcomes = sorted([(receive.status, "receive"), (refuse.status, "refuse")])
        assert [status for status, _action in outcomes] == [200, 409], (receive.body, refuse.body)
        loser = refuse if refuse.status == 409 else receive
        assert (loser.code, loser.body["version"]) == ("stale_version", 3)
        events = list(DossierEvent.objects.filter(dossier=dossier).values_list("kind", flat=True))
        winner = "received" if receive.status == 200 else "refused_at_intake"
        assert events == ["created", "submitted", winner]
        dossier.refresh_from_db()
        assert dossier.version == 3


def test_duplicates_sent_at_once_with_one_key_create_one_dossier(
    live_server: Any, world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    """Ten copies of a counter intake with one Idempotency-Key: one dossier; every answer is the first
    one (201, the same body) or, while it is still running, 409 "idempotency_in_progress"."""
    freeze(monkeypatch, at(7, 9))
    officer = HttpApi(live_server.url, world.intake_a)
    payload = dossier_payload(world, procedure, receive=True)

    answers = together(
        [lambda: officer.post(BASE, payload, **{"Idempotency-Key": "quay-2-0042"}) for _ in range(10)]
    )

    created = [answer for answer in answers if answer.status == 201]
    busy = [answer for answer in answers if answer.status != 201]
    assert created
    assert {answer.content for answer in created} == {created[0].content}
    assert {(answer.status, answer.code, answer.headers["retry-after"]) for answer in busy} <= {
        (409, "idempotency_in_progress", "1")
    }
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().code == "H15.50.05.13-261207-0001"
