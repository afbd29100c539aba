"""Idempotency-Key on create and on actions: a retry gets the first answer and changes nothing; the same
key with another request is refused; keys belong to (user, route); answers are kept 24 hours."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.core.models import OutboxEvent
from motcua.dossiers import idempotency, services
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord
from motcua.dossiers.tasks import idempotency_purge
from motcua.dossiers.tests.api_support import BASE, Api, dossier_payload, freeze
from motcua.dossiers.tests.helpers import World, at, in_state

pytestmark = pytest.mark.django_db

KEY = "5f0c8a52-0d7e-4c43-9a3e-2b8f3e1f6d11"


def test_a_create_retried_five_times_with_one_key_gives_one_dossier_and_the_same_answer(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    payload = dossier_payload(world, procedure, receive=True)

    answers = [officer.post(BASE, payload, **{"Idempotency-Key": KEY}) for _ in range(5)]

    assert [answer.status for answer in answers] == [201] * 5
    assert all(answer.content == answers[0].content for answer in answers)
    assert [answer.headers.get("idempotent-replayed") for answer in answers] == [None] + ["true"] * 4
    assert {answer.headers["location"] for answer in answers} == {f"{BASE}/{answers[0].body['id']}"}
    dossier = Dossier.objects.get()
    assert (str(dossier.public_id), dossier.code) == (answers[0].body["id"], "H15.50.05.13-261207-0001")
    assert DossierEvent.objects.filter(dossier=dossier).count() == 3  # created, submitted, received
    assert IdempotencyRecord.objects.get().status_code == 201


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    first = officer.post(BASE, dossier_payload(world, procedure), **{"Idempotency-Key": KEY})

    other = officer.post(
        BASE, dossier_payload(world, procedure, return_method="post"), **{"Idempotency-Key": KEY}
    )

    assert first.status == 201
    assert (other.status, other.code) == (409, "idempotency_key_reused")
    assert other.body["message"] == (
        "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác. Hãy dùng khóa mới cho mỗi yêu cầu mới; "
        "chỉ dùng lại khóa để gửi lại đúng yêu cầu đó."
    )
    assert Dossier.objects.count() == 1


def test_the_same_body_in_another_key_order_is_the_same_request(world: World, procedure: Procedure) -> None:
    officer = Api(world.intake_a)
    payload = dossier_payload(world, procedure)
    reordered = dict(reversed(list(payload.items())))

    first = officer.post(BASE, payload, **{"Idempotency-Key": KEY})
    again = officer.post(BASE, reordered, **{"Idempotency-Key": KEY})

    assert (first.status, again.status, again.content) == (201, 201, first.content)
    assert Dossier.objects.count() == 1


def test_keys_are_per_user(world: World, procedure: Procedure) -> None:
    payload = dossier_payload(world, procedure, channel="online")
    payload.pop("applicant")

    mine = Api(world.citizen).post(BASE, payload, **{"Idempotency-Key": KEY})
    theirs = Api(world.other_citizen).post(BASE, payload, **{"Idempotency-Key": KEY})

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.body["id"] != theirs.body["id"]
    assert sorted(Dossier.objects.values_list("applicant_name", flat=True)) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]


def test_keys_are_per_route(world: World, procedure: Procedure, monkeypatch: Any) -> None:
    """The same key on two dossiers is two requests."""
    first, second = in_state(world, procedure, "submitted"), in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))
    officer = Api(world.intake_a)

    answers = [officer.act(dossier, "receive", **{"Idempotency-Key": KEY}) for dossier in (first, second)]

    assert [answer.status for answer in answers] == [200, 200]
    assert sorted(Dossier.objects.values_list("code", flat=True)) == [
        "H15.50.05.13-261207-0001",
        "H15.50.05.13-261207-0002",
    ]


def test_an_action_retried_returns_the_first_answer_without_a_second_event(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    dossier = in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))
    officer = Api(world.intake_a)

    first = officer.act(dossier, "receive", version=2, **{"Idempotency-Key": KEY})
    outbox = OutboxEvent.objects.count()
    again = officer.act(dossier, "receive", version=2, **{"Idempotency-Key": KEY})

    assert (first.status, again.status) == (200, 200)
    assert again.content == first.content
    assert (again.etag, again.headers["idempotent-replayed"]) == ('"3"', "true")
    dossier.refresh_from_db()
    assert (dossier.version, dossier.status) == (3, "processing")
    assert DossierEvent.objects.filter(dossier=dossier, kind="received").count() == 1
    assert OutboxEvent.objects.count() == outbox


def test_without_a_key_a_repeated_action_is_refused_by_the_version(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    dossier = in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))
    officer = Api(world.intake_a)

    first = officer.act(dossier, "receive", version=2)
    again = officer.act(dossier, "receive", version=2)

    assert first.status == 200
    assert (again.status, again.code, again.body["version"]) == (409, "stale_version", 3)


def test_a_refusal_is_the_first_answer_too(world: World, procedure: Procedure, monkeypatch: Any) -> None:
    """The first answer was a 409 (not the right state): a retry gets the same 409, even once the state
    would allow the action; a new request needs a new key."""
    dossier = in_state(world, procedure, "processing")
    freeze(monkeypatch, at(7, 10))
    officer = Api(world.intake_a)

    first = officer.act(dossier, "refuse_intake", {"reason": "Thiếu giấy tờ"}, **{"Idempotency-Key": KEY})
    again = officer.act(dossier, "refuse_intake", {"reason": "Thiếu giấy tờ"}, **{"Idempotency-Key": KEY})

    assert (first.status, first.code) == (409, "invalid_state")
    assert (again.status, again.content, again.headers["idempotent-replayed"]) == (409, first.content, "true")


def test_a_request_refused_before_it_runs_does_not_use_the_key(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    """No If-Match (428) or an invalid body (422): the key stays free for the corrected request."""
    dossier = in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))
    officer = Api(world.intake_a)

    missing = officer.act(dossier, "receive", version=False, **{"Idempotency-Key": KEY})
    invalid = officer.post(BASE, {"procedure": procedure.code}, **{"Idempotency-Key": KEY})
    corrected = officer.act(dossier, "receive", **{"Idempotency-Key": KEY})

    assert (missing.status, invalid.status, corrected.status) == (428, 422, 200)
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "khóa-có-dấu", "tab\tinside"])
def test_an_unusable_key_is_refused(world: World, procedure: Procedure, key: str) -> None:
    answer = Api(world.intake_a).post(BASE, dossier_payload(world, procedure), **{"Idempotency-Key": key})

    assert (answer.status, answer.code) == (400, "invalid_idempotency_key")
    assert answer.body["fields"] == {"Idempotency-Key": "Dùng một UUID mới cho mỗi yêu cầu mới."}
    assert Dossier.objects.count() == 0


def test_answers_are_kept_24_hours(world: World, procedure: Procedure, monkeypatch: Any) -> None:
    clock = freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    payload = dossier_payload(world, procedure)
    first = officer.post(BASE, payload, **{"Idempotency-Key": KEY})

    clock.set(at(8, 8, 59))
    within = officer.post(BASE, payload, **{"Idempotency-Key": KEY})
    clock.set(at(8, 9, 0))
    after = officer.post(BASE, payload, **{"Idempotency-Key": KEY})

    assert within.content == first.content
    assert after.status == 201
    assert after.body["id"] != first.body["id"]
    assert Dossier.objects.count() == 2


def test_the_hourly_task_forgets_answers_older_than_24_hours(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    clock = freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    officer.post(BASE, dossier_payload(world, procedure), **{"Idempotency-Key": "old"})
    clock.set(at(7, 20))
    officer.post(BASE, dossier_payload(world, procedure), **{"Idempotency-Key": "recent"})

    clock.set(at(8, 9, 30))
    deleted = idempotency_purge.call_local()

    assert deleted == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_a_concurrent_duplicate_waits_then_is_told_the_first_is_in_progress(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    """A claim without an answer yet (the first request still running): the duplicate waits
    `WAIT_SECONDS`, then answers 409 with Retry-After, and creates nothing."""
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    officer = Api(world.intake_a)
    payload = dossier_payload(world, procedure)
    first = officer.post(BASE, payload, **{"Idempotency-Key": KEY})
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=None, body="")

    duplicate = officer.post(BASE, payload, **{"Idempotency-Key": KEY})

    assert first.status == 201
    assert (duplicate.status, duplicate.code, duplicate.headers["retry-after"]) == (
        409,
        "idempotency_in_progress",
        "1",
    )
    assert Dossier.objects.count() == 1


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over_after_the_lease(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    clock = freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    payload = dossier_payload(world, procedure, receive=True)
    stale = IdempotencyRecord.objects.create(
        user=world.intake_a,
        route=f"POST {BASE}",
        key=KEY,
        fingerprint=idempotency.fingerprint(_request(payload)),
        created_at=at(7, 9),
        started_at=at(7, 9),
    )

    clock.set(at(7, 9) + idempotency.LEASE + dt.timedelta(seconds=1))
    answer = officer.post(BASE, payload, **{"Idempotency-Key": KEY})

    assert answer.status == 201
    stale.refresh_from_db()
    assert (stale.status_code, stale.body) == (201, answer.content.decode())


def _request(payload: dict[str, Any]) -> Any:
    from django.test import RequestFactory

    return RequestFactory().post(BASE, payload, content_type="application/json")


def test_an_unexpected_failure_releases_the_key(world: World, procedure: Procedure, monkeypatch: Any) -> None:
    """A 500 is not an answer to keep: the retry runs again (and here succeeds)."""
    officer = Api(world.intake_a)
    officer.client = Client(raise_request_exception=False)
    payload = dossier_payload(world, procedure, receive=True)
    real = services.counter_intake

    def broken(**kwargs: Any) -> Dossier:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "counter_intake", broken)
    failed = officer.post(BASE, payload, **{"Idempotency-Key": KEY})
    monkeypatch.setattr(services, "counter_intake", real)
    retried = officer.post(BASE, payload, **{"Idempotency-Key": KEY})

    assert (failed.status, retried.status) == (500, 201)
    assert IdempotencyRecord.objects.get().status_code == 201
    assert Dossier.objects.count() == 1
