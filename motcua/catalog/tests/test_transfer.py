"""Import and export: JSON and Excel round-trip to an identical catalogue; every bad row is reported with
its location and nothing is half-imported; a dry run writes nothing."""

import copy
import io
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook

from motcua.catalog import services, transfer
from motcua.catalog.models import (
    VERSION_CHILD_MODELS,
    Procedure,
    ProcedureVersion,
    PublicationPosting,
    Sector,
)
from motcua.catalog.tests.builders import draft_procedure, process, publish
from motcua.core.models import AuditRecord, OutboxEvent

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def build_catalogue(province) -> None:
    """A: versions 1 and 2 published (2 posted), version 3 a draft; B: published, retired."""
    a = draft_procedure(province, code="A.1")
    publish(a.versions.get(), date(2026, 3, 2))
    second = services.draft_start(procedure=a, actor=None)
    services.draft_update(version=second, actor=None, name="Tên phiên bản 2", fees=[])
    second = publish(second, date(2026, 4, 1), number="2/QĐ-UBND")
    services.posting_record(
        version=second, actor=None, channel="national_database", posted_on=date(2026, 4, 3)
    )
    services.posting_record(version=second, actor=None, channel="portal", posted_on=date(2026, 4, 2))
    third = services.draft_start(procedure=a, actor=None)
    services.draft_update(version=third, actor=None, requirements="Đang sửa.")
    b = draft_procedure(province, code="B.1", owner="nnmt", level="province")
    publish(b.versions.get(), date(2026, 3, 2))
    services.procedure_retire(procedure=b, actor=None, reason="Bãi bỏ theo QĐ 9/QĐ-UBND")


@pytest.fixture
def exported(province) -> dict[str, bytes]:
    """The exports of a catalogue that no longer exists: the database is empty again."""
    try:
        with transaction.atomic():
            build_catalogue(province)
            files = {"json": transfer.export_json(), "xlsx": transfer.export_xlsx()}
            raise Rollback
    except Rollback:
        pass
    assert Procedure.objects.count() == 0
    return files


@pytest.fixture
def document(exported) -> dict:
    return json.loads(exported["json"])


def counts() -> dict[str, int]:
    models = [
        Sector,
        Procedure,
        ProcedureVersion,
        PublicationPosting,
        *VERSION_CHILD_MODELS,
        AuditRecord,
        OutboxEvent,
    ]
    return {model.__name__: model.objects.count() for model in models}


def load(document: dict, **kwargs) -> transfer.ImportReport:
    raw = json.dumps(document, ensure_ascii=False).encode()
    return transfer.catalog_import(document=transfer.read_json(raw), **kwargs)


def refused(document: dict | bytes, *, xlsx: bool = False) -> list[str]:
    """The issues of an import that must fail, after checking that it wrote nothing."""
    before = counts()
    raw = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode()
    read = transfer.read_xlsx(raw) if xlsx else transfer.read_json(raw)
    with pytest.raises(transfer.ImportFailed) as failure:
        transfer.catalog_import(document=read)
    assert counts() == before
    assert str(failure.value.message) == f"Tệp có {len(failure.value.issues)} lỗi; chưa nhập dữ liệu nào."
    return [str(issue) for issue in failure.value.issues]


# --- round trips ---------------------------------------------------------------------------------------


def test_json_export_then_import_gives_an_identical_catalogue(exported):
    report = transfer.catalog_import(document=transfer.read_json(exported["json"]))

    assert transfer.export_json() == exported["json"]
    assert (
        report.procedures_created,
        report.versions_created,
        report.versions_published,
        report.postings_added,
    ) == (
        2,
        4,
        3,
        2,
    )
    a = Procedure.objects.get(code="A.1")
    assert (a.latest_version.number, a.name) == (2, "Tên phiên bản 2")
    assert Procedure.objects.get(code="B.1").retired_at is not None


def test_excel_export_then_import_gives_an_identical_catalogue(exported):
    transfer.catalog_import(document=transfer.read_xlsx(exported["xlsx"]))

    assert transfer.export_json() == exported["json"]
    workbook = load_workbook(io.BytesIO(transfer.export_xlsx()), read_only=True)
    assert workbook.sheetnames == [
        "Format",
        "Sectors",
        "Procedures",
        "Versions",
        "Postings",
        "Steps",
        "Methods",
        "Agencies",
        "Documents",
        "Fees",
        "Results",
        "LegalBases",
        "EForms",
        "Process",
    ]
    fees = list(workbook["Fees"].iter_rows(values_only=True))
    assert fees[0][:5] == ("procedure", "version", "position", "kind", "name")
    assert fees[1][:6] == ("A.1", 1, 1, "charge", "Lệ phí", 0)


