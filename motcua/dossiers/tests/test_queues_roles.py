"""Work queues per role: what waits on each officer, in their units only, filtered and sorted, with the
due / at-risk / late flags; counts per state from the counters."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.queues import QueueFilters, queue_counts, work_queue
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    World,
    at,
    counter_draft,
    counter_received,
    make_procedure,
    online_submitted,
)

pytestmark = pytest.mark.django_db


def codes(page: Any) -> list[str]:
    return [item.dossier.code or item.dossier.applicant_name for item in page.items]


def ids(page: Any) -> list[int]:
    return [item.dossier.pk for item in page.items]


@pytest.fixture
def intake(world: World, procedure: Any) -> dict[str, Dossier]:
    """At commune A's centre: two online dossiers waiting for receipt (limits Tuesday 08:00 and 10:00), a
    postal one (no receipt limit), a resolved one to hand over (due Tuesday 09:00), one in processing;
    at commune B's centre one online dossier waiting."""
    first = online_submitted(world, procedure, when=at(7, 8))
    second = online_submitted(world, procedure, when=at(7, 10))
    postal = counter_draft(world, procedure, when=at(7, 9), channel="3", postmarked_at=at(4, 15))
    postal = services.dossier_submit(dossier=postal, actor=world.intake_a, at=at(7, 9))
    resolved = counter_received(world, procedure, when=at(7, 9))
    resolved = services.dossier_forward(dossier=resolved, actor=world.specialist_a, at=at(7, 10))
    resolved = services.dossier_approve(dossier=resolved, actor=world.leader_a, at=at(7, 11))
    processing = counter_received(world, procedure, when=at(7, 11))
    other = services.dossier_submit(
        dossier=services.dossier_create(
            actor=world.citizen,
            procedure=procedure,
            applicant=world.citizen,
            channel="2",
            receiving_unit=world.centre_b,
            form_data={},
            components=[],
            return_method="counter",
            at=at(7, 8),
        ),
        actor=world.citizen,
        at=at(7, 8),
    )
    return {
        "first": first,
        "second": second,
        "postal": postal,
        "resolved": resolved,
        "processing": processing,
        "other": other,
    }


def test_the_intake_officer_sees_what_to_receive_and_what_to_return_due_first(
    world: World, intake: dict[str, Dossier]
) -> None:
    page = work_queue(user=world.intake_a, role="intake_officer", now=at(7, 16))

    assert ids(page) == [intake[key].pk for key in ("first", "resolved", "second", "postal")]
    assert [item.lane for item in page.items] == ["to_receive", "to_return", "to_receive", "to_receive"]
    assert [(item.urgency.due_at, item.urgency.left_minutes) for item in page.items] == [
        (at(8, 8), 90),
        (at(8, 9), 150),
        (at(8, 10), 210),
        (None, None),
    ]
    # The result to hand over is due within 2 working days: at risk too.
    assert [(item.urgency.at_risk, item.urgency.late) for item in page.items] == [
        (True, False),
        (True, False),
        (False, False),
        (False, False),
    ]
    assert (page.next_cursor, page.statuses) == (None, ("resolved", "submitted"))


def test_received_first_orders_by_system_receipt_and_receipt(
    world: World, intake: dict[str, Dossier]
) -> None:
    page = work_queue(user=world.intake_a, role="intake_officer", order="received", now=at(7, 16))

    # first 08:00, postal 09:00 (system receipt), resolved received 09:00 (id after postal), second 10:00
    assert ids(page) == [intake[key].pk for key in ("first", "postal", "resolved", "second")]


def test_late_for_receipt(world: World, intake: dict[str, Dossier]) -> None:
    page = work_queue(user=world.intake_a, role="intake_officer", now=at(8, 9))

    first = page.items[0]
    assert (first.dossier, first.urgency.late, first.urgency.at_risk, first.urgency.left_minutes) == (
        intake["first"],
        True,
        False,
        -60,
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (QueueFilters(status="resolved"), ["resolved"]),
        (QueueFilters(status="submitted"), ["first", "second", "postal"]),
        (QueueFilters(channel="3"), ["postal"]),
        (QueueFilters(channel="2"), ["first", "second"]),
        (QueueFilters(due_before=at(8, 9, 30)), ["first", "resolved"]),
    ],
)
def test_filters(
    world: World, intake: dict[str, Dossier], filters: QueueFilters, expected: list[str]
) -> None:
    page = work_queue(user=world.intake_a, role="intake_officer", filters=filters, now=at(7, 16))

    assert ids(page) == [intake[key].pk for key in expected]


