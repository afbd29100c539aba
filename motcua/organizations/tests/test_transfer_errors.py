"""Every error path of the import: reported by row and column, in Vietnamese; nothing is written."""

import datetime
import io
from typing import Any

import openpyxl
import pytest

from motcua.organizations.models import AgencyCode, Unit, UnitImport
from motcua.organizations.services import agency_code_assign, unit_deactivate
from motcua.organizations.tests.factories import UnitFactory
from motcua.organizations.transfer import COLUMNS, ImportFailed, units_import

pytestmark = pytest.mark.django_db
D = datetime.date

HEADER = (
    "mã đơn vị,mã đơn vị cấp trên,tên,tên viết tắt,cấp,loại,mã định danh,"
    "mã định danh có hiệu lực từ,mã định danh có hiệu lực đến,được thay thế bởi,đang hoạt động"
)
PROVINCE = "P,,Ủy ban nhân dân tỉnh Phú Thọ,,Cấp tỉnh,Ủy ban nhân dân,H15,01/07/2025,,,có"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


def errors_of(content: bytes, file_name: str = "don-vi.csv") -> list[str]:
    """The error lines of a refused file, after checking that nothing was written."""
    before = (Unit.objects.count(), AgencyCode.objects.count())
    with pytest.raises(ImportFailed) as caught:
        units_import(file_name=file_name, content=content, actor=None)
    assert (Unit.objects.count(), AgencyCode.objects.count()) == before
    assert UnitImport.objects.count() == 0
    return caught.value.extra["errors"]


def test_a_clean_file_imports() -> None:
    report = units_import(
        file_name="a.csv",
        content=csv_file(PROVINCE, "X1,P,Xã Sơn Dương,,xã,UBND,H15.50.05,2025-07-01,,,"),
        actor=None,
    )

    assert (report.units, report.codes) == (2, 2)
    commune = Unit.objects.get(external_key="X1")
    assert (commune.level, commune.kind, commune.is_active, commune.depth) == (
        "commune",
        "peoples_committee",
        True,
        1,
    )


# --- file-level errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("file_name", ["don-vi.xls", "don-vi.txt", "don-vi", "don-vi.pdf"])
def test_a_file_that_is_not_csv_or_xlsx(file_name: str) -> None:
    assert errors_of(csv_file(PROVINCE), file_name) == [
        "Tệp phải có định dạng CSV (.csv) hoặc Excel (.xlsx)."
    ]


def test_binary_content_named_csv() -> None:
    assert errors_of(b"\x00\x01\x02PK\x00", "a.csv") == [
        "Tệp phải có định dạng CSV (.csv) hoặc Excel (.xlsx)."
    ]


def test_csv_not_in_utf8() -> None:
    content = csv_file(PROVINCE).decode("utf-8").encode("cp1258", errors="replace").replace(b"?", b"\xe0")

    assert errors_of(content) == ['Tệp CSV không dùng bảng mã UTF-8; hãy lưu lại theo định dạng "CSV UTF-8".']


@pytest.mark.parametrize("content", [b"a;b;c", b"not a zip at all", b"PK\x03\x04broken"])
def test_an_xlsx_that_is_not_a_workbook(content: bytes) -> None:
    assert errors_of(content, "a.xlsx") == [
        "Tệp không phải là tệp Excel (.xlsx) hợp lệ; hãy lưu lại dưới dạng .xlsx."
    ]


@pytest.mark.parametrize(
    ("content", "file_name"), [(b"", "a.csv"), (b"\xef\xbb\xbf\r\n ,,\r\n", "a.csv"), (b"", "a.xlsx")]
)
def test_an_empty_file(content: bytes, file_name: str) -> None:
    assert errors_of(content, file_name) == ["Tệp không có dữ liệu."]


def test_a_header_without_rows() -> None:
    assert errors_of(csv_file()) == ["Tệp chỉ có dòng tiêu đề, chưa có đơn vị nào."]


