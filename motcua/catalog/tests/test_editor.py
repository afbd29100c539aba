"""The catalogue editor pages: who may open them, and drafts edited, previewed, published, retired,
imported (a dry run first) and exported through them."""

import json
import re
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog import services, transfer
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.queries import procedures_page
from motcua.catalog.tests.pages_fixtures import (  # noqa: F401 (the fixture "catalogue")
    Catalogue,
    catalogue_fixture,
    client_for,
    content,
)

pytestmark = pytest.mark.django_db

BIRTH = "1.001193.000.00.00.H44"
DRAFT = "9.999999.000.00.00.H44"  # owned by the Department of Justice, never published
EDITOR = "/thu-tuc/bien-tap"

PROCEDURE_PAGES = [
    f"{EDITOR}/{BIRTH}/",
    f"{EDITOR}/{BIRTH}/bai-bo/",
    f"{EDITOR}/{DRAFT}/",
    f"{EDITOR}/{DRAFT}/ban-nhap/",
    f"{EDITOR}/{DRAFT}/ban-nhap/documents/",
    f"{EDITOR}/{DRAFT}/xem-truoc/",
    f"{EDITOR}/{DRAFT}/cong-bo/",
    f"{EDITOR}/{DRAFT}/huy-ban-nhap/",
]
CATALOGUE_PAGES = [f"{EDITOR}/", f"{EDITOR}/tao-moi/", f"{EDITOR}/nhap-xuat/", f"{EDITOR}/xuat.json"]


def who(catalogue: Catalogue, name: str) -> Any:
    return None if name == "anonymous" else getattr(catalogue, name)


def text(response: Any) -> str:
    html = response.content.decode()
    body = html[html.index('<main id="main"') : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PROCEDURE_PAGES + CATALOGUE_PAGES)
def test_anonymous_people_are_sent_to_sign_in(catalogue: Catalogue, path: str) -> None:
    response = client_for(None).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PROCEDURE_PAGES + CATALOGUE_PAGES)
def test_citizens_are_refused(catalogue: Catalogue, path: str) -> None:
    response = client_for(catalogue.citizen).get(path)

    assert response.status_code == 403


@pytest.mark.parametrize("path", PROCEDURE_PAGES)
def test_an_editor_of_another_unit_cannot_open_the_procedures_of_this_one(
    catalogue: Catalogue, path: str
) -> None:
    response = client_for(catalogue.editor_commune_b).get(path)

    assert response.status_code == 403
    assert "Bạn không có quyền cập nhật danh mục thủ tục của đơn vị này." in response.content.decode()


@pytest.mark.parametrize("user", ["editor_justice", "admin_province", "superuser"])
@pytest.mark.parametrize("path", PROCEDURE_PAGES + CATALOGUE_PAGES)
def test_editors_and_administrators_of_the_owner_unit_open_every_page(
    catalogue: Catalogue, user: str, path: str
) -> None:
    response = client_for(who(catalogue, user)).get(path)

    assert response.status_code == 200


def test_each_editor_lists_the_procedures_of_their_own_units(catalogue: Catalogue) -> None:
    def listed(user: Any) -> list[str]:
        return re.findall(
            r'<span class="code">([^<]+)</span>', client_for(user).get(f"{EDITOR}/").content.decode()
        )

    assert listed(catalogue.editor_justice) == [
        "1.000656.000.00.00.H44",
        "1.000894.000.00.00.H44",
        BIRTH,
        "2.000635.000.00.00.H44",
        DRAFT,
    ]
    assert listed(catalogue.editor_commune_b) == ["2.000815.000.00.00.H44"]
    assert len(listed(catalogue.admin_province)) == 6
    assert listed_filtered(catalogue.editor_justice, "khai sinh") == [BIRTH, "2.000635.000.00.00.H44", DRAFT]


def listed_filtered(user: Any, q: str) -> list[str]:
    html = client_for(user).get(f"{EDITOR}/", {"q": q}).content.decode()
    return re.findall(r'<span class="code">([^<]+)</span>', html)


