"""Agency e-ID codes: format (QĐ 20/2020), assignment with validity, boundary days, the 2025 merger chain."""

import datetime
from typing import Any

import pytest
from django.test import override_settings

from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError, Conflict, NotFound
from motcua.core.models import OutboxEvent
from motcua.organizations.agency_codes import agency_code_format_error
from motcua.organizations.models import AgencyCode, Unit
from motcua.organizations.selectors import (
    agency_code_history,
    unit_code_on,
    unit_current_successor,
    unit_get_by_code,
)
from motcua.organizations.services import agency_code_assign, unit_merge
from motcua.organizations.tests.factories import UnitFactory

D = datetime.date


@pytest.mark.parametrize("code", ["H15", "H55.242", "H15.50.05.13", "A01.1.22.333", "Y99.000"])
def test_well_formed_codes(code: str) -> None:
    assert agency_code_format_error(code) is None


@pytest.mark.parametrize(
    "code",
    [
        "Z15.50",  # M is A–Y
        "h15.50",  # stored in capitals: the caller normalises first
        "H1.50",  # level 1 has two digits
        "H150.1",
        "15.H15",
        "H15..50",
        "H15.50.",
        "H15.5000",  # groups of one to three digits by default
        "H15-50",
        "H15 50",
        "000.00.00.H55",  # the TT 01/2018 order, only for codes that ended before the reform
    ],
)
def test_malformed_codes(code: str) -> None:
    assert agency_code_format_error(code) is not None


def test_too_long_and_empty_codes() -> None:
    assert agency_code_format_error("H15" + ".999" * 8) is None  # 35 characters
    assert agency_code_format_error("H15" + ".999" * 9) == "Mã định danh có tối đa 35 ký tự."
    assert agency_code_format_error("") == "Hãy nhập mã định danh."


def test_legacy_order_is_accepted_when_asked() -> None:
    assert agency_code_format_error("000.00.00.H55", legacy_order=True) is None
    assert agency_code_format_error("H55.242", legacy_order=True) is None


@override_settings(MOTCUA={"AGENCY_CODE_GROUP_PATTERN": r"[0-9A-Z]{1,4}"})
def test_the_lower_groups_are_configurable() -> None:
    assert agency_code_format_error("H15.50AB.7") is None
    assert agency_code_format_error("Z15.50") is not None  # level 1 stays fixed


# --- assignment ------------------------------------------------------------------------------------


@pytest.fixture
def commune(db: None) -> Unit:
    return UnitFactory(name="Ủy ban nhân dân xã Hòa Bình")


def history(unit: Unit) -> list[tuple[str, D, D | None, str | None]]:
    return [
        (c.code, c.valid_from, c.valid_to, c.replaced_by.code if c.replaced_by else None)
        for c in agency_code_history(unit=unit)
    ]


def test_assign_normalises_and_records_an_open_code(commune: Unit, admin_user: Any) -> None:
    code = agency_code_assign(unit=commune, code=" h15.50.05 ", valid_from=D(2025, 7, 1), actor=admin_user)

    assert (code.code, code.valid_from, code.valid_to) == ("H15.50.05", D(2025, 7, 1), None)
    assert [record.action for record in audit_trail_of(code)] == ["create"]
    assert OutboxEvent.objects.get(kind="unit.code_assigned").payload == {
        "unit_id": commune.pk,
        "code": "H15.50.05",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "replaces": None,
    }


def test_a_new_code_closes_the_previous_one_the_day_before(commune: Unit) -> None:
    agency_code_assign(unit=commune, code="H15.31.01", valid_from=D(2020, 1, 1), actor=None)

    agency_code_assign(unit=commune, code="H15.50.05", valid_from=D(2025, 8, 1), actor=None)

    assert history(commune) == [
        ("H15.31.01", D(2020, 1, 1), D(2025, 7, 31), "H15.50.05"),
        ("H15.50.05", D(2025, 8, 1), None, None),
    ]
    assert [record.action for record in audit_trail_of(AgencyCode.objects.get(code="H15.31.01"))] == [
        "create",
        "close",
    ]
    assert OutboxEvent.objects.filter(kind="unit.code_assigned").last().payload["replaces"] == "H15.31.01"  # type: ignore[union-attr]