def test_a_wrong_header_lists_missing_unknown_and_repeated_columns() -> None:
    header = "mã đơn vị,tên,tên,cấp,loại,ghi chú,mã định danh,mã định danh có hiệu lực từ,được thay thế bởi"

    assert errors_of(csv_file("P,Tỉnh,Tỉnh,tỉnh,ubnd,,,,", header=header)) == [
        "Dòng 1: Dòng tiêu đề có cột không xác định: ghi chú.",
        "Dòng 1: Dòng tiêu đề thiếu cột: 'mã đơn vị cấp trên', 'tên viết tắt', "
        "'mã định danh có hiệu lực đến', 'đang hoạt động'.",
        "Dòng 1, cột 'tên': Cột này xuất hiện hai lần trong dòng tiêu đề.",
    ]


def test_english_ids_semicolons_and_a_bom_are_accepted() -> None:
    header = ";".join(column.id for column in COLUMNS)
    content = "\ufeff" + header + "\r\nP;;Tỉnh Phú Thọ;;province;peoples_committee;h15;2025-07-01;;;1\r\n"

    units_import(file_name="A.CSV", content=content.encode("utf-8"), actor=None)

    assert list(AgencyCode.objects.values_list("code", flat=True)) == ["H15"]


# --- row-level errors --------------------------------------------------------------------------------


def test_missing_required_values() -> None:
    assert errors_of(csv_file(",,Tỉnh,,Cấp tỉnh,UBND,,,,,", "P,,,,,,H15,,,,")) == [
        "Dòng 2, cột 'mã đơn vị': Bắt buộc nhập giá trị này.",
        "Dòng 3, cột 'tên': Bắt buộc nhập giá trị này.",
        "Dòng 3, cột 'cấp': Bắt buộc nhập giá trị này.",
        "Dòng 3, cột 'loại': Bắt buộc nhập giá trị này.",
        "Dòng 3, cột 'mã định danh có hiệu lực từ': Hãy nhập ngày mã định danh bắt đầu có hiệu lực.",
    ]


def test_too_long_values() -> None:
    long_key = "K" * 65
    assert errors_of(
        csv_file(f"{long_key},,Tỉnh,,tỉnh,ubnd,,,,,", "P,,{},{},tỉnh,ubnd,,,,,".format("T" * 256, "V" * 101))
    ) == [
        "Dòng 2, cột 'mã đơn vị': Tối đa 64 ký tự.",
        "Dòng 3, cột 'tên': Tối đa 255 ký tự.",
        "Dòng 3, cột 'tên viết tắt': Tối đa 100 ký tự.",
    ]


def test_bad_level_kind_and_active() -> None:
    assert errors_of(csv_file("P,,Tỉnh Phú Thọ,,thôn,bộ,,,,,chắc chắn")) == [
        "Dòng 2, cột 'cấp': Giá trị 'thôn' không hợp lệ; hãy dùng một trong các giá trị 'Trung ương', "
        "'Cấp tỉnh', 'Cấp huyện (trước ngày 01/7/2025)', 'Cấp xã'.",
        "Dòng 2, cột 'loại': Giá trị 'bộ' không hợp lệ; hãy dùng một trong các giá trị 'Ủy ban nhân dân', "
        "'Sở, ban, ngành', 'Cơ quan ngành dọc', 'Trung tâm Phục vụ hành chính công', 'Điểm tiếp nhận', "
        "'Khác'.",
        "Dòng 2, cột 'đang hoạt động': Hãy ghi 'có' hoặc 'không'.",
    ]


@pytest.mark.parametrize(
    ("level", "kind", "expected"),
    [
        ("Cấp xã", "Ủy ban nhân dân", ("commune", "peoples_committee")),
        ("cap xa", "uy ban nhan dan", ("commune", "peoples_committee")),
        ("Phường", "TTPVHCC", ("commune", "service_center")),
        ("đặc khu", "Trung tâm Phục vụ hành chính công", ("commune", "service_center")),
        ("Trung ương", "Cơ quan ngành dọc", ("central", "vertical_agency")),
        ("Commune", "Reception point", ("commune", "reception_point")),
        ("province", "department", ("province", "department")),
        ("Cấp tỉnh", "Sở", ("province", "department")),
        ("Cấp huyện (trước ngày 01/7/2025)", "Khác", ("district", "other")),
    ],
)
def test_levels_and_kinds_as_codes_or_vietnamese_labels(
    level: str, kind: str, expected: tuple[str, str]
) -> None:
    units_import(file_name="a.csv", content=csv_file(f"P,,Đơn vị,,{level},{kind},,,,,"), actor=None)

    assert Unit.objects.values_list("level", "kind").get() == expected


