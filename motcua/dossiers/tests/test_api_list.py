"""Search: scoped to what the user may see, filtered, newest first in keyset pages with an opaque
cursor, a bounded page size, a fixed number of queries, and no COUNT."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_support import BASE, Api
from motcua.dossiers.tests.helpers import World, at, counter_received, in_state, make_procedure, online_draft

pytestmark = pytest.mark.django_db


def ids(answer: Any) -> list[str]:
    assert answer.status == 200, answer.body
    return [item["id"] for item in answer.body["items"]]


def public(*dossiers: Dossier) -> list[str]:
    return [str(dossier.public_id) for dossier in dossiers]


@pytest.fixture
def received(world: World, procedure: Procedure) -> list[Dossier]:
    """Five dossiers received at commune A's counter on 7, 8, 9, 10 and 11 December."""
    return [counter_received(world, procedure, when=at(day, 9)) for day in range(7, 12)]


def test_newest_first_in_pages_with_a_cursor(world: World, received: list[Dossier]) -> None:
    officer = Api(world.intake_a)

    first = officer.get(BASE, {"limit": 2})
    second = officer.get(BASE, {"limit": 2, "cursor": first.body["next_cursor"]})
    third = officer.get(BASE, {"limit": 2, "cursor": second.body["next_cursor"]})

    newest_first = public(*reversed(received))
    assert (ids(first), ids(second), ids(third)) == (newest_first[:2], newest_first[2:4], newest_first[4:])
    assert third.body["next_cursor"] is None


def test_a_page_has_a_fixed_number_of_queries_and_no_count(world: World, procedure: Procedure) -> None:
    for day in range(7, 12):
        counter_received(world, procedure, when=at(day, 9))
    officer = Api(world.intake_a)
    officer.get(BASE)  # the token's first use writes last_used_at

    with CaptureQueriesContext(connection) as five:
        assert len(ids(officer.get(BASE))) == 5
    for day in range(14, 19):
        counter_received(world, procedure, when=at(day, 9))
    with CaptureQueriesContext(connection) as ten:
        assert len(ids(officer.get(BASE))) == 10

    assert len(ten.captured_queries) == len(five.captured_queries)
    assert not any("COUNT(" in query["sql"].upper() for query in ten.captured_queries)


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (100, 200), (101, 422)])
def test_the_page_size_is_bounded(world: World, limit: int, status: int) -> None:
    assert Api(world.intake_a).get(BASE, {"limit": limit}).status == status


@pytest.mark.parametrize("cursor", ["nonsense", "djE6YWJj", "eDox"])
def test_a_bad_cursor_is_a_422(world: World, cursor: str) -> None:
    answer = Api(world.intake_a).get(BASE, {"cursor": cursor})

    assert (answer.status, answer.body["fields"]) == (
        422,
        {"cursor": "Con trỏ trang này không hợp lệ; hãy bắt đầu lại từ trang đầu."},
    )


def test_code_finds_exactly_one_dossier(world: World, received: list[Dossier]) -> None:
    officer = Api(world.intake_a)

    found = officer.get(BASE, {"code": received[2].code})
    missing = officer.get(BASE, {"code": "H15.50.05.13-261209-9999"})

    assert (ids(found), ids(missing)) == (public(received[2]), [])


def test_code_does_not_find_a_dossier_the_user_may_not_see(world: World, received: list[Dossier]) -> None:
    assert ids(Api(world.intake_b).get(BASE, {"code": received[0].code})) == []


def test_filters(world: World, procedure: Procedure) -> None:
    other_procedure = make_procedure(world, code="2.000001.000.00.00.H15")
    counter = counter_received(world, procedure, when=at(7, 9))
    at_b = counter_received(world, procedure, when=at(8, 9), officer=world.intake_b)
    online = in_state(world, procedure, "supplement_at_intake")
    other = counter_received(world, other_procedure, when=at(9, 9))
    superuser = Api(world.superuser)

    def search(**params: Any) -> list[str]:
        return ids(superuser.get(BASE, params))

    assert search(status="supplement_at_intake") == public(online)
    assert search(status=["supplement_at_intake", "processing"]) == public(other, online, at_b, counter)
    assert search(procedure=other_procedure.code) == public(other)
    assert search(channel="online") == public(online)
    assert search(channel="direct") == public(other, at_b, counter)
    assert search(unit=world.commune_b.pk) == public(at_b)
    assert search(unit=world.centre_a.pk) == public(other, online, counter)
    assert search(received_from="2026-12-08", received_to="2026-12-08") == public(at_b)
    assert search(received_from="2026-12-08") == public(other, at_b)
    assert search(received_to="2026-12-07") == public(counter)


@pytest.mark.parametrize(("params", "field"), [({"status": "lost"}, "status.0"), ({"unit": 999_999}, "unit")])
def test_a_filter_naming_nothing_is_a_422(world: World, params: dict[str, Any], field: str) -> None:
    answer = Api(world.intake_a).get(BASE, params)

    assert (answer.status, list(answer.body["fields"])) == (422, [field])


def test_an_applicant_sees_their_drafts_and_staff_do_not(world: World, procedure: Procedure) -> None:
    draft = online_draft(world, procedure, when=at(7, 8))

    assert ids(Api(world.citizen).get(BASE)) == public(draft)
    assert ids(Api(world.intake_a).get(BASE)) == []
    assert ids(Api(world.other_citizen).get(BASE)) == []


def test_times_are_iso_8601_with_the_local_offset(world: World, received: list[Dossier]) -> None:
    item = Api(world.intake_a).get(BASE, {"code": received[0].code}).body["items"][0]

    assert (item["received_at"], item["appointment_at"]) == (
        "2026-12-07T09:00:00+07:00",
        "2026-12-08T09:00:00+07:00",
    )


def test_the_hand_written_summary_is_the_schema(world: World, procedure: Procedure) -> None:
    """Pages write `DossierSummaryOut` by hand for speed: it must stay what the schema (and the OpenAPI
    document) says, for a draft (empty moments) and a received dossier alike."""
    from motcua.dossiers.schemas import DossierSummaryOut, summary

    for dossier in (
        online_draft(world, procedure, when=at(7, 8)),
        counter_received(world, procedure, when=at(7, 9)),
    ):
        assert summary(dossier) == DossierSummaryOut.from_orm(dossier).model_dump(mode="json")


def test_a_dossier_read_has_a_fixed_number_of_queries(world: World, procedure: Procedure) -> None:
    """However many components and steps, one read costs the same queries (no N+1)."""
    from motcua.dossiers import services
    from motcua.dossiers.tests.helpers import uploaded, walk_in

    small = counter_received(world, procedure, when=at(7, 9))
    large = services.counter_intake(
        actor=world.intake_a,
        procedure=procedure,
        applicant=walk_in(),
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded(), uploaded("Giấy chứng sinh"), uploaded("Căn cước")],
        return_method="counter",
        at=at(7, 10),
    )
    large = services.dossier_forward(dossier=large, actor=world.specialist_a, at=at(7, 11))
    officer = Api(world.intake_a)
    officer.read(small)  # the token's first use writes last_used_at

    with CaptureQueriesContext(connection) as one:
        assert officer.read(small).status == 200
    with CaptureQueriesContext(connection) as more:
        answer = officer.read(large)

    assert (len(answer.body["components"]), len(answer.body["steps"])) == (3, 2)
    assert len(more.captured_queries) == len(one.captured_queries)
