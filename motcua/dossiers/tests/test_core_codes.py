"""Dossier codes (LEGAL.md §2): `{agency code valid on the receipt day}-YYMMDD-NNNN`, per agency and local
day, gapless (a rolled-back receipt gives its number back), at least 4 digits."""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers import services
from motcua.dossiers.codes import DossierCode, allocate_code, format_code, parse_code
from motcua.dossiers.models import Dossier, DossierCodeSequence
from motcua.dossiers.tests.helpers import World, at, counter_received, online_submitted
from motcua.organizations.models import AgencyCode


def test_format_and_parse() -> None:
    assert format_code("H15.50.05.13", dt.date(2026, 10, 8), 975) == "H15.50.05.13-261008-0975"
    assert format_code("H15", dt.date(2026, 1, 2), 12345) == "H15-260102-12345"
    assert parse_code("H15.50.05.13-261008-0975") == DossierCode("H15.50.05.13", dt.date(2026, 10, 8), 975)
    assert parse_code(" H15-260102-12345 ") == DossierCode("H15", dt.date(2026, 1, 2), 12345)
    assert str(DossierCode("H15", dt.date(2026, 1, 2), 7)) == "H15-260102-0007"
    for bad in ["", "H15-261008-975", "H15-261308-0001", "H15_261008-0001", "H15-2610080-0001"]:
        assert parse_code(bad) is None


def test_codes_run_one_two_three_per_agency_and_day(world: World, procedure: Any) -> None:
    codes = [counter_received(world, procedure, when=at(7, 9, minute)).code for minute in (0, 1, 2)]
    assert codes == ["H15.50.05.13-261207-0001", "H15.50.05.13-261207-0002", "H15.50.05.13-261207-0003"]
    other_agency = counter_received(world, procedure, when=at(7, 9, 3), officer=world.intake_b)
    assert other_agency.code == "H15.50.06.01-261207-0001"


def test_the_sequence_resets_each_local_day(world: World, procedure: Any) -> None:
    late_evening = counter_received(world, procedure, when=at(7, 23, 30))  # 16:30 UTC on the 7th
    after_midnight = counter_received(world, procedure, when=at(8, 0, 30))  # 17:30 UTC on the 7th
    next_day = counter_received(world, procedure, when=at(8, 9))
    assert [late_evening.code, after_midnight.code, next_day.code] == [
        "H15.50.05.13-261207-0001",
        "H15.50.05.13-261208-0001",
        "H15.50.05.13-261208-0002",
    ]


def test_more_than_four_digits_when_needed(world: World, procedure: Any) -> None:
    DossierCodeSequence.objects.create(agency_code="H15.50.05.13", day=dt.date(2026, 12, 7), last_value=9999)
    assert counter_received(world, procedure, when=at(7, 9)).code == "H15.50.05.13-261207-10000"


def test_a_rolled_back_receipt_gives_its_number_back(world: World, procedure: Any) -> None:
    first = counter_received(world, procedure, when=at(7, 9))
    waiting = online_submitted(world, procedure, when=at(7, 9))
    with pytest.raises(RuntimeError), transaction.atomic():
        received = services.dossier_receive(dossier=waiting, actor=world.intake_a, at=at(7, 10))
        assert received.code == "H15.50.05.13-261207-0002"
        raise RuntimeError("the receipt fails after the code was taken")
    assert Dossier.objects.get(pk=waiting.pk).code is None
    again = services.dossier_receive(dossier=waiting, actor=world.intake_a, at=at(7, 11))
    assert [first.code, again.code] == ["H15.50.05.13-261207-0001", "H15.50.05.13-261207-0002"]
    assert DossierCodeSequence.objects.get(agency_code="H15.50.05.13").last_value == 2


def test_the_agency_code_valid_on_the_receipt_day_is_used(world: World, procedure: Any) -> None:
    """A unit whose code was re-issued (LEGAL.md §2, the 2025 mergers): old dossiers keep the old prefix."""
    AgencyCode.objects.filter(unit=world.centre_a).update(valid_to=dt.date(2026, 12, 7))
    AgencyCode.objects.create(unit=world.centre_a, code="H15.60.01.02", valid_from=dt.date(2026, 12, 8))
    before = counter_received(world, procedure, when=at(7, 16))
    after = counter_received(world, procedure, when=at(8, 8))
    assert (before.code, after.code) == ("H15.50.05.13-261207-0001", "H15.60.01.02-261208-0001")
    assert Dossier.objects.get(pk=before.pk).code == "H15.50.05.13-261207-0001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_allocation_needs_the_receipt_transaction(world: World) -> None:
    with pytest.raises(RuntimeError):
        allocate_code(unit=world.centre_a, at=at(7, 9))


class _Rollback(Exception):
    pass


operations = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=1), st.booleans()),
    min_size=1,
    max_size=40,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_any_receipts_and_rollbacks_give_gapless_sequences(
    world: World, operations: list[tuple[int, int, bool]]
) -> None:
    """Property: whatever receipts commit or roll back, over days and agencies, the committed numbers of
    each (agency, day) are exactly 1..n."""
    units = [world.centre_a, world.centre_b]
    try:
        with transaction.atomic():
            committed: dict[tuple[str, dt.date], list[int]] = {}
            for day, unit_index, rolls_back in operations:
                moment = at(7 + day, 10)
                try:
                    with transaction.atomic():
                        code = allocate_code(unit=units[unit_index], at=moment)
                        if rolls_back:
                            raise _Rollback
                except _Rollback:
                    continue
                committed.setdefault((code.agency_code, code.day), []).append(code.sequence)
            for numbers in committed.values():
                assert numbers == list(range(1, len(numbers) + 1))
            stored = {(row.agency_code, row.day): row.last_value for row in DossierCodeSequence.objects.all()}
            assert {key: value for key, value in stored.items() if value} == {
                key: len(numbers) for key, numbers in committed.items()
            }
            raise _Rollback  # leave the database as the next example expects it
    except _Rollback:
        pass
