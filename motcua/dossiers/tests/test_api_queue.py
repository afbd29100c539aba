"""The work-queue endpoints (`motcua.dossiers.queues` underneath): each staff role sees what waits on it in
its units, most pressing first, in keyset pages; the counts come from the counters."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_support import BASE, Api, freeze, province_supervisor
from motcua.dossiers.tests.helpers import World, at, counter_received, online_submitted

pytestmark = pytest.mark.django_db

QUEUE = f"{BASE}/queue"


def ids(answer: Any) -> list[str]:
    assert answer.status == 200, answer.body
    return [item["dossier"]["id"] for item in answer.body["items"]]


def public(*dossiers: Dossier) -> list[str]:
    return [str(dossier.public_id) for dossier in dossiers]


@pytest.fixture
def waiting(world: World, procedure: Procedure, monkeypatch: Any) -> dict[str, Dossier]:
    """At commune A on Monday 7/12: two online dossiers waiting for receipt (submitted 08:00 and 08:30)
    and one received at the counter at 09:00 (at the specialist's step); one received at commune B."""
    dossiers = {
        "early": online_submitted(world, procedure, when=at(7, 8)),
        "late": online_submitted(world, procedure, when=at(7, 8, 30)),
        "received": counter_received(world, procedure, when=at(7, 9)),
        "elsewhere": counter_received(world, procedure, when=at(7, 9), officer=world.intake_b),
    }
    freeze(monkeypatch, at(7, 10))
    return dossiers


def test_the_intake_officer_sees_the_dossiers_to_receive_most_pressing_first(
    world: World, waiting: dict[str, Dossier]
) -> None:
    answer = Api(world.intake_a).get(QUEUE, {"role": "intake_officer"})

    assert ids(answer) == public(waiting["early"], waiting["late"])
    first = answer.body["items"][0]
    assert first["urgency"] == {
        "due_at": "2026-12-08T08:00:00+07:00",
        "left_minutes": 360,
        "late": False,
        "at_risk": False,
        "paused": False,
    }
    assert answer.body["next_cursor"] is None


def test_the_specialist_sees_the_dossier_at_their_step(world: World, waiting: dict[str, Dossier]) -> None:
    assert ids(Api(world.specialist_a).get(QUEUE, {"role": "specialist"})) == public(waiting["received"])
    assert ids(Api(world.specialist_b).get(QUEUE, {"role": "specialist"})) == public(waiting["elsewhere"])


def test_pages_follow_the_cursor(world: World, waiting: dict[str, Dossier]) -> None:
    officer = Api(world.intake_a)

    first = officer.get(QUEUE, {"role": "intake_officer", "limit": 1})
    second = officer.get(QUEUE, {"role": "intake_officer", "limit": 1, "cursor": first.body["next_cursor"]})

    assert (ids(first), ids(second)) == (public(waiting["early"]), public(waiting["late"]))
    assert second.body["next_cursor"] is None


def test_filters(world: World, procedure: Procedure, waiting: dict[str, Dossier]) -> None:
    officer = Api(world.intake_a)
    services.dossier_ask_supplement_at_intake(
        dossier=waiting["late"], actor=world.intake_a, items=["Ảnh"], reason="Thiếu ảnh", at=at(7, 9)
    )

    submitted = officer.get(QUEUE, {"role": "intake_officer", "status": "submitted"})
    online = officer.get(QUEUE, {"role": "intake_officer", "channel": "online", "procedure": procedure.code})
    due_soon = officer.get(QUEUE, {"role": "intake_officer", "due_before": "2026-12-08T08:10:00+07:00"})

    assert ids(submitted) == ids(online) == ids(due_soon) == public(waiting["early"])


def test_counts_per_status_come_from_the_counters(world: World, waiting: dict[str, Dossier]) -> None:
    answer = Api(world.intake_a).get(f"{QUEUE}/counts", {"role": "intake_officer"})

    assert answer.status == 200
    assert {status: n for status, n in answer.body.items() if n} == {"submitted": 2, "processing": 1}


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("citizen", 403, "permission_denied"),
        ("specialist_a", 403, "permission_denied"),
        ("intake_b", 200, None),
        ("intake_a", 200, None),
    ],
)
@pytest.mark.parametrize("path", [QUEUE, f"{QUEUE}/counts"])
def test_who_may_open_an_intake_queue(
    world: World, waiting: dict[str, Dossier], who: str, status: int, code: str | None, path: str
) -> None:
    user = None if who == "anonymous" else getattr(world, who)

    answer = Api(user).get(path, {"role": "intake_officer"})

    assert answer.status == status
    if code:
        assert answer.code == code
    elif path == QUEUE:
        expected = [] if who == "intake_b" else public(waiting["early"], waiting["late"])
        assert ids(answer) == expected


def test_the_province_supervisor_sees_late_and_at_risk_dossiers(
    world: World, waiting: dict[str, Dossier]
) -> None:
    answer = Api(province_supervisor(world)).get(QUEUE, {"role": "supervisor"})

    assert answer.status == 200
    assert set(ids(answer)) <= set(public(*waiting.values()))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "admin"}, "role"),
        ({}, "role"),
        ({"role": "specialist", "order": "name"}, "order"),
        ({"role": "specialist", "limit": 201}, "limit"),
        ({"role": "specialist", "procedure": "9.999"}, "procedure"),
    ],
)
def test_bad_queue_parameters_are_422(world: World, params: dict[str, Any], field: str) -> None:
    answer = Api(world.specialist_a).get(QUEUE, params)

    assert (answer.status, list(answer.body["fields"])) == (422, [field])


def test_a_bad_queue_cursor_is_refused(world: World) -> None:
    answer = Api(world.specialist_a).get(QUEUE, {"role": "specialist", "cursor": "nonsense"})

    assert answer.status == 400
    assert answer.body["fields"] == {"cursor": "Dùng con trỏ của trang trước, với cùng cách sắp xếp."}


def test_the_status_label_follows_the_request_language_on_a_cached_page(
    world: World, waiting: dict[str, Dossier], settings: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "QUEUE_CACHE": True}  # the page computed once, then read back
    api = Api(world.intake_a)

    labels = [
        [
            item["dossier"]["status_label"]
            for item in api.get(QUEUE, {"role": "intake_officer"}, **h).body["items"]
        ]
        for h in (
            {"Accept-Language": "vi"},
            {"Accept-Language": "en"},
            {"Accept-Language": "vi"},
        )
    ]

    vi, en = "đã nộp, chờ tiếp nhận", "submitted, waiting for receipt"
    assert labels == [[vi, vi], [en, en], [vi, vi]]