def test_the_editor_list_costs_a_fixed_number_of_queries(
    catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    client = client_for(catalogue.admin_province)
    with django_assert_max_num_queries(8):  # session, user, grants, count, page, navigation
        client.get(f"{EDITOR}/")


# --- creating and editing a draft -----------------------------------------------------------------------


def test_an_editor_creates_a_procedure_for_one_of_their_units(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)
    data = {
        "code": "1.000080.000.00.00.H44",
        "national_code": "1.000080",
        "name": "Đăng ký nhận cha, mẹ, con",
        "sector": catalogue.civil_status.pk,
        "level": "commune",
        "owner_unit": catalogue.justice.pk,
    }

    response = client.post(f"{EDITOR}/tao-moi/", data)

    assert response.status_code == 302
    assert response["Location"] == f"{EDITOR}/1.000080.000.00.00.H44/ban-nhap/"
    procedure = Procedure.objects.get(code="1.000080.000.00.00.H44")
    assert (procedure.owner_unit, procedure.latest_version_id) == (catalogue.justice, None)
    # Another unit's procedure cannot be created: that unit is not offered.
    refused = client.post(f"{EDITOR}/tao-moi/", data | {"code": "X1", "owner_unit": catalogue.commune_b.pk})
    assert refused.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ." in text(refused)
    assert not Procedure.objects.filter(code="X1").exists()


def test_a_taken_code_is_refused_next_to_the_field(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).post(
        f"{EDITOR}/tao-moi/",
        {
            "code": BIRTH,
            "name": "Trùng mã",
            "sector": catalogue.civil_status.pk,
            "level": "commune",
            "owner_unit": catalogue.justice.pk,
        },
    )

    assert response.status_code == 200
    assert '<div class="errorlist" id="id_code_error" role="alert">Đã được sử dụng.</div>' in (
        response.content.decode()
    )
    assert 'value="Trùng mã"' in response.content.decode()


def fields_post(**changes: Any) -> dict[str, Any]:
    """The general-information form as a browser posts it (booleans only when ticked)."""
    data = {
        "name": "Đăng ký khai sinh lưu động",
        "requirements": "",
        "dossier_sets": "1",
        "subjects_citizens": "on",
        "subjects_note": "",
        "time_limit_amount": "5",
        "time_limit_unit": "working_days",
        "time_limit_convention": "hours",
        "cutoff_time": "",
        "online_level": "partial",
        "online_reason": "presence",
        "online_reason_text": "",
        "supplement_clock": "pause",
        "max_supplement_requests": "1",
        "leader_signature_required": "on",
        "return_methods": ["counter"],
        "national_decision": "",
        "unconfirmed": "",
    }
    return data | changes


def test_general_information_is_saved_and_a_mistake_shown_next_to_its_field(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)
    path = f"{EDITOR}/{DRAFT}/ban-nhap/"

    wrong = client.post(path, fields_post(time_limit_amount="năm ngày"))

    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert 'id="id_time_limit_amount_error">Nhập một số, dùng dấu chấm cho phần thập phân.</div>' in html
    assert 'value="năm ngày"' in html  # what was typed is kept
    draft = ProcedureVersion.objects.get(procedure=catalogue.draft_only)
    assert draft.time_limit_amount == 0

    saved = client.post(path, fields_post(time_limit_amount="2.5", return_methods=["counter", "post"]))

    assert (saved.status_code, saved["Location"]) == (302, path)
    draft.refresh_from_db()
    assert (str(draft.time_limit_amount), draft.return_methods) == ("2.50", ["counter", "post"])


def rows_post(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"rows": str(len(rows))}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"row-{index}-{name}"] = value
    return data | extra