def test_filter_by_procedure(world: World, intake: dict[str, Dossier]) -> None:
    other = make_procedure(world, code="1.000656.000.00.00.H15")
    mine = online_submitted(world, other, when=at(7, 9))

    page = work_queue(user=world.intake_a, role="intake_officer", filters=QueueFilters(procedure=other.pk))
    assert ids(page) == [mine.pk]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (QueueFilters(status="processing"), "status"),
        (QueueFilters(status="nonsense"), "status"),
        (QueueFilters(channel="9"), "channel"),
        (QueueFilters(due_before=at(8).replace(tzinfo=None)), "due_before"),
    ],
)
def test_bad_filters_are_refused_with_the_field(
    world: World, intake: dict[str, Dossier], filters: QueueFilters, field: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        work_queue(user=world.intake_a, role="intake_officer", filters=filters)

    assert (refused.value.code, refused.value.status, list(refused.value.fields)) == (
        "invalid_filter",
        400,
        [field],
    )


def test_the_state_filter_names_the_queue_states_in_vietnamese(
    world: World, intake: dict[str, Dossier]
) -> None:
    with pytest.raises(ApplicationError) as refused:
        work_queue(user=world.intake_a, role="intake_officer", filters=QueueFilters(status="rejected"))

    assert str(refused.value.message) == (
        "Hàng đợi này chỉ gồm hồ sơ ở các trạng thái: đã xử lý xong, chờ trả kết quả, đã nộp, chờ tiếp nhận."
    )


def test_bad_order_and_role(world: World, intake: dict[str, Dossier]) -> None:
    with pytest.raises(ApplicationError) as order:
        work_queue(user=world.intake_a, role="intake_officer", order="name")
    with pytest.raises(ApplicationError) as role:
        work_queue(user=world.intake_a, role="admin")

    assert (order.value.code, role.value.code) == ("invalid_order", "invalid_role")


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("anonymous", "intake_officer"),
        ("citizen", "intake_officer"),
        ("specialist_a", "intake_officer"),
        ("intake_a", "supervisor"),
    ],
)
def test_a_role_the_user_does_not_hold_is_forbidden(world: World, who: str, role: str) -> None:
    user = AnonymousUser() if who == "anonymous" else getattr(world, who)

    with pytest.raises(PermissionDenied) as denied:
        work_queue(user=user, role=role)
    with pytest.raises(PermissionDenied):
        queue_counts(user=user, role=role)
    assert denied.value.status == 403


def test_the_other_communes_officer_sees_only_their_own(world: World, intake: dict[str, Dossier]) -> None:
    assert ids(work_queue(user=world.intake_b, role="intake_officer")) == [intake["other"].pk]
    assert len(work_queue(user=world.superuser, role="intake_officer").items) == 5


def test_specialists_see_the_steps_of_their_role_or_assigned_to_them(world: World, procedure: Any) -> None:
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 10))
    third = counter_received(world, procedure, when=at(7, 8))
    services.dossier_reassign(
        dossier=second, actor=world.leader_a, assignee=world.specialist_a2, at=at(7, 11)
    )
    services.dossier_forward(dossier=first, actor=world.specialist_a, at=at(7, 11))
    services.dossier_ask_supplement(
        dossier=third, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 12)
    )

    assert ids(work_queue(user=world.specialist_a, role="specialist", now=at(7, 13))) == []
    assert ids(work_queue(user=world.specialist_a2, role="specialist", now=at(7, 13))) == [second.pk]
    assert ids(work_queue(user=world.leader_a, role="leader", now=at(7, 13))) == [first.pk]
    assert ids(work_queue(user=world.specialist_b, role="specialist", now=at(7, 13))) == []
    waiting = work_queue(
        user=world.specialist_a,
        role="specialist",
        filters=QueueFilters(status="waiting_supplement"),
        now=at(8, 16),
    )
    item = waiting.items[0]
    # Paused at Monday 12:00 with 4.5 working hours left (due Tuesday 08:00): frozen, at risk, not late.
    assert (
        ids(waiting),
        item.urgency.paused,
        item.urgency.left_minutes,
        item.urgency.late,
        item.urgency.at_risk,
    ) == (
        [third.pk],
        True,
        270,
        False,
        True,
    )