def test_importing_the_same_file_again_changes_nothing(exported):
    transfer.catalog_import(document=transfer.read_json(exported["json"]))
    before = counts()

    report = transfer.catalog_import(document=transfer.read_json(exported["json"]))

    assert (
        report.procedures_created,
        report.versions_published,
        report.versions_unchanged,
        report.postings_added,
    ) == (
        0,
        0,
        3,
        0,
    )
    # The draft is rewritten with the same content (and audited); nothing else is written.
    assert {name: count for name, count in counts().items() if name not in {"AuditRecord"}} == {
        name: count for name, count in before.items() if name not in {"AuditRecord"}
    }
    assert transfer.export_json() == exported["json"]


def test_a_dry_run_goes_through_everything_and_writes_nothing(exported):
    before = counts()

    report = transfer.catalog_import(document=transfer.read_json(exported["json"]), dry_run=True)

    assert counts() == before
    assert report.summary() == (
        "Chạy thử, không ghi dữ liệu: Tạo mới 2 thủ tục, cập nhật 0; ghi 4 phiên bản, công bố 3, giữ "
        "nguyên 0; "
        "thêm 2 lần công khai; 1 lĩnh vực."
    )


# --- every error path: reported by location, nothing written ----------------------------------------


def test_a_file_that_is_not_json(exported):
    assert refused(b"{not json") == ["tệp: Nội dung không phải JSON hợp lệ (dòng 1, cột 2)."]
    assert refused(b"\xff\xfe") == ["tệp: Tệp không phải văn bản UTF-8."]


def test_a_file_of_another_format_or_version(document):
    assert refused({"format": "other"}) == ["tệp › format: Đây không phải tệp danh mục thủ tục của motcua."]
    assert refused(document | {"format_version": 2}) == [
        "tệp › format_version: Tệp có định dạng phiên bản 2; hệ thống này đọc định dạng phiên bản 1."
    ]


def test_every_bad_value_is_reported_at_once(document):
    bad = copy.deepcopy(document)
    bad["extra"] = 1
    bad["procedures"][0]["level"] = "district"
    content = bad["procedures"][0]["versions"][0]["content"]
    content["time_limit_amount"] = "ba"
    content["fees"][0]["amount_vnd"] = "tám nghìn"
    content["documents"][1]["originals"] = -1
    content["legal_bases"][1]["effective_on"] = "01/01/2026"
    content["steps"][0]["colour"] = "đỏ"
    bad["procedures"][1]["versions"][0]["published_at"] = "2026-03-02T08:00:00"

    assert refused(bad) == [
        "tệp › extra: Trường không xác định; hãy kiểm tra lại tên trường.",
        "procedures[0] › level: Chọn một trong các giá trị: province, commune, both.",
        "procedures[0].versions[0].content › time_limit_amount: Nhập một số, dùng dấu chấm cho phần "
        "thập phân.",
        "procedures[0].versions[0].content.steps[0] › colour: Trường không xác định; hãy kiểm tra "
        "lại tên trường.",
        "procedures[0].versions[0].content.documents[1] › originals: Nhập một số nguyên không nhỏ hơn 0.",
        "procedures[0].versions[0].content.fees[0] › amount_vnd: Nhập một số nguyên.",
        "procedures[0].versions[0].content.legal_bases[1] › effective_on: Nhập ngày theo dạng "
        "NNNN-TT-NN, ví dụ 2026-03-02.",
        "procedures[1].versions[0] › published_at: Thêm độ lệch múi giờ UTC, ví dụ +07:00.",
    ]


def test_unknown_units_and_sectors(document):
    bad = copy.deepcopy(document)
    bad["procedures"][0]["owner_unit"] = "khong-co"
    bad["procedures"][1]["sector"] = "khong-co"
    bad["procedures"][1]["versions"][0]["content"]["agencies"][3]["unit"] = "cung-khong-co"

    assert refused(bad) == [
        "procedures[0] › owner_unit: Không có đơn vị nào mang mã “khong-co”.",
        "procedures[1] › sector: Không có lĩnh vực nào mang mã khong-co.",
    ]
    bad["procedures"][1]["sector"] = "ho-tich"
    assert refused(bad)[1] == (
        "procedures[1].versions[0].content.agencies[3] › unit: Không có đơn vị nào mang mã “cung-khong-co”."
    )


