"""The procedures API: list, search, detail, expected return date; problems in Vietnamese; bounded queries."""

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from motcua.catalog import queries, services
from motcua.catalog.tests.pages_fixtures import (  # noqa: F401 (the fixture "catalogue")
    Catalogue,
    catalogue_fixture,
)
from motcua.worktime.calendar import TZ

pytestmark = pytest.mark.django_db

API = "/api/v1/procedures"


def get(path: str, **params: Any) -> Any:
    return Client().get(path, params)


def codes(response: Any) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The moment "submitted now" means: Monday 2 March 2026, 08:00."""
    moment = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
    monkeypatch.setattr(queries, "submission_now", lambda: moment)
    return moment


# --- list and search ----------------------------------------------------------------------------------


def test_the_list_is_public_by_code_with_each_procedure_summarised(catalogue: Catalogue) -> None:
    response = get(API)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 20, 0)
    assert codes(response) == [
        "1.000656.000.00.00.H44",
        "1.000894.000.00.00.H44",
        "1.001193.000.00.00.H44",
        "2.000635.000.00.00.H44",
        "2.000815.000.00.00.H44",
    ]
    assert body["items"][2] == {
        "code": "1.001193.000.00.00.H44",
        "national_code": "1.001193",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "ho-tich", "name": "Hộ tịch"},
        "level": "commune",
        "level_label": "Cấp xã",
        "owner_unit": {"id": catalogue.justice.pk, "name": "Sở Tư pháp tỉnh Phú Thọ"},
        "version": 1,
        "online_level": "partial",
        "online_level_label": "Dịch vụ công trực tuyến một phần",
        "time_limit_amount": "3",
        "time_limit_unit": "working_days",
        "time_limit_unit_label": "ngày làm việc",
        "retired_at": None,
    }


@pytest.mark.parametrize("q", ["khai sinh", "KHAI SINH", "đăng ký khai sinh", "dang ky khai sinh"])
def test_the_search_finds_birth_registration_first(catalogue: Catalogue, q: str) -> None:
    response = get(API, q=q)

    assert codes(response)[0] == "1.001193.000.00.00.H44"


def test_the_search_lists_only_what_matches_best_first(catalogue: Catalogue) -> None:
    response = get(API, q="khai sinh")

    assert response.json()["count"] == 2
    assert codes(response) == ["1.001193.000.00.00.H44", "2.000635.000.00.00.H44"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2.000815", ["2.000815.000.00.00.H44"]),
        ("1.001193.000.00.00.H44", ["1.001193.000.00.00.H44"]),
        ("1.001193.000", []),
    ],
)
def test_a_code_is_an_exact_look_up(catalogue: Catalogue, code: str, expected: list[str]) -> None:
    assert codes(get(API, code=code)) == expected


def test_filters_by_sector_level_and_unit(catalogue: Catalogue) -> None:
    assert codes(get(API, sector="chung-thuc")) == ["2.000815.000.00.00.H44"]
    assert codes(get(API, unit=catalogue.commune_b.pk)) == ["2.000815.000.00.00.H44"]
    assert len(codes(get(API, unit=catalogue.province.pk))) == 5  # a unit's subtree
    assert codes(get(API, level="province")) == []
    assert codes(get(API, q="đăng ký", sector="chung-thuc")) == []


def test_a_retired_procedure_is_listed_only_when_asked(catalogue: Catalogue) -> None:
    services.procedure_retire(procedure=catalogue.death, actor=None, reason="Quyết định 99/QĐ-UBND")

    assert "1.000656.000.00.00.H44" not in codes(get(API))
    item = get(API, retired="true", code="1.000656").json()["items"][0]
    assert item["retired_at"] is not None


def test_pages_are_bounded(catalogue: Catalogue) -> None:
    response = get(API, limit=2, offset=1)

    assert response.json()["count"] == 5
    assert codes(response) == ["1.000894.000.00.00.H44", "1.001193.000.00.00.H44"]
    assert codes(get(API, q="đăng ký", limit=1, offset=1)) == ["1.000894.000.00.00.H44"]


PROBLEM = {"code": "validation_error", "message": "Một số trường chưa hợp lệ; vui lòng sửa lại và thử lại."}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": 101}, "limit", "Giá trị quá lớn."),
        ({"limit": 0}, "limit", "Giá trị quá nhỏ."),
        ({"offset": -1}, "offset", "Giá trị quá nhỏ."),
        ({"offset": 10_001}, "offset", "Giá trị quá lớn."),
        ({"level": "district"}, "level", "Hãy chọn một trong các giá trị cho phép."),
        ({"unit": "abc"}, "unit", "Nhập một số nguyên."),
        ({"q": "x" * 201}, "q", "Nội dung quá dài."),
    ],
)
def test_bad_parameters_are_422_problems_in_vietnamese(
    catalogue: Catalogue, params: dict[str, Any], field: str, message: str
) -> None:
    response = get(API, **params)

    assert response.status_code == 422
    assert response.json() == {**PROBLEM, "fields": {field: message}}


def test_an_unknown_sector_or_unit_is_a_422_problem(catalogue: Catalogue) -> None:
    sector = get(API, sector="khong-co")
    unit = get(API, unit=999_999)

    assert (sector.status_code, unit.status_code) == (422, 422)
    assert sector.json() == {
        "code": "unknown_sector",
        "message": "Không có lĩnh vực nào mang mã khong-co.",
        "fields": {"sector": "Chọn một lĩnh vực trong danh mục."},
    }
    assert unit.json() == {
        "code": "unknown_unit",
        "message": "Không tìm thấy đơn vị có mã số này.",
        "fields": {"unit": "Chọn một đơn vị trong danh mục."},
    }


def test_the_list_costs_the_same_few_queries_whatever_the_page(
    catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):  # count, page (sector, unit, version joined)
        assert len(codes(get(API, limit=5))) == 5
    with django_assert_max_num_queries(2):
        get(API, limit=1)
    with django_assert_max_num_queries(2):  # ranked matches, page
        assert len(codes(get(API, q="đăng ký", limit=5))) == 3


# --- detail ---------------------------------------------------------------------------------------------


def test_the_detail_holds_every_published_component(catalogue: Catalogue, now: datetime) -> None:
    response = get(f"{API}/1.001193.000.00.00.H44")

    assert response.status_code == 200
    assert response.json() == {
        "code": "1.001193.000.00.00.H44",
        "national_code": "1.001193",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "ho-tich", "name": "Hộ tịch"},
        "level": "commune",
        "level_label": "Cấp xã",
        "owner_unit": {"id": catalogue.justice.pk, "name": "Sở Tư pháp tỉnh Phú Thọ"},
        "retired_at": None,
        "retirement_reason": "",
        "in_force": True,
        "version": {
            "number": 1,
            "decision_number": "15/QĐ-UBND",
            "decision_date": "2026-01-05",
            "decision_signer": "Chủ tịch UBND tỉnh",
            "effective_from": "2026-01-12",
            "published_at": "2026-01-05T15:00:00+07:00",
        },
        "upcoming_version": None,
        "requirements": "Không quy định.",
        "dossier_sets": 1,
        "subjects_citizens": True,
        "subjects_organizations": False,
        "subjects_note": "Công dân Việt Nam.",
        "time_limit_amount": "3",
        "time_limit_unit": "working_days",
        "time_limit_unit_label": "ngày làm việc",
        "time_limit_convention": "hours",
        "time_limit_convention_label": "Tính từ thời điểm tiếp nhận, mỗi ngày 8 giờ làm việc",
        "cutoff_time": None,
        "online_level": "partial",
        "online_level_label": "Dịch vụ công trực tuyến một phần",
        "online_reason": "presence",
        "online_reason_label": "Người yêu cầu phải có mặt trực tiếp",
        "online_reason_text": "Người yêu cầu phải xuất trình bản chính khi nhận kết quả.",
        "return_methods": ["counter", "post"],
        "steps": [
            {"title": "Nộp hồ sơ", "description": "Người yêu cầu nộp hồ sơ tại bộ phận một cửa."},
            {"title": "Nhận kết quả", "description": "Theo ngày hẹn trên phiếu."},
        ],
        "methods": [
            {
                "channel": "direct",
                "channel_label": "Trực tiếp",
                "description": "Tại Trung tâm Phục vụ hành chính công.",
                "time_limit_amount": None,
                "time_limit_unit": "",
                "note": "",
            },
            {
                "channel": "online",
                "channel_label": "Trực tuyến",
                "description": "Qua Cổng Dịch vụ công quốc gia.",
                "time_limit_amount": "2",
                "time_limit_unit": "working_days",
                "note": "",
            },
        ],
        "agencies": [
            {
                "role": role,
                "role_label": label,
                "scope": "unit",
                "scope_label": "Đơn vị cụ thể",
                "name": name,
                "unit_id": unit.pk,
                "confirmed": True,
            }
            for role, label, name, unit in (
                ("implementing", "Cơ quan thực hiện", "Sở Tư pháp tỉnh Phú Thọ", catalogue.justice),
                ("competent", "Cơ quan có thẩm quyền", "Ủy ban nhân dân xã Thanh Ba", catalogue.commune_a),
                ("receiving", "Đơn vị tiếp nhận", "Ủy ban nhân dân xã Thanh Ba", catalogue.commune_a),
            )
        ],
        "documents": [
            {
                "name": "Tờ khai theo mẫu",
                "kind": "submit",
                "kind_label": "Nộp",
                "originals": 1,
                "copies": 0,
                "required": True,
                "condition": "",
                "group": "",
                "digitisation_required": False,
                "lookup_database": "",
                "lookup_database_label": "",
                "eform": "to-khai",
                "confirmed": True,
            },
            {
                "name": "Giấy tờ tùy thân",
                "kind": "show",
                "kind_label": "Xuất trình để đối chiếu",
                "originals": 1,
                "copies": 0,
                "required": True,
                "condition": "",
                "group": "",
                "digitisation_required": False,
                "lookup_database": "population",
                "lookup_database_label": "Cơ sở dữ liệu quốc gia về dân cư",
                "eform": None,
                "confirmed": True,
            },
        ],
        "fees": [
            {
                "kind": "charge",
                "kind_label": "Lệ phí",
                "name": "Lệ phí",
                "amount_vnd": amount,
                "per": "lần",
                "channel": channel,
                "exemptions": "",
                "payable_online": False,
                "legal_basis": "",
                "confirmed": True,
            }
            for amount, channel in ((8000, "direct"), (0, "online"))
        ],
        "results": [
            {
                "name": "Giấy khai sinh",
                "code": "",
                "validity": "Không thời hạn",
                "paper_required": True,
                "electronic": True,
                "confirmed": True,
            }
        ],
        "legal_bases": [
            {
                "kind": "law",
                "kind_label": "Luật",
                "number": "60/2014/QH13",
                "title": "Luật Hộ tịch",
                "issuer": "Quốc hội",
                "issued_on": "2014-11-20",
                "effective_on": "2016-01-01",
                "confirmed": True,
            }
        ],
        "eforms": [{"key": "to-khai", "title": "Tờ khai", "form_reference": "Mẫu tờ khai (minh họa)"}],
        "unconfirmed": {},
    }


@pytest.mark.parametrize("code", ["9.999999.000.00.00.H44", "khong-co"])
def test_an_unknown_or_never_published_procedure_is_a_404_problem(catalogue: Catalogue, code: str) -> None:
    # 9.999999… exists, as a draft only: a draft is not public.
    response = get(f"{API}/{code}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"Không có thủ tục nào mang mã {code}.",
        "fields": {},
    }


def test_the_detail_serves_the_bound_published_version_never_the_draft(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = services.draft_start(procedure=catalogue.birth, actor=None)
    services.draft_update(
        version=draft, actor=None, name="Đăng ký khai sinh (dự thảo)", time_limit_amount="4"
    )
    monkeypatch.setattr(queries, "submission_now", lambda: datetime(2026, 6, 1, 10, 0, tzinfo=TZ))

    before = get(f"{API}/1.001193.000.00.00.H44").json()
    assert (before["name"], before["version"]["number"], before["time_limit_amount"]) == (
        "Đăng ký khai sinh",
        1,
        "3",
    )

    services.version_publish(
        version=draft,
        actor=None,
        decision_number="20/QĐ-UBND",
        decision_date=date(2026, 5, 20),
        decision_signer="Chủ tịch UBND tỉnh",
        effective_from=date(2026, 7, 1),
        published_at=datetime(2026, 5, 20, 9, 0, tzinfo=TZ),
    )
    published = get(f"{API}/1.001193.000.00.00.H44").json()
    # Published, but it applies from 1 July: a dossier submitted on 1 June is bound to version 1.
    assert (published["name"], published["version"]["number"]) == ("Đăng ký khai sinh", 1)
    assert published["upcoming_version"]["number"] == 2
    assert published["upcoming_version"]["effective_from"] == "2026-07-01"

    monkeypatch.setattr(queries, "submission_now", lambda: datetime(2026, 7, 1, 8, 0, tzinfo=TZ))
    applied = get(f"{API}/1.001193.000.00.00.H44").json()
    assert (applied["name"], applied["version"]["number"], applied["upcoming_version"]) == (
        "Đăng ký khai sinh (dự thảo)",
        2,
        None,
    )


def test_a_retired_procedure_still_shows_but_is_not_in_force(catalogue: Catalogue) -> None:
    services.procedure_retire(procedure=catalogue.death, actor=None, reason="Quyết định 99/QĐ-UBND")

    body = get(f"{API}/1.000656.000.00.00.H44").json()

    assert (body["in_force"], body["retirement_reason"], body["version"]["number"]) == (
        False,
        "Quyết định 99/QĐ-UBND",
        1,
    )


def test_the_detail_costs_a_bounded_number_of_queries(
    catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(14):  # procedure, bound version, the version's tables (prefetched)
        assert get(f"{API}/1.001193.000.00.00.H44").status_code == 200


# --- expected return date -------------------------------------------------------------------------------


def test_the_expected_due_per_channel_on_the_competent_units_calendar(catalogue: Catalogue) -> None:
    response = get(f"{API}/1.001193.000.00.00.H44/expected-due", submitted_at="2026-03-02T08:00:00+07:00")

    assert response.status_code == 200
    # 3 working days of 8 hours from Monday 08:00 (7.5 h on Monday): Thursday 08:00; online 2 days.
    assert response.json() == {
        "code": "1.001193.000.00.00.H44",
        "version": 1,
        "submitted_at": "2026-03-02T08:00:00+07:00",
        "unit": {"id": catalogue.commune_a.pk, "name": "Ủy ban nhân dân xã Thanh Ba"},
        "dues": [
            {
                "channel": "direct",
                "channel_label": "Trực tiếp",
                "time_limit_amount": "3",
                "time_limit_unit": "working_days",
                "due_at": "2026-03-05T08:00:00+07:00",
                "problem": "",
            },
            {
                "channel": "online",
                "channel_label": "Trực tuyến",
                "time_limit_amount": "2",
                "time_limit_unit": "working_days",
                "due_at": "2026-03-04T08:00:00+07:00",
                "problem": "",
            },
        ],
    }


def test_the_expected_due_defaults_to_now(catalogue: Catalogue, now: datetime) -> None:
    body = get(f"{API}/1.001193.000.00.00.H44/expected-due").json()

    assert body["submitted_at"] == "2026-03-02T08:00:00+07:00"
    assert [due["due_at"] for due in body["dues"]] == [
        "2026-03-05T08:00:00+07:00",
        "2026-03-04T08:00:00+07:00",
    ]


def test_the_expected_due_refuses_a_unit_that_is_not_competent(catalogue: Catalogue) -> None:
    response = get(f"{API}/1.001193.000.00.00.H44/expected-due", unit=catalogue.commune_b.pk)

    assert response.status_code == 422
    assert response.json() == {
        "code": "not_competent",
        "message": "Đơn vị này không có thẩm quyền giải quyết hồ sơ của thủ tục.",
        "fields": {"unit": "Chọn một trong các cơ quan có thẩm quyền của thủ tục."},
    }


def test_the_expected_due_refuses_a_moment_without_offset(catalogue: Catalogue) -> None:
    response = get(f"{API}/1.001193.000.00.00.H44/expected-due", submitted_at="2026-03-02T08:00:00")

    assert response.status_code == 422
    assert response.json() == {
        "code": "naive_datetime",
        "message": "Nhập thời điểm kèm múi giờ UTC, ví dụ 2026-03-02T08:00:00+07:00.",
        "fields": {"submitted_at": "Thêm độ lệch múi giờ UTC, ví dụ +07:00."},
    }


def test_the_procedures_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/procedures/{code}/expected-due",
    } <= set(paths)


@pytest.mark.parametrize(
    "submitted_at", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-12:00", "1899-12-31T23:59:59Z"]
)
def test_the_expected_due_refuses_a_moment_beyond_the_years_it_can_count(
    catalogue: Catalogue, submitted_at: str
) -> None:
    # Found by schemathesis (tests/fuzz): converting year 1 to local time overflowed (a 500).
    response = get(f"{API}/1.001193.000.00.00.H44/expected-due", submitted_at=submitted_at)

    message = "Nhập thời điểm trong khoảng từ năm 1900 đến năm 2999, ví dụ 2026-03-02T08:00:00+07:00."
    assert response.status_code == 422
    assert response.json() == {
        "code": "out_of_range",
        "message": message,
        "fields": {"submitted_at": message},
    }