def test_code_validity_on_boundary_days(commune: Unit) -> None:
    agency_code_assign(unit=commune, code="H15.31.01", valid_from=D(2020, 1, 1), actor=None)
    agency_code_assign(unit=commune, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)

    assert unit_code_on(unit=commune, day=D(2019, 12, 31)) is None
    assert unit_code_on(unit=commune, day=D(2020, 1, 1)) == "H15.31.01"  # valid_from
    assert unit_code_on(unit=commune, day=D(2025, 6, 30)) == "H15.31.01"  # valid_to
    assert unit_code_on(unit=commune, day=D(2025, 7, 1)) == "H15.50.05"  # the day after
    assert unit_code_on(unit=commune, day=D(2030, 1, 1)) == "H15.50.05"


def test_a_closed_code_leaves_no_code_the_day_after(commune: Unit) -> None:
    agency_code_assign(
        unit=commune, code="H15.31.01", valid_from=D(2020, 1, 1), valid_to=D(2024, 12, 31), actor=None
    )

    assert unit_code_on(unit=commune, day=D(2024, 12, 31)) == "H15.31.01"
    assert unit_code_on(unit=commune, day=D(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (D(2020, 1, 1), None),  # same start as the open code
        (D(2019, 6, 1), None),  # starts before the open code
        (D(2019, 6, 1), D(2020, 1, 1)),  # ends on the open code's first day
    ],
)
def test_overlapping_validity_is_refused(commune: Unit, valid_from: D, valid_to: D | None) -> None:
    agency_code_assign(unit=commune, code="H15.31.01", valid_from=D(2020, 1, 1), actor=None)

    with pytest.raises(Conflict) as caught:
        agency_code_assign(
            unit=commune, code="H15.31.09", valid_from=valid_from, valid_to=valid_to, actor=None
        )

    assert caught.value.code == "code_overlap"
    assert history(commune) == [("H15.31.01", D(2020, 1, 1), None, None)]


def test_overlap_message_names_the_other_code_and_its_dates(commune: Unit) -> None:
    agency_code_assign(
        unit=commune, code="H15.31.01", valid_from=D(2020, 1, 1), valid_to=D(2024, 12, 31), actor=None
    )

    with pytest.raises(Conflict) as caught:
        agency_code_assign(
            unit=commune, code="H15.31.02", valid_from=D(2024, 6, 1), valid_to=D(2024, 12, 31), actor=None
        )

    assert str(caught.value.message) == (
        "Thời gian hiệu lực trùng với mã H15.31.01 của Ủy ban nhân dân xã Hòa Bình, có hiệu lực từ "
        "01/01/2020 đến 31/12/2024; hãy chọn thời gian không trùng nhau."
    )


def test_the_same_code_cannot_be_valid_for_two_units_at_once(commune: Unit) -> None:
    other = UnitFactory()
    agency_code_assign(unit=other, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)

    with pytest.raises(Conflict) as caught:
        agency_code_assign(unit=commune, code="H15.50.05", valid_from=D(2026, 1, 1), actor=None)

    assert caught.value.fields["code"].startswith("Thời gian hiệu lực trùng với mã H15.50.05 của")
    assert AgencyCode.objects.filter(unit=commune).count() == 0


def test_a_code_may_pass_to_another_unit_after_it_ended(commune: Unit) -> None:
    other = UnitFactory()
    agency_code_assign(
        unit=other, code="H15.50", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30), actor=None
    )

    agency_code_assign(unit=commune, code="H15.50", valid_from=D(2025, 7, 1), actor=None)

    assert unit_get_by_code(code="H15.50", day=D(2025, 6, 30)) == other
    assert unit_get_by_code(code="H15.50", day=D(2025, 7, 1)) == commune
    assert unit_get_by_code(code="h15.50") == commune


