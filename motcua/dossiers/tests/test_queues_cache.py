"""The API's work-queue page (`queues.queue_rows`): the rows read as values show what the model summary
shows, and the page cache (`queue_cache`) serves a page again only while nothing it could hold changed;
the urgency is computed at each read, so a cached page is never late."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from motcua.accounts.models import Role
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.queues import queue_rows, work_queue
from motcua.dossiers.schemas import summary
from motcua.dossiers.tests.api_support import BASE, Api, freeze
from motcua.dossiers.tests.helpers import World, at, counter_received, make_user, online_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world: World, procedure: Procedure) -> dict[str, Dossier]:
    """At commune A on Monday 7/12: two online dossiers to receive, one at the specialist's step."""
    return {
        "early": online_submitted(world, procedure, when=at(7, 8)),
        "late": online_submitted(world, procedure, when=at(7, 8, 30)),
        "received": counter_received(world, procedure, when=at(7, 9)),
    }


@pytest.fixture
def cache_on(settings: Any) -> Iterator[None]:
    settings.MOTCUA = {**settings.MOTCUA, "QUEUE_CACHE": True}
    cache.clear()
    yield
    cache.clear()


def ids(page: Any) -> list[int]:
    return [row.values["id"] for row in page.rows]


def test_the_api_rows_are_the_dossier_summary(
    world: World, waiting: dict[str, Dossier], monkeypatch: Any
) -> None:
    freeze(monkeypatch, at(7, 10))
    answer = Api(world.intake_a).get(f"{BASE}/queue", {"role": "intake_officer"})

    assert answer.status == 200
    expected = [
        summary(
            Dossier.objects.select_related("procedure", "receiving_unit", "competent_unit").get(pk=dossier.pk)
        )
        for dossier in (waiting["early"], waiting["late"])
    ]
    assert [item["dossier"] for item in answer.body["items"]] == expected


def test_without_the_setting_nothing_is_cached(world: World, waiting: dict[str, Dossier]) -> None:
    first = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    second = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))

    assert (first.cached, second.cached) == (False, False)
    assert ids(second) == [waiting["early"].pk, waiting["late"].pk]


@pytest.mark.usefixtures("cache_on")
def test_a_page_read_again_comes_from_the_cache_with_its_urgency_computed_now(
    world: World, waiting: dict[str, Dossier], django_assert_num_queries: Any
) -> None:
    first = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    # The units of the role and the receiving unit's calendar; no walk, no dossier read.
    with django_assert_num_queries(2):
        again = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    later = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 16))

    assert (first.cached, again.cached, later.cached) == (False, True, True)
    assert again.rows == first.rows
    assert ids(later) == [waiting["early"].pk, waiting["late"].pk]
    assert [row.urgency.left_minutes for row in first.rows] == [360, 390]
    # Six hours later, as the uncached queue computes it: 90 and 120 working minutes left, both at risk.
    fresh = work_queue(user=world.intake_a, role="intake_officer", now=at(7, 16))
    assert [row.urgency for row in later.rows] == [item.urgency for item in fresh.items]
    assert [(row.urgency.left_minutes, row.urgency.at_risk) for row in later.rows] == [
        (90, True),
        (120, True),
    ]


@pytest.mark.usefixtures("cache_on")
def test_a_receipt_forgets_the_pages_of_its_units(
    world: World, waiting: dict[str, Dossier], django_capture_on_commit_callbacks: Any
) -> None:
    queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    specialist_before = queue_rows(user=world.specialist_a, role="specialist", now=at(7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive(dossier=waiting["early"], actor=world.intake_a, at=at(7, 10))

    intake = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    specialist = queue_rows(user=world.specialist_a, role="specialist", now=at(7, 10))

    assert (intake.cached, specialist.cached) == (False, False)
    assert ids(intake) == [waiting["late"].pk]
    assert ids(specialist_before) == [waiting["received"].pk]
    assert sorted(ids(specialist)) == sorted([waiting["received"].pk, waiting["early"].pk])


@pytest.mark.usefixtures("cache_on")
def test_a_page_is_kept_until_the_change_commits(
    world: World, waiting: dict[str, Dossier], django_capture_on_commit_callbacks: Any
) -> None:
    queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_receive(dossier=waiting["early"], actor=world.intake_a, at=at(7, 10))
        inside = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    for callback in callbacks:
        callback()
    after = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))

    assert inside.cached is True  # not committed yet: other sessions still see the old page
    assert (after.cached, ids(after)) == (False, [waiting["late"].pk])


@pytest.mark.usefixtures("cache_on")
def test_a_step_given_to_another_officer_leaves_the_first_ones_page(
    world: World, waiting: dict[str, Dossier], django_capture_on_commit_callbacks: Any
) -> None:
    other = make_user("cv.a2", (Role.SPECIALIST, world.commune_a))
    dossier = waiting["received"]
    assert ids(queue_rows(user=world.specialist_a, role="specialist", now=at(7, 10))) == [dossier.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_reassign(dossier=dossier, actor=world.leader_a, assignee=other, at=at(7, 10))

    mine = queue_rows(user=world.specialist_a, role="specialist", now=at(7, 10))
    theirs = queue_rows(user=other, role="specialist", now=at(7, 10))

    assert (mine.cached, ids(mine)) == (False, [])
    assert ids(theirs) == [dossier.pk]


@pytest.mark.usefixtures("cache_on")
def test_a_renamed_unit_forgets_every_page(
    world: World, waiting: dict[str, Dossier], django_capture_on_commit_callbacks: Any
) -> None:
    queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        world.commune_a.name = "Xã A mới"
        world.commune_a.save(update_fields=["name"])

    page = queue_rows(user=world.intake_a, role="intake_officer", now=at(7, 10))

    assert page.cached is False
    assert {row.values["competent_unit__name"] for row in page.rows} == {"Xã A mới"}


@pytest.mark.usefixtures("cache_on")
def test_the_supervisors_queue_is_never_cached(world: World, waiting: dict[str, Dossier]) -> None:
    first = queue_rows(user=world.supervisor_a, role="supervisor", now=at(7, 10))
    second = queue_rows(user=world.supervisor_a, role="supervisor", now=at(7, 10))

    assert (first.cached, second.cached) == (False, False)