def test_duplicates_and_order(document):
    bad = copy.deepcopy(document)
    bad["sectors"].append(bad["sectors"][0])
    bad["procedures"].append(copy.deepcopy(bad["procedures"][1]))
    versions = bad["procedures"][0]["versions"]
    versions[0], versions[1] = versions[1], versions[0]
    versions[2]["postings"] = [{"channel": "portal", "posted_on": "2026-04-02", "reference": ""}]

    assert refused(bad) == [
        "sectors[1] › code: Lĩnh vực ho-tich xuất hiện hai lần.",
        "procedures[0].versions[1] › number: Liệt kê các phiên bản theo thứ tự số tăng dần, mỗi số một lần.",
        "procedures[0].versions[2] › postings: Bản dự thảo chưa được công bố nên không thể công khai.",
        "procedures[2] › code: Thủ tục B.1 xuất hiện hai lần.",
    ]


def test_a_draft_must_be_the_last_version(document):
    bad = copy.deepcopy(document)
    bad["procedures"][0]["versions"][1]["status"] = "draft"
    bad["procedures"][0]["versions"][1]["postings"] = []

    assert refused(bad) == [
        "procedures[0].versions[1] › status: Chỉ phiên bản cuối cùng của thủ tục được là bản dự thảo."
    ]


def test_content_rules(document):
    bad = copy.deepcopy(document)
    content = bad["procedures"][0]["versions"][0]["content"]
    content["eforms"][0]["schema"]["properties"]["sex"]["type"] = "date"
    content["documents"][1]["eform"] = "khong-co"
    bad["procedures"][1]["versions"][0]["content"]["process"] = process(60, 2000, 60)

    assert refused(bad) == [
        "procedures[0].versions[0].content.eforms[0] › schema: sex: kiểu phải là string, number, "
        "integer, boolean, object hoặc array.",
        "procedures[0].versions[0].content.documents[1] › eform: Thủ tục không có biểu mẫu điện tử "
        "nào mang mã “khong-co”.",
        "procedures[1].versions[0].content › process: Quy trình nội bộ cần 35 giờ 20 phút làm việc "
        "trên đường găng "
        "(Bước 1 → Bước 2 → Bước 3), vượt 17 giờ 20 phút làm việc so với thời hạn giải quyết cho "
        "phép (18 giờ làm việc). "
        "Hãy rút ngắn thời gian của các bước trên đường găng.",
    ]


def test_rules_of_publication_found_while_writing(document):
    bad = copy.deepcopy(document)
    bad["procedures"][0]["versions"][1]["content"]["steps"] = []
    bad["procedures"][1]["versions"][0]["postings"] = [
        {"channel": "portal", "posted_on": "2026-03-01", "reference": ""}
    ]

    assert refused(bad) == [
        "procedures[0].versions[1] › steps: Mô tả trình tự thực hiện (điểm b khoản 2 Điều 8 Nghị "
        "định 63/2010/NĐ-CP).",
        "procedures[1].versions[0].postings[0] › posted_on: Từ ngày quyết định công bố trở về sau.",
    ]


def test_a_published_version_cannot_be_changed_by_a_file(exported, document):
    transfer.catalog_import(document=transfer.read_json(exported["json"]))
    changed = copy.deepcopy(document)
    changed["procedures"][0]["versions"][0]["content"]["fees"][0]["amount_vnd"] = 50000
    changed["procedures"][0]["versions"][1]["decision_signer"] = "Người khác"

    assert refused(changed) == [
        "procedures[0].versions[0]: Phiên bản 1 đã công bố và khác với nội dung trong tệp; phiên bản "
        "đã công bố không "
        "thể thay đổi. Hãy ghi thay đổi thành phiên bản kế tiếp.",
    ]
    assert transfer.export_json() == exported["json"]


def test_the_catalogue_state_a_file_cannot_override(exported, document):
    transfer.catalog_import(document=transfer.read_json(exported["json"]))
    unretired = copy.deepcopy(document)
    unretired["procedures"][1]["retired_at"] = None
    unretired["procedures"][1]["retirement_reason"] = ""
    without_draft = copy.deepcopy(document)
    without_draft["procedures"][0]["versions"][2]["number"] = 4

    assert refused(unretired) == [
        "procedures[1] › retired_at: Thủ tục đã bị bãi bỏ trong danh mục; tệp nhập không thể thay "
        "đổi điều đó."
    ]
    assert refused(without_draft) == [
        "procedures[0].versions[2] › number: Thủ tục đang có bản dự thảo (phiên bản 3) không có "
        "trong tệp; hãy công bố "
        "hoặc hủy bản đó trước."
    ]


