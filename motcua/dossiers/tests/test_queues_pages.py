"""Keyset pagination of the work queues: pages in order, none repeated or skipped, stable when dossiers
arrive between two pages; cursors that are not valid are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.errors import ApplicationError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.queues import Cursor, work_queue
from motcua.dossiers.tests.helpers import World, at, counter_draft, online_submitted

pytestmark = pytest.mark.django_db


def postal(world: World, procedure: Any, hour: int) -> Dossier:
    draft = counter_draft(world, procedure, when=at(7, hour), channel="3", postmarked_at=at(4, 15))
    return services.dossier_submit(dossier=draft, actor=world.intake_a, at=at(7, hour))


def all_pages(world: World, *, limit: int, order: str = "due") -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = work_queue(user=world.intake_a, role="intake_officer", order=order, after=cursor, limit=limit)
        pages.append([item.dossier.pk for item in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


@pytest.fixture
def waiting(world: World, procedure: Any) -> list[Dossier]:
    """Seven dossiers waiting for receipt: five online (two submitted at the same moment: equal limits),
    two postal (no limit: last, by id)."""
    dossiers = [online_submitted(world, procedure, when=at(7, hour)) for hour in (10, 8, 9, 9, 14)]
    dossiers += [postal(world, procedure, 15), postal(world, procedure, 11)]
    return dossiers


def test_pages_follow_each_other_without_repeat_or_gap(world: World, waiting: list[Dossier]) -> None:
    pages = all_pages(world, limit=3)

    by_limit = sorted(waiting[:5], key=lambda d: (d.receive_due_at, d.pk))
    expected = [d.pk for d in by_limit] + sorted(d.pk for d in waiting[5:])
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]


def test_a_page_exactly_full_has_no_next_page(world: World, waiting: list[Dossier]) -> None:
    page = work_queue(user=world.intake_a, role="intake_officer", limit=7)

    assert (len(page.items), page.next_cursor) == (7, None)


def test_dossiers_arriving_between_pages_neither_repeat_nor_hide_the_others(
    world: World, procedure: Any, waiting: list[Dossier]
) -> None:
    first = work_queue(user=world.intake_a, role="intake_officer", limit=3)
    # New dossiers: one due before the cursor (it belongs to the first page), one after it, one postal.
    online_submitted(world, procedure, when=at(7, 7))
    later = online_submitted(world, procedure, when=at(7, 16))
    late_postal = postal(world, procedure, 16)

    rest, cursor = [], first.next_cursor
    while cursor is not None:
        page = work_queue(user=world.intake_a, role="intake_officer", after=cursor, limit=3)
        rest += [item.dossier.pk for item in page.items]
        cursor = page.next_cursor

    seen = [item.dossier.pk for item in first.items] + rest
    assert len(seen) == len(set(seen))
    assert {d.pk for d in waiting} <= set(seen)
    assert {later.pk, late_postal.pk} <= set(rest)


def test_received_first_pages(world: World, waiting: list[Dossier]) -> None:
    pages = all_pages(world, limit=2, order="received")

    expected = [d.pk for d in sorted(waiting, key=lambda d: (d.system_received_at, d.pk))]
    assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("cursor", ["nonsense", "e30", Cursor("received", None, 1).encode()])
def test_a_cursor_that_is_not_valid_for_this_order_is_refused(world: World, cursor: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        work_queue(user=world.intake_a, role="intake_officer", order="due", after=cursor)

    assert (refused.value.code, refused.value.status, list(refused.value.fields)) == (
        "invalid_cursor",
        400,
        ["after"],
    )
    assert (
        str(refused.value.message) == "Liên kết trang này không còn hợp lệ; hãy mở lại hàng đợi từ trang đầu."
    )


def test_the_limit_is_kept_within_bounds(world: World, waiting: list[Dossier]) -> None:
    assert len(work_queue(user=world.intake_a, role="intake_officer", limit=0).items) == 1
    assert len(work_queue(user=world.intake_a, role="intake_officer", limit=10_000).items) == 7


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(min_value=1, max_value=8), order=st.sampled_from(["due", "received"]))
def test_any_page_size_walks_the_whole_queue_in_order(
    world: World, waiting: list[Dossier], limit: int, order: str
) -> None:
    pages = all_pages(world, limit=limit, order=order)

    assert [pk for page in pages for pk in page] == [
        pk for page in all_pages(world, limit=50, order=order) for pk in page
    ]
    assert all(len(page) == limit for page in pages[:-1])