def test_the_supervisor_sees_the_dossiers_at_risk_or_late_of_the_subtree(world: World) -> None:
    three_days = make_procedure(world, amount=3, unit="working_days")
    late = counter_received(world, three_days, when=at(1, 9))  # due Friday 4/12 09:00
    at_risk = counter_received(world, three_days, when=at(7, 9))  # due Thursday 10/12 09:00
    counter_received(world, three_days, when=at(8, 9))  # due Friday 11/12 09:00: 3 working days left
    near_limit = online_submitted(world, three_days, when=at(8, 8))  # to be received by 9/12 08:00

    page = work_queue(user=world.supervisor_a, role="supervisor", now=at(8, 16))

    assert ids(page) == [late.pk, near_limit.pk, at_risk.pk]
    assert [(item.lane, item.urgency.late, item.urgency.at_risk) for item in page.items] == [
        ("at_risk", True, False),
        ("receipt_limit", False, True),
        ("at_risk", False, True),
    ]
    assert ids(work_queue(user=world.supervisor_a, role="supervisor", now=at(8, 8))) == [late.pk]


def test_counts_per_state_come_from_the_counters_and_equal_the_real_counts(
    world: World, intake: dict[str, Dossier]
) -> None:
    services.dossier_refuse_intake(
        dossier=intake["second"], actor=world.intake_a, reason=REASON, at=at(7, 12)
    )

    counts = queue_counts(user=world.intake_a, role="intake_officer")
    real = Counter(Dossier.objects.filter(receiving_unit=world.centre_a).values_list("status", flat=True))
    assert counts == {status: real.get(status, 0) for status in Dossier.Status.values}
    assert (counts["submitted"], counts["refused_at_intake"], counts["resolved"]) == (2, 1, 1)
    competent = queue_counts(user=world.leader_a, role="leader")
    assert competent["processing"] == 1
    assert queue_counts(user=world.intake_b, role="intake_officer")["submitted"] == 1


def test_a_page_costs_the_same_queries_whatever_its_size(
    world: World, intake: dict[str, Dossier], django_assert_max_num_queries: Any
) -> None:
    # The cost depends on the units on the page, never on its rows: the units, the walks (on PostgreSQL in a
    # savepoint with `SET LOCAL enable_sort = off`: 3 more statements), the page, and one calendar per
    # competent unit on the page (1 for the small page, 2 for the large one here).
    work_queue(user=world.intake_a, role="intake_officer", limit=1, now=at(7, 16))
    with django_assert_max_num_queries(7):
        small = work_queue(user=world.intake_a, role="intake_officer", limit=1, now=at(7, 16))
    with django_assert_max_num_queries(8):
        large = work_queue(user=world.intake_a, role="intake_officer", limit=50, now=at(7, 16))
    assert (len(small.items), len(large.items)) == (1, 4)


@pytest.mark.parametrize(
    ("who", "role", "order", "nullable"),
    [
        ("intake_a", "intake_officer", "due", True),  # direct and postal dossiers have no receipt limit
        ("intake_a", "intake_officer", "received", False),
        ("specialist_a", "specialist", "due", False),
        ("supervisor_a", "supervisor", "due", False),
        ("supervisor_a", "supervisor", "received", False),
    ],
)
def test_no_query_looks_for_rows_without_a_value_where_none_can_be(
    world: World, intake: dict[str, Dossier], who: str, role: str, order: str, nullable: bool
) -> None:
    # On a million dossiers PostgreSQL answered "limit IS NULL AND limit <= T ORDER BY id" by walking the
    # primary key to the end: such a query must not be sent.
    with CaptureQueriesContext(connection) as captured:
        work_queue(user=getattr(world, who), role=role, order=order, now=at(7, 16))

    asked = [
        query["sql"]
        for query in captured.captured_queries
        if "IS NULL" in query["sql"] and "dossiers_dossier" in query["sql"]
    ]
    null_parts = [
        sql
        for sql in asked
        if re.search(
            r'"dossiers_dossier"\."(receive_due_at|due_at|received_at|system_received_at)" IS NULL', sql
        )
    ]
    assert bool(null_parts) == nullable
