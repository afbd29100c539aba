"""10,000 units: import time on this database, and the tree it gives (run with the slow suites)."""

import time

import pytest

from motcua.organizations.models import AgencyCode, Unit
from motcua.organizations.selectors import units_subtree
from motcua.organizations.transfer import units_export, units_import

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HEADER = (
    "mã đơn vị,mã đơn vị cấp trên,tên,tên viết tắt,cấp,loại,mã định danh,"
    "mã định danh có hiệu lực từ,mã định danh có hiệu lực đến,được thay thế bởi,đang hoạt động"
)
# Generous: measured 1.0–1.8 s (CSV) and 2.0–2.6 s (.xlsx) on SQLite and PostgreSQL
# (docs/adr/0004-unit-tree.md).
BUDGET_SECONDS = 60


def province_file(communes: int = 100, points_per_commune: int = 98) -> bytes:
    """1 province, `communes` communes with a code each, their service centres and reception points."""
    rows = [HEADER, "P,,Ủy ban nhân dân tỉnh Mẫu,UBND tỉnh,Cấp tỉnh,Ủy ban nhân dân,H15,01/07/2025,,,có"]
    for commune in range(1, communes + 1):
        key = f"X{commune:03d}"
        rows.append(
            f"{key},P,Ủy ban nhân dân xã Mẫu {commune},,Cấp xã,Ủy ban nhân dân,H15.{commune},01/07/2025,,,có"
        )
        rows.append(
            f"{key}.TT,{key},Trung tâm Phục vụ hành chính công xã Mẫu {commune},,Cấp xã,TTPVHCC,,,,,có"
        )
        for point in range(1, points_per_commune + 1):
            rows.append(
                f"{key}.{point},{key}.TT,Điểm tiếp nhận {commune}.{point},,Cấp xã,Điểm tiếp nhận,,,,,có"
            )
    return "\n".join(rows).encode("utf-8")


def test_import_10000_units(capsys: pytest.CaptureFixture[str]) -> None:
    content = province_file()

    started = time.perf_counter()
    report = units_import(file_name="tinh.csv", content=content, actor=None)
    csv_seconds = time.perf_counter() - started

    assert (report.units, report.codes) == (10_001, 101)
    assert Unit.objects.count() == 10_001
    province = Unit.objects.get(external_key="P")
    assert units_subtree(unit=province).count() == 10_001
    assert units_subtree(unit=Unit.objects.get(external_key="X042")).count() == 100
    assert Unit.objects.get(external_key="X042.98").depth == 3
    assert csv_seconds < BUDGET_SECONDS

    exported = units_export(file_name="tinh.xlsx")
    AgencyCode.objects.all().delete()
    for depth in (3, 2, 1, 0):
        Unit.objects.filter(depth=depth).delete()
    started = time.perf_counter()
    units_import(file_name="tinh.xlsx", content=exported, actor=None)
    xlsx_seconds = time.perf_counter() - started

    assert Unit.objects.count() == 10_001
    assert xlsx_seconds < BUDGET_SECONDS
    with capsys.disabled():
        print(f"\n10,001 units: CSV import {csv_seconds:.2f} s, XLSX import {xlsx_seconds:.2f} s")  # noqa: T201


def test_dry_run_of_10000_units_reports_progress() -> None:
    seen: list[tuple[str, int, int]] = []

    units_import(
        file_name="tinh.csv",
        content=province_file(),
        actor=None,
        dry_run=True,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )

    assert seen[0] == ("read", 10_001, 10_001)
    assert [done for stage, done, _total in seen if stage == "check"] == [*range(1000, 10_001, 1000), 10_001]
    assert Unit.objects.count() == 0
