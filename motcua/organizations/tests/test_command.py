"""`motcua units import FILE [--dry-run]` and `motcua units export FILE [--root KEY]`."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.organizations.models import AgencyCode, Unit
from motcua.organizations.services import agency_code_assign
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

CSV = (
    "mã đơn vị,mã đơn vị cấp trên,tên,tên viết tắt,cấp,loại,mã định danh,"
    "mã định danh có hiệu lực từ,mã định danh có hiệu lực đến,được thay thế bởi,đang hoạt động\n"
    "P,,Ủy ban nhân dân tỉnh Phú Thọ,,Cấp tỉnh,Ủy ban nhân dân,H15,01/07/2025,,,có\n"
    "X,P,Ủy ban nhân dân xã Hòa Bình,,Cấp xã,Ủy ban nhân dân,H15.50.05,01/07/2025,,,có\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("units", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_text(CSV, encoding="utf-8")

    out, err = run("import", str(path), "--dry-run")

    assert out.startswith(
        "Chạy thử: đã kiểm tra 2 dòng, không có lỗi; sẽ tạo 2 đơn vị và 2 mã định danh. Chưa ghi dữ liệu "
        "nào ("
    )
    assert "Đang kiểm tra: 2/2" in err
    assert Unit.objects.count() == 0


def test_import_creates_the_units_and_shows_progress(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_text(CSV, encoding="utf-8")

    out, err = run("import", str(path))

    assert out.startswith("Đã nhập 2 dòng: tạo 2 đơn vị và 2 mã định danh (")
    assert "Đang đọc: 2/2" in err
    assert "Đang ghi: 2/2" in err
    assert list(Unit.objects.values_list("external_key", flat=True)) == ["P", "X"]


def test_import_errors_are_listed_and_the_command_fails(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_text(CSV.replace("Cấp xã", "làng").replace(",P,", ",Z,"), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Tệp có 2 lỗi; chưa có dữ liệu nào được nhập"):
        call_command("units", "import", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines()[-2:] == [
        "Dòng 3, cột 'mã đơn vị cấp trên': Không có đơn vị nào mang mã Z, trong tệp cũng như trong hệ thống.",
        "Dòng 3, cột 'cấp': Giá trị 'làng' không hợp lệ; hãy dùng một trong các giá trị 'Trung ương', "
        "'Cấp tỉnh', 'Cấp huyện (trước ngày 01/7/2025)', 'Cấp xã'.",
    ]
    assert Unit.objects.count() == 0


def test_import_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        run("import", str(tmp_path / "khong-co.csv"))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_file_in_the_format_of_its_extension(tmp_path: Path, suffix: str) -> None:
    province = UnitFactory(province=True, external_key="P")
    agency_code_assign(unit=province, code="H15", valid_from=datetime.date(2025, 7, 1), actor=None)
    UnitFactory(parent=province, external_key="X")
    path = tmp_path / f"don-vi{suffix}"

    out, _err = run("export", str(path))

    assert out == f"Đã xuất 2 đơn vị ra tệp {path}.\n"
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf" if suffix == ".csv" else b"PK\x03\x04")
    AgencyCode.objects.all().delete()
    Unit.objects.filter(external_key="X").delete()
    Unit.objects.filter(external_key="P").delete()
    run("import", str(path))
    assert list(Unit.objects.values_list("external_key", "depth")) == [("P", 0), ("X", 1)]


def test_export_of_a_subtree(tmp_path: Path) -> None:
    province = UnitFactory(province=True, external_key="P")
    commune = UnitFactory(parent=province, external_key="X")
    UnitFactory(parent=commune, external_key="X.1")
    path = tmp_path / "xa.csv"

    out, _err = run("export", str(path), "--root", "X")

    assert out == f"Đã xuất 2 đơn vị ra tệp {path}.\n"
    assert [line.split(",")[0] for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]] == [
        "X",
        "X.1",
    ]


def test_export_refuses_an_unknown_root_or_format(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không có đơn vị nào mang mã KHONG"):
        run("export", str(tmp_path / "a.csv"), "--root", "KHONG")
    with pytest.raises(CommandError, match=r"Tệp phải có định dạng CSV \(.csv\) hoặc Excel \(.xlsx\)."):
        run("export", str(tmp_path / "a.json"))
    assert list(tmp_path.iterdir()) == []
