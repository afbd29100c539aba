"""Export then import gives back the identical tree, in CSV and in Excel; dry-run writes nothing."""

import datetime
from typing import Any

import pytest

from motcua.core.audit import audit_trail_of
from motcua.core.models import OutboxEvent
from motcua.organizations.models import AgencyCode, Unit, UnitImport
from motcua.organizations.services import agency_code_assign, unit_deactivate, unit_merge
from motcua.organizations.tests.factories import UnitFactory
from motcua.organizations.transfer import export_rows, units_export, units_import

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def province_tree() -> Unit:
    """A merged province: two old communes merged into a new one, codes re-issued, a legacy district."""
    province = UnitFactory(
        province=True, name="Ủy ban nhân dân tỉnh Phú Thọ", short_name="UBND tỉnh", external_key="PT"
    )
    agency_code_assign(unit=province, code="H40", valid_from=D(2020, 1, 1), actor=None)
    agency_code_assign(unit=province, code="H15", valid_from=D(2025, 7, 1), actor=None)
    center = UnitFactory(parent=province, center=True, level=Unit.Level.PROVINCE, external_key="PT.TT")
    UnitFactory(
        parent=center, kind=Unit.Kind.RECEPTION_POINT, level=Unit.Level.PROVINCE, external_key="PT.TT.1"
    )
    district = UnitFactory(
        parent=province, level=Unit.Level.DISTRICT, legacy=True, name="Huyện Cũ", external_key="PT.H"
    )
    agency_code_assign(
        unit=district, code="H40.10", valid_from=D(2018, 1, 1), valid_to=D(2025, 6, 30), actor=None
    )
    old_a = UnitFactory(parent=district, external_key="PT.H.A", name="Xã Sơn A")
    old_b = UnitFactory(parent=district, external_key="PT.H.B", name="Xã Sơn B")
    agency_code_assign(
        unit=old_a, code="000.10.H40", valid_from=D(2018, 1, 1), valid_to=D(2025, 6, 30), actor=None
    )
    agency_code_assign(unit=old_b, code="H40.10.02", valid_from=D(2018, 1, 1), actor=None)
    new = UnitFactory(parent=province, external_key="PT.X", name="Xã Sơn Mới")
    agency_code_assign(unit=new, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)
    unit_merge(units=[old_a, old_b], into=new, day=D(2025, 7, 1), actor=None)
    unit_deactivate(unit=district, actor=None, last_day=D(2025, 6, 30))
    agency_code_assign(unit=new, code="H15.50.05.13", valid_from=D(2025, 8, 1), actor=None)
    return province


def tree_state() -> list[tuple[Any, ...]]:
    """Everything the tree says, by keys (ids differ after a re-import)."""
    units = [
        (
            unit.external_key,
            unit.parent.external_key if unit.parent else None,
            unit.depth,
            unit.name,
            unit.short_name,
            unit.search_text,
            unit.level,
            unit.kind,
            unit.is_active,
            unit.replaced_by.external_key if unit.replaced_by else None,
            len(unit.path),
        )
        for unit in Unit.objects.select_related("parent", "replaced_by").order_by("path")
    ]
    codes = [
        (
            code.unit.external_key,
            code.code,
            code.valid_from,
            code.valid_to,
            code.replaced_by.code if code.replaced_by else None,
        )
        for code in AgencyCode.objects.select_related("unit", "replaced_by").order_by(
            "unit__path", "valid_from"
        )
    ]
    return [*units, *codes]


def wipe() -> None:
    AgencyCode.objects.all().delete()
    Unit.objects.update(replaced_by=None)
    for unit in Unit.objects.order_by("-depth"):
        unit.delete()


@pytest.mark.parametrize("file_name", ["don-vi.csv", "don-vi.xlsx"])
def test_export_then_import_gives_the_identical_tree(
    province_tree: Unit, file_name: str, admin_user: Any
) -> None:
    the_tree = tree_state()
    content = units_export(file_name=file_name)
    wipe()
    assert Unit.objects.count() == 0

    report = units_import(file_name=file_name, content=content, actor=admin_user)

    assert (report.rows, report.units, report.codes, report.dry_run) == (9, 7, 7, False)
    assert tree_state() == the_tree
    assert units_export(file_name=file_name.replace("don-vi", "lan-2")) == content or file_name.endswith(
        ".xlsx"
    )
    assert list(export_rows())[1:] == list(export_rows())[1:]
    record = UnitImport.objects.get()
    assert (record.file_name, record.rows, record.units_created, record.codes_created) == (file_name, 9, 7, 7)
    trail = list(audit_trail_of(record))
    assert [(r.action, r.actor_id) for r in trail] == [("import", admin_user.pk)]
    assert trail[0].after["unit_keys"] == ["PT", "PT.TT", "PT.H", "PT.X", "PT.TT.1", "PT.H.A", "PT.H.B"]  # type: ignore[index]
    event = OutboxEvent.objects.get(kind="units.imported")
    assert event.payload["import_id"] == record.pk
    assert sorted(event.payload["unit_ids"]) == sorted(Unit.objects.values_list("pk", flat=True))


def test_csv_export_is_stable_across_a_round_trip(province_tree: Unit) -> None:
    content = units_export(file_name="a.csv")
    wipe()
    units_import(file_name="a.csv", content=content, actor=None)

    assert units_export(file_name="b.csv") == content


def test_csv_export_content(province_tree: Unit) -> None:
    text = units_export(file_name="a.csv").decode("utf-8")

    assert text.startswith("\ufeffmã đơn vị,mã đơn vị cấp trên,tên,tên viết tắt,cấp,loại,mã định danh,")
    lines = text.splitlines()
    assert (
        lines[1]
        == "PT,,Ủy ban nhân dân tỉnh Phú Thọ,UBND tỉnh,Cấp tỉnh,Ủy ban nhân dân,H40,2020-01-01,2025-06-30,,có"
    )
    assert (
        lines[2] == "PT,,Ủy ban nhân dân tỉnh Phú Thọ,UBND tỉnh,Cấp tỉnh,Ủy ban nhân dân,H15,2025-07-01,,,có"
    )


def test_dry_run_checks_everything_and_writes_nothing(province_tree: Unit) -> None:
    content = units_export(file_name="a.xlsx")
    wipe()
    before = OutboxEvent.objects.count()

    report = units_import(file_name="a.xlsx", content=content, actor=None, dry_run=True)

    assert (report.rows, report.units, report.codes, report.dry_run) == (9, 7, 7, True)
    assert Unit.objects.count() == 0
    assert AgencyCode.objects.count() == 0
    assert UnitImport.objects.count() == 0
    assert OutboxEvent.objects.count() == before


def test_subtree_export_imports_under_an_existing_parent(province_tree: Unit) -> None:
    center = Unit.objects.get(external_key="PT.TT")
    content = units_export(file_name="tt.csv", root=center)
    Unit.objects.get(external_key="PT.TT.1").delete()
    Unit.objects.get(external_key="PT.TT").delete()

    units_import(file_name="tt.csv", content=content, actor=None)

    imported = Unit.objects.get(external_key="PT.TT.1")
    assert [u.external_key for u in Unit.objects.ancestors_of(imported)] == ["PT", "PT.TT", "PT.TT.1"]