def test_a_table_is_saved_whole_with_rows_added_reordered_and_deleted(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)
    path = f"{EDITOR}/{DRAFT}/ban-nhap/steps/"

    first = client.post(path, rows_post([{"title": "Nộp hồ sơ", "order": "1"}, {"title": "Nhận kết quả"}]))
    assert first.status_code == 302
    draft = ProcedureVersion.objects.get(procedure=catalogue.draft_only)
    assert [step.title for step in draft.sequence_steps.order_by("position")] == ["Nộp hồ sơ", "Nhận kết quả"]

    rows = [
        {"title": "Nộp hồ sơ", "order": "2"},
        {"title": "Nhận kết quả", "order": "3", "delete": "on"},
        {"title": "Kiểm tra hồ sơ", "order": "1", "new": "1"},
        {"title": "", "order": "4", "new": "1"},  # an untouched new row is ignored
    ]
    assert client.post(path, rows_post(rows)).status_code == 302
    assert [step.title for step in draft.sequence_steps.order_by("position")] == [
        "Kiểm tra hồ sơ",
        "Nộp hồ sơ",
    ]


def test_a_wrong_row_is_marked_and_nothing_is_saved(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)
    path = f"{EDITOR}/{DRAFT}/ban-nhap/documents/"

    response = client.post(
        path,
        rows_post([{"name": "Tờ khai", "kind": "submit", "originals": "1"}, {"name": "", "originals": "-1"}]),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_row_1_name_error">Bắt buộc nhập.</div>' in html
    assert 'id="id_row_1_originals_error">Nhập một số nguyên không nhỏ hơn 0.</div>' in html
    assert "Thủ tục có 2 lỗi; hãy sửa các trường được đánh dấu." in text(response)
    assert 'value="Tờ khai"' in html
    assert not ProcedureVersion.objects.get(procedure=catalogue.draft_only).documents.exists()


def test_add_a_row_redraws_the_table_without_saving(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).post(
        f"{EDITOR}/{DRAFT}/ban-nhap/steps/", rows_post([{"title": "Nộp hồ sơ"}], add="1")
    )

    assert response.status_code == 200
    assert 'name="row-1-new"' in response.content.decode()
    assert not ProcedureVersion.objects.get(procedure=catalogue.draft_only).sequence_steps.exists()


def test_the_preview_lists_what_stops_publication(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).get(f"{EDITOR}/{DRAFT}/xem-truoc/")

    words = text(response)
    assert "Trước khi công bố, cần sửa:" in words
    assert "Trình tự thực hiện: Describe the sequence of steps" not in words  # in Vietnamese
    assert "Trình tự thực hiện:" in words
    assert "Quy trình nội bộ:" in words


# --- publication, retirement, drafts --------------------------------------------------------------------


def fill(catalogue: Catalogue) -> ProcedureVersion:
    draft = ProcedureVersion.objects.get(procedure=catalogue.draft_only)
    units = {
        "implementing": catalogue.justice,
        "competent": catalogue.commune_a,
        "receiving": catalogue.commune_a,
    }
    services.draft_save_content(
        version=draft, actor=None, content=content("Đăng ký khai sinh lưu động", **units)
    )
    return draft


def test_publishing_through_the_page(catalogue: Catalogue, django_capture_on_commit_callbacks: Any) -> None:
    draft = fill(catalogue)
    client = client_for(catalogue.editor_justice)
    assert "Đã có đủ các bộ phận: có thể công bố bản nháp." in text(
        client.get(f"{EDITOR}/{DRAFT}/xem-truoc/")
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{EDITOR}/{DRAFT}/cong-bo/",
            {
                "decision_number": "321/QĐ-UBND",
                "decision_date": "2026-11-02",
                "decision_signer": "Phó Chủ tịch UBND tỉnh",
                "effective_from": "2026-11-10",
                "decision_note": "",
            },
        )

    assert (response.status_code, response["Location"]) == (302, f"{EDITOR}/{DRAFT}/")
    draft.refresh_from_db()
    assert (draft.status, draft.decision_number, draft.effective_from, draft.published_by) == (
        VersionStatus.PUBLISHED,
        "321/QĐ-UBND",
        date(2026, 11, 10),
        catalogue.editor_justice,
    )
    assert client_for(None).get(f"/thu-tuc/{DRAFT}/").status_code == 200
    assert procedures_page(q="khai sinh lưu động").items[0].code == DRAFT  # indexed by the outbox


def test_a_wrong_decision_is_shown_next_to_its_field_and_nothing_published(catalogue: Catalogue) -> None:
    fill(catalogue)

    response = client_for(catalogue.editor_justice).post(
        f"{EDITOR}/{DRAFT}/cong-bo/",
        {
            "decision_number": "321/QĐ-UBND",
            "decision_date": "2026-11-02",
            "decision_signer": "Phó Chủ tịch UBND tỉnh",
            "effective_from": "2026-10-01",
        },
    )

    assert response.status_code == 400
    assert 'id="id_effective_from_error"' in response.content.decode()
    assert "Phiên bản không thể áp dụng trước ngày quyết định công bố (02/11/2026)." in text(response)
    assert ProcedureVersion.objects.get(procedure=catalogue.draft_only).status == VersionStatus.DRAFT


def test_an_incomplete_draft_is_not_published(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).post(
        f"{EDITOR}/{DRAFT}/cong-bo/",
        {"decision_number": "1/QĐ-UBND", "decision_date": "2026-11-02", "decision_signer": "Chủ tịch"},
    )

    assert response.status_code == 400
    assert "Trình tự thực hiện:" in text(response)
    assert ProcedureVersion.objects.get(procedure=catalogue.draft_only).status == VersionStatus.DRAFT


def test_retiring_through_the_page(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)

    empty = client.post(f"{EDITOR}/{BIRTH}/bai-bo/", {"reason": "  "})
    assert empty.status_code == 400
    assert 'id="id_reason_error"' in empty.content.decode()

    done = client.post(f"{EDITOR}/{BIRTH}/bai-bo/", {"reason": "Quyết định 99/QĐ-UBND"})

    assert (done.status_code, done["Location"]) == (302, f"{EDITOR}/{BIRTH}/")
    catalogue.birth.refresh_from_db()
    assert catalogue.birth.retirement_reason == "Quyết định 99/QĐ-UBND"
    assert catalogue.birth.retired_at is not None
    assert BIRTH not in [p.code for p in procedures_page(q="khai sinh").items]


def test_a_new_draft_is_started_and_discarded_through_the_pages(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)

    started = client.post(f"{EDITOR}/{BIRTH}/tao-ban-nhap/")
    assert (started.status_code, started["Location"]) == (302, f"{EDITOR}/{BIRTH}/ban-nhap/")
    draft = ProcedureVersion.objects.get(procedure=catalogue.birth, status=VersionStatus.DRAFT)
    assert (draft.number, draft.name, draft.documents.count()) == (2, "Đăng ký khai sinh", 2)

    again = client.post(f"{EDITOR}/{BIRTH}/tao-ban-nhap/", follow=True)
    assert "Thủ tục đang có một bản dự thảo; hãy tiếp tục chỉnh sửa bản đó." in text(again)

    discarded = client.post(f"{EDITOR}/{BIRTH}/huy-ban-nhap/")
    assert (discarded.status_code, discarded["Location"]) == (302, f"{EDITOR}/{BIRTH}/")
    assert not ProcedureVersion.objects.filter(procedure=catalogue.birth, status=VersionStatus.DRAFT).exists()


def test_discarding_the_only_draft_deletes_a_never_published_procedure(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).post(f"{EDITOR}/{DRAFT}/huy-ban-nhap/")

    assert (response.status_code, response["Location"]) == (302, f"{EDITOR}/")
    assert not Procedure.objects.filter(code=DRAFT).exists()


@pytest.mark.parametrize("path", [f"{EDITOR}/{BIRTH}/tao-ban-nhap/", f"{EDITOR}/{BIRTH}/bai-bo/"])
def test_writes_are_refused_to_an_editor_of_another_unit(catalogue: Catalogue, path: str) -> None:
    response = client_for(catalogue.editor_commune_b).post(path, {"reason": "Không có quyền"})

    assert response.status_code == 403
    catalogue.birth.refresh_from_db()
    assert catalogue.birth.retired_at is None
    assert catalogue.birth.versions.count() == 1


# --- import and export ----------------------------------------------------------------------------------


def catalogue_file(**changes: Any) -> dict[str, Any]:
    """The exported catalogue with a new procedure copied from birth registration."""
    document = json.loads(transfer.export_json())
    birth = next(item for item in document["procedures"] if item["code"] == BIRTH)
    new = json.loads(json.dumps(birth)) | {"code": "1.000000.000.00.00.H44", "national_code": "1.000000"}
    new["versions"][0]["content"]["name"] = "Đăng ký khai sinh cho trẻ bị bỏ rơi"
    new |= changes
    document["procedures"].append(new)
    return document


def upload(client: Client, document: dict[str, Any], name: str = "danh-muc.json") -> Any:
    raw = json.dumps(document, ensure_ascii=False).encode()
    return client.post(
        f"{EDITOR}/nhap-xuat/",
        {"step": "check", "file": SimpleUploadedFile(name, raw, content_type="application/json")},
    )


def test_the_dry_run_lists_every_problem_by_row_and_writes_nothing(catalogue: Catalogue) -> None:
    document = catalogue_file()
    document["procedures"][-1]["versions"][0]["content"]["time_limit_unit"] = "weeks"
    document["procedures"][-1]["level"] = "district"
    client = client_for(catalogue.editor_justice)
    before = (Procedure.objects.count(), ProcedureVersion.objects.count())

    response = upload(client, document)

    assert response.status_code == 400
    words = text(response)
    assert "Tệp có 2 lỗi; chưa nhập dữ liệu nào." in words
    assert "procedures[6] › level: Chọn một trong các giá trị: province, commune, both." in words
    assert (
        "procedures[6].versions[0].content › time_limit_unit: Chọn một trong các giá trị: working_hours, "
        "working_days, calendar_days, months."
    ) in words
    assert 'name="step" value="apply"' not in response.content.decode()
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == before


def test_a_clean_file_is_checked_then_imported(catalogue: Catalogue) -> None:
    client = client_for(catalogue.editor_justice)

    checked = upload(client, catalogue_file())

    assert checked.status_code == 200
    assert "Chạy thử, không ghi dữ liệu: Tạo mới 1 thủ tục, cập nhật 0;" in text(checked)
    assert not Procedure.objects.filter(code="1.000000.000.00.00.H44").exists()
    assert 'name="step" value="apply"' in checked.content.decode()

    applied = client.post(f"{EDITOR}/nhap-xuat/", {"step": "apply"}, follow=True)

    assert applied.status_code == 200
    assert "Tạo mới 1 thủ tục" in text(applied)
    procedure = Procedure.objects.get(code="1.000000.000.00.00.H44")
    assert (procedure.name, procedure.latest_version.number) == ("Đăng ký khai sinh cho trẻ bị bỏ rơi", 1)
    assert client.post(f"{EDITOR}/nhap-xuat/", {"step": "apply"}, follow=True).redirect_chain  # used once


def test_an_import_touching_another_units_procedures_is_refused_row_by_row(catalogue: Catalogue) -> None:
    response = upload(client_for(catalogue.editor_commune_b), catalogue_file())

    assert response.status_code == 400
    assert "procedures[6]: Bạn không có quyền cập nhật danh mục thủ tục của đơn vị này." in text(response)
    assert not Procedure.objects.filter(code="1.000000.000.00.00.H44").exists()


def test_a_file_of_another_kind_is_refused_next_to_the_field(catalogue: Catalogue) -> None:
    response = client_for(catalogue.editor_justice).post(
        f"{EDITOR}/nhap-xuat/",
        {"step": "check", "file": SimpleUploadedFile("danh-muc.csv", b"a,b", content_type="text/csv")},
    )

    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert "Hãy chọn tệp .json hoặc .xlsx." in text(response)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_catalogue_is_exported(catalogue: Catalogue, fmt: str, content_type: str) -> None:
    response = client_for(catalogue.editor_justice).get(f"{EDITOR}/xuat.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="thu-tuc-\d{{8}}-\d{{4}}\.{fmt}"', response["Content-Disposition"]
    )
    if fmt == "json":
        assert [item["code"] for item in json.loads(response.content)["procedures"]][:3] == [
            "1.000656.000.00.00.H44",
            "1.000894.000.00.00.H44",
            BIRTH,
        ]