def test_unknown_parent_and_own_parent() -> None:
    assert errors_of(csv_file(PROVINCE, "X1,KHONG-CO,Xã A,,xã,ubnd,,,,,", "X2,X2,Xã B,,xã,ubnd,,,,,")) == [
        "Dòng 3, cột 'mã đơn vị cấp trên': Không có đơn vị nào mang mã KHONG-CO, trong tệp cũng như trong "
        "hệ thống.",
        "Dòng 4, cột 'mã đơn vị cấp trên': Đơn vị không thể là đơn vị cấp trên của chính nó.",
    ]


def test_a_parent_cycle_is_reported_once_with_its_keys() -> None:
    assert errors_of(
        csv_file(
            PROVINCE,
            "A,C,Xã A,,xã,ubnd,,,,,",
            "B,A,Xã B,,xã,ubnd,,,,,",
            "C,B,Xã C,,xã,ubnd,,,,,",
            "D,C,Xã D,,xã,ubnd,,,,,",
        )
    ) == ["Dòng 3, cột 'mã đơn vị cấp trên': Các mã đơn vị cấp trên tạo thành vòng lặp: A → C → B → A."]


def test_duplicate_keys() -> None:
    assert errors_of(
        csv_file(
            PROVINCE,
            "P,,Ủy ban nhân dân tỉnh Phú Thọ,,Cấp tỉnh,Ủy ban nhân dân,,,,,có",
            "P,,Tỉnh khác,,Cấp tỉnh,Ủy ban nhân dân,H16,01/07/2025,,,có",
        )
    ) == [
        "Dòng 3, cột 'mã đơn vị': Mã đơn vị P đã dùng ở dòng 2.",
        "Dòng 4, cột 'mã đơn vị': Mã đơn vị P đã dùng ở dòng 2 với giá trị khác ('tên'); các dòng của cùng "
        "một đơn vị chỉ được khác nhau ở các cột mã định danh.",
    ]


def test_a_key_already_in_the_system() -> None:
    UnitFactory(external_key="P")

    assert errors_of(csv_file(PROVINCE)) == [
        "Dòng 2, cột 'mã đơn vị': Hệ thống đã có đơn vị mang mã đơn vị P."
    ]


def test_bad_code_format_and_dates() -> None:
    assert errors_of(
        csv_file(
            PROVINCE,
            "A,P,Xã A,,xã,ubnd,H15-50,01/07/2025,,,",
            "B,P,Xã B,,xã,ubnd,H15.51,31/02/2025,,,",
            "C,P,Xã C,,xã,ubnd,H15.52,01/07/2025,30/06/2025,,",
            "D,P,Xã D,,xã,ubnd,,01/07/2025,hôm nay,,",
        )
    ) == [
        "Dòng 3, cột 'mã định danh': Mã định danh bắt đầu bằng mã cấp 1 (một chữ cái in hoa từ A đến Y và "
        "hai "
        "chữ số, ví dụ H15), tiếp theo là các nhóm mã của các cấp dưới, ngăn cách bằng dấu chấm, ví dụ "
        "H15.50.05.13.",
        "Dòng 4, cột 'mã định danh có hiệu lực từ': '31/02/2025' không phải là ngày; hãy ghi theo dạng "
        "dd/mm/yyyy, ví dụ 01/07/2025.",
        "Dòng 5, cột 'mã định danh có hiệu lực đến': Ngày hết hiệu lực (30/06/2025) trước ngày bắt đầu "
        "hiệu lực "
        "(01/07/2025).",
        "Dòng 6, cột 'mã định danh có hiệu lực từ': Ngày hiệu lực phải đi kèm mã định danh trên cùng dòng.",
        "Dòng 6, cột 'mã định danh có hiệu lực đến': Ngày hiệu lực phải đi kèm mã định danh trên cùng dòng.",
    ]


