"""Central targets, units' own targets and the target a unit gets (LEGAL.md §12): services and selectors."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from motcua.core.errors import ApplicationError, NotFound
from motcua.core.models import AuditRecord
from motcua.kpi import selectors, services
from motcua.kpi.models import CentralTarget, UnitTarget
from motcua.kpi.selectors import TargetSource
from motcua.kpi.targets import IncreaseMode
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def actor(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="kstt", password="x", kind="staff")


def audits(obj: Any) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_id=str(obj.pk), object_type__model=type(obj)._meta.model_name)
        .order_by("id")
        .values_list("action", flat=True)
    )


# Central targets


def test_set_creates_a_central_target_for_a_new_year(actor: Any) -> None:
    target = services.central_target_set(
        actor=actor, year=2027, metric="online_dossiers", rate="60", legal_basis=" NQ 01/NQ-CP 2027 "
    )

    assert (target.year, target.metric, target.scope, target.rate, target.carried_over) == (
        2027,
        "online_dossiers",
        "all",
        D("60.00"),
        False,
    )
    assert (target.legal_basis, target.updated_by) == ("NQ 01/NQ-CP 2027", actor)
    assert audits(target) == ["create"]


def test_editing_a_carried_over_target_confirms_it(actor: Any) -> None:
    before = CentralTarget.objects.get(year=2026, metric="online_payments", scope="all")
    assert before.carried_over is True

    after = services.central_target_set(actor=actor, year=2026, metric="online_payments", rate=D("100"))

    assert after.pk == before.pk
    assert (after.rate, after.carried_over, after.legal_basis) == (D("100.00"), False, "")
    assert audits(after) == ["update"]
    # The other years did not change.
    assert CentralTarget.objects.get(year=2025, metric="online_payments").rate == D("45.00")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"rate": "100.01"}, "rate_out_of_range", "rate"),
        ({"rate": "-1"}, "rate_out_of_range", "rate"),
        ({"rate": "abc"}, "invalid_number", "rate"),
        ({"rate": "50.125"}, "invalid_number", "rate"),
        ({"rate": "1e9"}, "invalid_number", "rate"),
        ({"rate": "NaN"}, "invalid_number", "rate"),
        ({"year": 2021}, "year_out_of_range", "year"),
        ({"year": 2101}, "year_out_of_range", "year"),
        ({"metric": "happiness"}, "unknown_metric", "metric"),
        ({"scope": "wards"}, "unknown_scope", "scope"),
    ],
)
def test_bad_central_targets_are_refused_with_a_field_message(
    actor: Any, kwargs: dict[str, Any], code: str, field: str
) -> None:
    values = {"year": 2027, "metric": "reuse", "rate": "50"} | kwargs
    count = CentralTarget.objects.count()

    with pytest.raises(ApplicationError) as caught:
        services.central_target_set(actor=actor, **values)

    assert caught.value.code == code
    assert list(caught.value.fields) == [field]
    assert CentralTarget.objects.count() == count


def test_messages_are_in_vietnamese(actor: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.central_target_set(actor=actor, year=2027, metric="reuse", rate="120")

    assert str(caught.value.message) == "Chỉ tiêu là một tỷ lệ phần trăm từ 0 đến 100."
    assert str(caught.value.fields["rate"]) == "Nhập tỷ lệ phần trăm từ 0 đến 100."


def test_carry_over_copies_the_latest_year_and_keeps_what_exists(actor: Any) -> None:
    services.central_target_set(actor=actor, year=2026, metric="reuse", rate="60")
    services.central_target_set(actor=actor, year=2027, metric="digitised", rate="90")

    created = services.central_targets_carry_over(actor=actor, to_year=2027)

    assert len(created) == 13  # 14 rows of 2026 minus the one 2027 already had
    rows = {(t.metric, t.scope): (t.rate, t.carried_over) for t in CentralTarget.objects.filter(year=2027)}
    assert rows[("digitised", "all")] == (D("90.00"), False)
    assert rows[("reuse", "all")] == (D("60.00"), True)
    assert rows[("documents_online", "communes")] == (D("80.00"), True)
    assert audits(created[0]) == ["carry_over"]
    assert services.central_targets_carry_over(actor=actor, to_year=2027) == []


def test_nothing_to_carry_over(actor: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.central_targets_carry_over(actor=actor, to_year=2024)

    assert caught.value.code == "nothing_to_carry_over"
    assert not CentralTarget.objects.filter(year__lt=2024).exists()


def test_the_database_holds_the_central_target_rules() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CentralTarget.objects.create(year=2027, metric="reuse", rate=D("100.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CentralTarget.objects.create(year=2024, metric="reuse", scope="all", rate=D(50))
    with pytest.raises(IntegrityError), transaction.atomic():
        CentralTarget.objects.create(year=2027, metric="happiness", rate=D(50))
    with pytest.raises(IntegrityError), transaction.atomic():
        CentralTarget.objects.create(year=1999, metric="reuse", rate=D(50))


# Which central target a unit gets


@pytest.mark.parametrize(
    ("level", "metric", "rate"),
    [
        ("commune", "documents_online", D("80.00")),  # row 9.2
        ("province", "documents_online", D("95.00")),  # row 9.1
        ("commune", "e_certified_copies", D("100.00")),
        ("province", "e_certified_copies", None),  # set only for communes
        ("commune", "online_dossiers", D("50.00")),  # the "all units" row
        ("province", "online_dossiers", D("50.00")),
    ],
)
def test_the_closest_scope_applies(level: str, metric: str, rate: Decimal | None) -> None:
    target = selectors.central_target_for(year=2026, metric=metric, level=level)

    assert (target.rate if target else None) == rate


def test_a_year_without_a_table_uses_the_latest_earlier_one(actor: Any) -> None:
    services.central_target_set(actor=actor, year=2026, metric="online_dossiers", rate="70")

    target = selectors.central_target_for(year=2030, metric="online_dossiers", level="commune")

    assert target is not None and (target.year, target.rate) == (2026, D("70.00"))
    assert selectors.central_target_for(year=2023, metric="online_dossiers", level="commune") is None


def test_a_newer_general_target_wins_over_an_older_specific_one(actor: Any) -> None:
    services.central_target_set(actor=actor, year=2027, metric="documents_online", rate="90")

    target = selectors.central_target_for(year=2027, metric="documents_online", level="commune")

    assert target is not None and (target.year, target.scope, target.rate) == (2027, "all", D("90.00"))


# A unit's own target


def test_computed_target_follows_the_rule() -> None:
    commune = UnitFactory()

    below = selectors.unit_target_for(
        unit=commune, year=2026, metric="online_dossiers", last_year_result=D(42)
    )
    above = selectors.unit_target_for(
        unit=commune, year=2026, metric="online_dossiers", last_year_result=D("63.25")
    )
    unknown = selectors.unit_target_for(
        unit=commune, year=2026, metric="online_dossiers", last_year_result=None
    )

    assert below is not None and (below.rate, below.source) == (D("50.00"), TargetSource.CENTRAL)
    assert above is not None and (above.rate, above.source) == (D("73.25"), TargetSource.COMPUTED)
    assert unknown is not None and (unknown.rate, unknown.source) == (D("50.00"), TargetSource.CENTRAL)
    assert above.central is not None and above.central.year == 2026


def test_relative_mode_from_the_settings(actor: Any) -> None:
    services.kpi_settings_update(
        actor=actor,
        green_fraction="1",
        yellow_fraction="0.9",
        orange_fraction="0.75",
        target_increase="10",
        target_increase_mode=IncreaseMode.RELATIVE,
        accept_apology_appointment=False,
    )

    target = selectors.unit_target_for(
        unit=UnitFactory(), year=2026, metric="online_dossiers", last_year_result=D("60")
    )

    assert target is not None and target.rate == D("66.00")


def test_an_override_wins(actor: Any) -> None:
    commune = UnitFactory()
    override = services.unit_target_set(
        actor=actor, unit=commune, year=2026, metric="online_dossiers", rate="55.5", note=" Xã miền núi "
    )

    target = selectors.unit_target_for(
        unit=commune, year=2026, metric="online_dossiers", last_year_result=D(63)
    )

    assert target is not None
    assert (target.rate, target.source, target.override) == (D("55.50"), TargetSource.OVERRIDE, override)
    assert (override.note, override.set_by) == ("Xã miền núi", actor)
    assert audits(override) == ["create"]
    record = AuditRecord.objects.get(object_id=str(override.pk), object_type__model="unittarget")
    assert record.partition_unit == commune.pk


def test_an_override_can_be_changed_and_cleared(actor: Any) -> None:
    commune = UnitFactory()
    first = services.unit_target_set(actor=actor, unit=commune, year=2026, metric="reuse", rate="40")

    second = services.unit_target_set(actor=actor, unit=commune, year=2026, metric="reuse", rate="45")
    assert (second.pk, second.rate) == (first.pk, D("45.00"))
    services.unit_target_clear(actor=actor, unit=commune, year=2026, metric="reuse")

    assert not UnitTarget.objects.exists()
    assert audits(first) == ["create", "update", "delete"]
    target = selectors.unit_target_for(unit=commune, year=2026, metric="reuse", last_year_result=None)
    assert target is not None and target.source == TargetSource.CENTRAL


def test_clearing_a_missing_override_says_so(actor: Any) -> None:
    with pytest.raises(NotFound) as caught:
        services.unit_target_clear(actor=actor, unit=UnitFactory(), year=2026, metric="reuse")

    assert str(caught.value.message) == "Đơn vị này không có chỉ tiêu riêng cho năm và tỷ lệ đó."


def test_no_central_target_and_no_override_means_no_target() -> None:
    department = UnitFactory(department=True)

    assert (
        selectors.unit_target_for(
            unit=department, year=2026, metric="e_certified_copies", last_year_result=D(90)
        )
        is None
    )


def test_an_override_without_a_central_target(actor: Any) -> None:
    department = UnitFactory(department=True)
    services.unit_target_set(actor=actor, unit=department, year=2026, metric="e_certified_copies", rate="100")

    target = selectors.unit_target_for(
        unit=department, year=2026, metric="e_certified_copies", last_year_result=None
    )

    assert target is not None and (target.rate, target.central) == (D("100.00"), None)


def test_overrides_of_many_units_in_one_query(actor: Any, django_assert_num_queries: Any) -> None:
    units = [UnitFactory() for _ in range(3)]
    services.unit_target_set(actor=actor, unit=units[0], year=2026, metric="reuse", rate="40")
    services.unit_target_set(actor=actor, unit=units[2], year=2026, metric="on_time", rate="95")
    services.unit_target_set(actor=actor, unit=units[2], year=2025, metric="on_time", rate="90")

    with django_assert_num_queries(1):
        found = selectors.unit_target_overrides(unit_ids=[u.pk for u in units], year=2026)

    assert {key: t.rate for key, t in found.items()} == {
        (units[0].pk, "reuse"): D("40.00"),
        (units[2].pk, "on_time"): D("95.00"),
    }


def test_bad_unit_targets_are_refused(actor: Any) -> None:
    commune = UnitFactory()

    with pytest.raises(ApplicationError) as caught:
        services.unit_target_set(actor=actor, unit=commune, year=2026, metric="reuse", rate="101")

    assert caught.value.fields.keys() == {"rate"}
    assert not UnitTarget.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitTarget.objects.create(unit=commune, year=2026, metric="reuse", rate=D(-1))
