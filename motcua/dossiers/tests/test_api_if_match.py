"""Optimistic concurrency: reads give the version as ETag; every action needs it back in If-Match
(428 without it, 409 "stale_version" when someone acted in between, 400 when unreadable)."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_support import BASE, Api, freeze
from motcua.dossiers.tests.helpers import World, at, in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world: World, procedure: Procedure, monkeypatch: Any) -> Dossier:
    dossier = in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))
    return dossier


def unchanged(dossier: Dossier) -> bool:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    return (fresh.status, fresh.version, events) == ("submitted", 2, 2)


def test_reads_carry_the_version_as_etag(world: World, submitted: Dossier) -> None:
    answer = Api(world.intake_a).read(submitted)

    assert (answer.etag, answer.body["etag"], answer.body["version"]) == ('"2"', '"2"', 2)


def test_an_action_answers_the_new_etag(world: World, submitted: Dossier) -> None:
    answer = Api(world.intake_a).act(submitted, "receive", version=2)

    assert (answer.status, answer.etag, answer.body["version"]) == (200, '"3"', 3)


@pytest.mark.parametrize("header", ['"2"', "2", 'W/"2"', ' "2" '])
def test_the_version_may_be_sent_as_the_etag_or_plain(world: World, submitted: Dossier, header: str) -> None:
    answer = Api(world.intake_a).act(submitted, "receive", version=False, **{"If-Match": header})

    assert answer.status == 200


@pytest.mark.parametrize("header", [None, "", "*"])
def test_an_action_without_the_version_is_refused_with_428(
    world: World, submitted: Dossier, header: str | None
) -> None:
    headers = {} if header is None else {"If-Match": header}

    answer = Api(world.intake_a).act(submitted, "receive", version=False, **headers)

    assert (answer.status, answer.code) == (428, "precondition_required")
    assert answer.body["message"] == (
        "Hãy gửi phiên bản của hồ sơ mà bạn đang xử lý trong tiêu đề If-Match (ETag của hồ sơ khi bạn đọc "
        "lần gần nhất)."
    )
    assert answer.body["fields"] == {"If-Match": 'Bắt buộc: ETag của hồ sơ, ví dụ "3".'}
    assert unchanged(submitted)


@pytest.mark.parametrize("header", ['"2", "3"', "version 2", '"-1"', '"2'])
def test_an_unreadable_if_match_is_refused_with_400(world: World, submitted: Dossier, header: str) -> None:
    answer = Api(world.intake_a).act(submitted, "receive", version=False, **{"If-Match": header})

    assert (answer.status, answer.code) == (400, "invalid_if_match")
    assert unchanged(submitted)


def test_a_stale_version_is_refused_with_409_and_the_current_version(
    world: World, submitted: Dossier
) -> None:
    answer = Api(world.intake_a).act(submitted, "receive", version=1)

    assert (answer.status, answer.code, answer.body["version"]) == (409, "stale_version", 2)
    assert answer.body["message"] == (
        "Hồ sơ đã được người khác cập nhật sau khi bạn mở (hiện là phiên bản 2, bạn đang xem phiên bản 1). "
        "Hãy tải lại hồ sơ và thực hiện lại."
    )
    assert unchanged(submitted)


def test_the_second_of_two_officers_with_the_same_version_gets_409(world: World, submitted: Dossier) -> None:
    """The serial shape of the race (the parallel one runs on PostgreSQL in test_concurrency_actions)."""
    first = Api(world.intake_a).act(submitted, "receive", version=2)
    second = Api(world.intake_a).act(submitted, "refuse_intake", {"reason": "Thiếu giấy tờ"}, version=2)

    assert (first.status, second.status, second.code) == (200, 409, "stale_version")
    assert list(DossierEvent.objects.filter(dossier=submitted).values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "received",
    ]


def test_a_read_of_an_unknown_dossier_is_a_404_problem(world: World) -> None:
    answer = Api(world.intake_a).get(f"{BASE}/00000000-0000-4000-8000-000000000000")

    assert (answer.status, answer.code) == (404, "dossier_not_found")