def test_overlapping_dates_within_a_unit_across_units_and_with_the_system() -> None:
    holder = UnitFactory(name="Xã Có Sẵn", external_key="S")
    agency_code_assign(unit=holder, code="H15.99", valid_from=D(2025, 7, 1), actor=None)

    assert errors_of(
        csv_file(
            PROVINCE,
            "A,P,Xã A,,xã,ubnd,H15.50,01/01/2020,31/12/2025,,",
            "A,P,Xã A,,xã,ubnd,H15.51,01/12/2025,,,",
            "B,P,Xã B,,xã,ubnd,H15.50,31/12/2025,,,",
            "C,P,Xã C,,xã,ubnd,H15.99,01/01/2026,,,",
        )
    ) == [
        "Dòng 4, cột 'mã định danh có hiệu lực từ': Thời gian hiệu lực trùng với mã H15.50 ở dòng 3 "
        "(từ 01/01/2020 đến 31/12/2025).",
        "Dòng 5, cột 'mã định danh': Thời gian hiệu lực trùng với mã H15.50 ở dòng 3 (từ 01/01/2020 đến "
        "31/12/2025).",
        "Dòng 6, cột 'mã định danh': Mã này đang thuộc Xã Có Sẵn (mã đơn vị S) từ 01/07/2025 đến không "
        "thời hạn; "
        "hãy chọn thời gian không trùng nhau.",
    ]


def test_a_district_unit_dated_after_1_july_2025() -> None:
    assert errors_of(
        csv_file(
            PROVINCE,
            "H1,P,Huyện A,,huyện,ubnd,H15.10,01/01/2020,,,",
            "H2,P,Huyện B,,huyện,ubnd,H15.11,01/01/2020,01/07/2025,,",
            "H3,P,Huyện C,,huyện,ubnd,H15.12,01/07/2025,31/12/2025,,",
            "H4,P,Huyện D,,huyện,ubnd,H15.13,01/01/2020,30/06/2025,,không",
            "H5,P,Huyện E,,huyện,ubnd,,,,,không",
        )
    ) == [
        "Dòng 3, cột 'mã định danh có hiệu lực đến': Mã định danh của đơn vị cấp huyện phải hết hiệu lực "
        "chậm "
        "nhất ngày 30/06/2025, vì cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025.",
        "Dòng 4, cột 'mã định danh có hiệu lực đến': Mã định danh của đơn vị cấp huyện phải hết hiệu lực "
        "chậm "
        "nhất ngày 30/06/2025, vì cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025.",
        "Dòng 5, cột 'mã định danh có hiệu lực từ': Mã định danh của đơn vị cấp huyện phải hết hiệu lực chậm "
        "nhất ngày 30/06/2025, vì cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025.",
    ]


def test_successor_errors() -> None:
    assert errors_of(
        csv_file(
            PROVINCE,
            "A,P,Xã A,,xã,ubnd,,,,A,không",
            "B,P,Xã B,,xã,ubnd,,,,KHONG-CO,không",
            "C,P,Xã C,,xã,ubnd,,,,D,không",
            "D,P,Xã D,,xã,ubnd,,,,C,không",
        )
    ) == [
        "Dòng 3, cột 'được thay thế bởi': Đơn vị không thể được thay thế bởi chính nó.",
        "Dòng 4, cột 'được thay thế bởi': Không có đơn vị nào mang mã KHONG-CO, trong tệp cũng như trong "
        "hệ thống.",
        "Dòng 5, cột 'được thay thế bởi': Đơn vị không thể được thay thế bởi chính nó hoặc bởi một đơn vị "
        "mà nó đã "
        "thay thế.",
        "Dòng 6, cột 'được thay thế bởi': Đơn vị không thể được thay thế bởi chính nó hoặc bởi một đơn vị "
        "mà nó đã "
        "thay thế.",
    ]


def test_an_active_unit_under_an_inactive_parent() -> None:
    closed = UnitFactory(province=True, external_key="OLD")
    unit_deactivate(unit=closed, actor=None)

    assert errors_of(
        csv_file("P,,Tỉnh,,tỉnh,ubnd,,,,,không", "A,P,Xã A,,xã,ubnd,,,,,có", "B,OLD,Xã B,,xã,ubnd,,,,,")
    ) == [
        "Dòng 3, cột 'mã đơn vị cấp trên': Đơn vị P đã ngừng hoạt động; không thể đặt đơn vị đang hoạt "
        "động trực "
        "thuộc đơn vị này.",
        "Dòng 4, cột 'mã đơn vị cấp trên': Đơn vị OLD đã ngừng hoạt động; không thể đặt đơn vị đang hoạt "
        "động trực "
        "thuộc đơn vị này.",
    ]