def test_a_bad_last_procedure_leaves_the_good_ones_unwritten(document):
    bad = copy.deepcopy(document)
    bad["procedures"][1]["versions"][0]["decision_number"] = ""

    assert refused(bad) == [
        "procedures[1].versions[0] › decision_number: Nhập số quyết định công bố, ví dụ 1234/QĐ-UBND."
    ]
    assert Procedure.objects.filter(code="A.1").count() == 0


# --- Excel ---------------------------------------------------------------------------------------------


def edited_workbook(raw: bytes, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(raw))
    edit(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_excel_errors_name_the_sheet_and_row(exported):
    def edit(workbook):
        fees = workbook["Fees"]
        fees.cell(row=2, column=6).value = "tám nghìn"
        fees.cell(row=3, column=3).value = 5
        workbook["Steps"].cell(row=2, column=2).value = 9
        workbook["Results"].cell(row=1, column=11).value = "colour"

    assert refused(edited_workbook(exported["xlsx"], edit), xlsx=True) == [
        "Results › colour: Cột không xác định; hãy kiểm tra lại tên cột.",
        "Steps row 2 › version: Trang Versions không có dòng nào là phiên bản 9 của thủ tục A.1.",
        "Steps row 3 › position: Đánh số các dòng của một phiên bản 1, 2, 3… liên tục, không trùng.",
        "Fees row 2 › position: Đánh số các dòng của một phiên bản 1, 2, 3… liên tục, không trùng.",
    ]


def test_excel_missing_sheets_and_columns(exported):
    def drop_sheet(workbook):
        del workbook["Fees"]

    def drop_column(workbook):
        workbook["Versions"].delete_cols(3)

    assert refused(edited_workbook(exported["xlsx"], drop_sheet), xlsx=True) == [
        "tệp: Bảng tính thiếu trang Fees."
    ]
    assert refused(edited_workbook(exported["xlsx"], drop_column), xlsx=True)[0] == (
        "Versions › status: Trang tính thiếu cột này."
    )
    assert refused(b"PK not a workbook", xlsx=True) == ["tệp: Tệp không phải bảng tính Excel (.xlsx)."]


def test_excel_bad_cell_values(exported):
    def edit(workbook):
        workbook["Versions"].cell(row=2, column=6).value = "hôm qua"
        workbook["Fees"].cell(row=2, column=6).value = "tám nghìn"
        workbook["Results"].cell(row=2, column=7).value = "có lẽ"

    assert refused(edited_workbook(exported["xlsx"], edit), xlsx=True) == [
        "Versions row 2 › decision_date: Nhập ngày theo dạng NNNN-TT-NN, ví dụ 2026-03-02.",
        "Fees row 2 › amount_vnd: Nhập một số nguyên.",
        "Results row 2 › paper_required: Nhập true (có) hoặc false (không).",
    ]


# --- the command ---------------------------------------------------------------------------------------


def test_the_command_exports_and_imports_both_formats(exported, tmp_path: Path):
    source = tmp_path / "catalogue.json"
    source.write_bytes(exported["json"])
    out = StringIO()

    call_command("catalog", "import", str(source), "--dry-run", stdout=out)
    assert Procedure.objects.count() == 0
    call_command("catalog", "import", str(source), stdout=out)
    call_command("catalog", "export", str(tmp_path / "again.json"), stdout=out)
    call_command("catalog", "export", str(tmp_path / "again.xlsx"), stdout=out)

    assert (tmp_path / "again.json").read_bytes() == exported["json"]
    assert out.getvalue().splitlines()[-1] == f"Đã ghi danh mục vào tệp {tmp_path / 'again.xlsx'}."
    assert load_workbook(tmp_path / "again.xlsx", read_only=True).sheetnames[0] == "Format"


def test_the_command_lists_the_problems_and_fails(exported, tmp_path: Path):
    bad = json.loads(exported["json"])
    bad["procedures"][0]["owner_unit"] = "khong-co"
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(bad), encoding="utf-8")
    err = StringIO()

    with pytest.raises(CommandError, match=r"^Tệp có 1 lỗi; chưa nhập dữ liệu nào\.$"):
        call_command("catalog", "import", str(source), stderr=err)
    with pytest.raises(CommandError, match=r"^Hãy chọn tệp \.json hoặc \.xlsx\.$"):
        call_command("catalog", "export", str(tmp_path / "catalogue.csv"))
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("catalog", "import", str(tmp_path / "missing.json"))

    assert err.getvalue() == "procedures[0] › owner_unit: Không có đơn vị nào mang mã “khong-co”.\n"
    assert Procedure.objects.count() == 0