def test_get_by_code_raises_not_found(commune: Unit) -> None:
    agency_code_assign(unit=commune, code="H15.50", valid_from=D(2025, 7, 1), actor=None)

    with pytest.raises(NotFound) as caught:
        unit_get_by_code(code="H15.50", day=D(2025, 6, 30))
    with pytest.raises(NotFound):
        unit_get_by_code(code="H99.1")

    assert str(caught.value.message) == "Không có đơn vị nào mang mã định danh H15.50."


@pytest.mark.parametrize(
    ("code", "valid_from", "valid_to", "error"),
    [
        ("H15.5000", D(2025, 7, 1), None, "invalid_agency_code"),
        ("000.00.00.H55", D(2020, 1, 1), None, "invalid_agency_code"),  # open: must be level-1 first
        ("H15.50", D(2025, 7, 1), D(2025, 6, 30), "dates_out_of_order"),
    ],
)
def test_assign_refuses_bad_codes_and_dates(
    commune: Unit, code: str, valid_from: D, valid_to: D | None, error: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        agency_code_assign(unit=commune, code=code, valid_from=valid_from, valid_to=valid_to, actor=None)

    assert caught.value.code == error
    assert AgencyCode.objects.count() == 0


def test_a_closed_pre_reform_code_may_be_in_the_legacy_order(commune: Unit) -> None:
    code = agency_code_assign(
        unit=commune, code="000.00.00.H55", valid_from=D(2018, 1, 1), valid_to=D(2025, 6, 30), actor=None
    )

    assert code.code == "000.00.00.H55"


def test_a_district_code_must_end_before_the_reform(db: None) -> None:
    district = UnitFactory(level=Unit.Level.DISTRICT, legacy=True)

    with pytest.raises(ApplicationError) as open_ended:
        agency_code_assign(unit=district, code="H15.31", valid_from=D(2020, 1, 1), actor=None)
    with pytest.raises(ApplicationError):
        agency_code_assign(
            unit=district, code="H15.31", valid_from=D(2020, 1, 1), valid_to=D(2025, 7, 1), actor=None
        )
    agency_code_assign(
        unit=district, code="H15.31", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30), actor=None
    )

    assert open_ended.value.code == "district_abolished"
    assert history(district) == [("H15.31", D(2020, 1, 1), D(2025, 6, 30), None)]


def test_replaced_by_chain_after_the_2025_merger(db: None) -> None:
    """Two communes merge into a new one on 1/7/2025, whose code is re-issued on 1/8/2025."""
    province = UnitFactory(province=True)
    old_a, old_b = UnitFactory(parent=province), UnitFactory(parent=province)
    old_a_code = agency_code_assign(unit=old_a, code="H15.31.01", valid_from=D(2020, 1, 1), actor=None)
    agency_code_assign(unit=old_b, code="H15.31.02", valid_from=D(2020, 1, 1), actor=None)
    new = UnitFactory(parent=province)
    agency_code_assign(unit=new, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)
    unit_merge(units=[old_a, old_b], into=new, day=D(2025, 7, 1), actor=None)
    agency_code_assign(unit=new, code="H15.50.05.13", valid_from=D(2025, 8, 1), actor=None)

    chain, code = [], AgencyCode.objects.get(pk=old_a_code.pk)
    while code is not None:
        chain.append((code.code, code.valid_from, code.valid_to))
        code = code.replaced_by

    assert chain == [
        ("H15.31.01", D(2020, 1, 1), D(2025, 6, 30)),
        ("H15.50.05", D(2025, 7, 1), D(2025, 7, 31)),
        ("H15.50.05.13", D(2025, 8, 1), None),
    ]
    assert unit_get_by_code(code="H15.31.01") == old_a
    assert unit_current_successor(unit=Unit.objects.get(pk=old_a.pk)) == new
    assert unit_current_successor(unit=new) == new
    assert unit_code_on(unit=old_a, day=D(2025, 7, 1)) is None