def test_every_error_is_listed_and_nothing_is_written() -> None:
    content = csv_file(
        PROVINCE,
        "A,P,Xã A,,xã,ubnd,H15.50,01/07/2025,,,",  # fine
        "B,ZZ,Xã B,,xã,ubnd,,,,,",  # unknown parent
        "C,P,,,làng,ubnd,,,,,",  # missing name, bad level
    )

    with pytest.raises(ImportFailed) as caught:
        units_import(file_name="a.csv", content=content, actor=None)

    assert len(caught.value.errors) == 3
    assert (
        str(caught.value.message)
        == "Tệp có 3 lỗi; chưa có dữ liệu nào được nhập. Hãy sửa các lỗi rồi nhập lại."
    )
    assert caught.value.status == 422
    assert Unit.objects.count() == 0
    assert AgencyCode.objects.count() == 0


def test_dry_run_reports_the_same_errors_as_a_real_run() -> None:
    content = csv_file(PROVINCE, "B,ZZ,Xã B,,xã,ubnd,,,,,")

    with pytest.raises(ImportFailed) as dry:
        units_import(file_name="a.csv", content=content, actor=None, dry_run=True)
    with pytest.raises(ImportFailed) as real:
        units_import(file_name="a.csv", content=content, actor=None)

    assert dry.value.errors == real.value.errors


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


PROVINCE_CELLS = [101, None, "Tỉnh Phú Thọ", None, "Cấp tỉnh", "UBND", "H15", datetime.datetime(2025, 7, 1)]


def test_xlsx_a_bad_date_cell_is_reported_with_its_spreadsheet_row() -> None:
    content = xlsx_file(
        [
            PROVINCE_CELLS,
            [102, 101, "Xã A", None, "xã", "UBND", "H15.50", D(2025, 7, 1)],
            [],  # a blank row keeps its number
            [103, 101, "Xã B", None, "xã", "UBND", "H15.51", "ngày mai"],
        ]
    )

    with pytest.raises(ImportFailed) as caught:
        units_import(file_name="a.xlsx", content=content, actor=None)

    assert caught.value.extra["errors"] == [
        "Dòng 5, cột 'mã định danh có hiệu lực từ': 'ngày mai' không phải là ngày; hãy ghi theo dạng "
        "dd/mm/yyyy, "
        "ví dụ 01/07/2025."
    ]


def test_xlsx_numbers_typed_as_keys_and_date_cells_are_read_as_people_mean_them() -> None:
    content = xlsx_file(
        [PROVINCE_CELLS, [102.0, 101, "Xã A", None, "xã", "UBND", "H15.50", D(2025, 7, 1), None, None, 1]]
    )

    units_import(file_name="a.xlsx", content=content, actor=None)

    assert list(
        Unit.objects.order_by("path").values_list("external_key", "parent__external_key", "is_active")
    ) == [
        ("101", None, True),
        ("102", "101", True),
    ]
    assert list(AgencyCode.objects.order_by("code").values_list("code", "valid_from")) == [
        ("H15", D(2025, 7, 1)),
        ("H15.50", D(2025, 7, 1)),
    ]


def test_a_tree_deeper_than_the_path_can_hold() -> None:
    rows = ["L0,,Cấp 0,,tỉnh,ubnd,,,,,"] + [f"L{n},L{n - 1},Cấp {n},,xã,ubnd,,,,," for n in range(1, 32)]

    assert errors_of(csv_file(*rows)) == ["Dòng 33, cột 'mã đơn vị cấp trên': Cây đơn vị sẽ vượt quá 31 cấp."]


def test_a_concurrent_change_during_the_write_is_reported_and_rolled_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import IntegrityError

    from motcua.organizations.transfer import writing

    real_write_codes = writing._write_codes

    def clash(*args: Any, **kwargs: Any) -> int:
        real_write_codes(*args, **kwargs)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(writing, "_write_codes", clash)

    assert errors_of(csv_file(PROVINCE)) == ["Dữ liệu đơn vị đã thay đổi trong lúc nhập tệp; hãy nhập lại."]
