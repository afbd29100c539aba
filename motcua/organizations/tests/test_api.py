"""Units API: public reads, filters, bounded pages, bounded queries, Vietnamese problems."""

import datetime
from typing import Any

import pytest
from django.test import Client

from motcua.organizations.models import Unit
from motcua.organizations.services import agency_code_assign, unit_deactivate
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def units() -> dict[str, Unit]:
    province = UnitFactory(province=True, name="Ủy ban nhân dân tỉnh Phú Thọ", external_key="P")
    agency_code_assign(unit=province, code="H40", valid_from=D(2020, 1, 1), actor=None)
    agency_code_assign(unit=province, code="H15", valid_from=D(2025, 7, 1), actor=None)
    department = UnitFactory(department=True, parent=province, name="Sở Tư pháp", external_key="P.STP")
    commune = UnitFactory(parent=province, name="Ủy ban nhân dân xã Hòa Bình", external_key="P.HB")
    agency_code_assign(unit=commune, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)
    point = UnitFactory(
        parent=commune, kind=Unit.Kind.RECEPTION_POINT, name="Điểm tiếp nhận Bến Gót", external_key="P.HB.1"
    )
    closed = UnitFactory(parent=province, name="Xã Đã Nhập", external_key="P.OLD")
    unit_deactivate(unit=closed, actor=None, last_day=D(2025, 6, 30))
    other = UnitFactory(province=True, name="Ủy ban nhân dân tỉnh Khác", external_key="Q")
    return {
        "province": province,
        "department": department,
        "commune": commune,
        "point": point,
        "closed": closed,
        "other": other,
    }


def keys(response: Any) -> list[str]:
    return [item["external_key"] for item in response.json()["items"]]


def test_anonymous_reads_the_list_in_tree_order_with_current_codes(
    client: Client, units: dict[str, Unit]
) -> None:
    response = client.get("/api/v1/units")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (6, 50, 0)
    assert keys(response) == ["P", "P.STP", "P.HB", "P.HB.1", "P.OLD", "Q"]
    first = body["items"][0]
    assert first == {
        "id": units["province"].pk,
        "external_key": "P",
        "parent_id": None,
        "depth": 0,
        "name": "Ủy ban nhân dân tỉnh Phú Thọ",
        "short_name": "",
        "level": "province",
        "level_label": "Cấp tỉnh",
        "kind": "peoples_committee",
        "kind_label": "Ủy ban nhân dân",
        "is_active": True,
        "replaced_by_id": None,
        "current_code": "H15",
    }
    assert [item["current_code"] for item in body["items"]] == ["H15", None, "H15.50.05", None, None, None]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"parent": "P"}, ["P.STP", "P.HB", "P.OLD"]),
        ({"under": "P.HB"}, ["P.HB", "P.HB.1"]),
        ({"level": "province"}, ["P", "P.STP", "Q"]),
        ({"kind": "reception_point"}, ["P.HB.1"]),
        ({"active": "false"}, ["P.OLD"]),
        ({"q": "hoa binh"}, ["P.HB"]),  # without diacritics
        ({"q": "HÒA BÌNH"}, ["P.HB"]),  # other case, with diacritics
        ({"q": "h15.50.05"}, ["P.HB"]),  # an agency code
        ({"q": "ủy ban", "parent": "P"}, ["P.HB"]),
        ({"q": "không có"}, []),
    ],
)
def test_filters(client: Client, units: dict[str, Unit], params: dict[str, str], expected: list[str]) -> None:
    query = {
        name: str(units_by_key(units)[value].pk) if name in {"parent", "under"} else value
        for name, value in params.items()
    }

    response = client.get("/api/v1/units", query)

    assert response.status_code == 200
    assert keys(response) == expected
    assert response.json()["count"] == len(expected)


def units_by_key(units: dict[str, Unit]) -> dict[str, Unit]:
    return {unit.external_key: unit for unit in units.values()}


def test_pages(client: Client, units: dict[str, Unit]) -> None:
    first = client.get("/api/v1/units", {"limit": 2})
    second = client.get("/api/v1/units", {"limit": 2, "offset": 2})
    past_the_end = client.get("/api/v1/units", {"limit": 2, "offset": 10})

    assert keys(first) == ["P", "P.STP"]
    assert keys(second) == ["P.HB", "P.HB.1"]
    assert keys(past_the_end) == []
    assert past_the_end.json()["count"] == 6


def test_under_an_unknown_unit_is_empty(client: Client, units: dict[str, Unit]) -> None:
    assert client.get("/api/v1/units", {"under": 999999}).json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": 201}, "limit", "Giá trị quá lớn."),
        ({"limit": 0}, "limit", "Giá trị quá nhỏ."),
        ({"offset": -1}, "offset", "Giá trị quá nhỏ."),
        ({"level": "hamlet"}, "level", "Hãy chọn một trong các giá trị cho phép."),
        ({"kind": "ministry"}, "kind", "Hãy chọn một trong các giá trị cho phép."),
        ({"parent": "abc"}, "parent", "Nhập một số nguyên."),
        ({"q": "x" * 101}, "q", "Nội dung quá dài."),
    ],
)
def test_bad_parameters_are_422_problems_in_vietnamese(
    client: Client, params: dict[str, Any], field: str, message: str
) -> None:
    response = client.get("/api/v1/units", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"] == {field: message}


def test_list_queries_stay_bounded(
    client: Client, units: dict[str, Unit], django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        commune = UnitFactory(parent=units["province"])
        agency_code_assign(unit=commune, code=f"H15.60.{number}", valid_from=D(2025, 7, 1), actor=None)

    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/units", {"limit": 200})
    with django_assert_max_num_queries(3):
        filtered = client.get("/api/v1/units", {"under": units["province"].pk, "q": "xa", "limit": 200})

    assert len(response.json()["items"]) == 36
    assert filtered.json()["count"] == 32


def test_detail_has_code_history_and_ancestors(client: Client, units: dict[str, Unit]) -> None:
    point = units["point"]

    body = client.get(f"/api/v1/units/{units['province'].pk}").json()
    point_body = client.get(f"/api/v1/units/{point.pk}").json()

    assert body["current_code"] == "H15"
    assert body["codes"] == [
        {"code": "H40", "valid_from": "2020-01-01", "valid_to": "2025-06-30", "replaced_by": "H15"},
        {"code": "H15", "valid_from": "2025-07-01", "valid_to": None, "replaced_by": None},
    ]
    assert body["ancestors"] == []
    assert point_body["ancestors"] == [
        {"id": units["province"].pk, "external_key": "P", "name": "Ủy ban nhân dân tỉnh Phú Thọ"},
        {"id": units["commune"].pk, "external_key": "P.HB", "name": "Ủy ban nhân dân xã Hòa Bình"},
    ]
    assert point_body["codes"] == []


def test_detail_queries_stay_bounded(
    client: Client, units: dict[str, Unit], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        client.get(f"/api/v1/units/{units['point'].pk}")


def test_unknown_unit_is_a_404_problem_in_vietnamese(client: Client, db: None) -> None:
    response = client.get("/api/v1/units/424242")

    assert response.status_code == 404
    assert response.json() == {
        "code": "unit_not_found",
        "message": "Không tìm thấy đơn vị có mã số này.",
        "fields": {},
    }


def test_a_non_numeric_id_is_a_422_problem(client: Client, db: None) -> None:
    response = client.get("/api/v1/units/abc")

    assert response.status_code == 422
    assert response.json()["fields"] == {"unit_id": "Nhập một số nguyên."}


def test_the_api_speaks_english_when_asked(client: Client, db: None) -> None:
    response = client.get("/api/v1/units/424242", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["message"] == "No unit has this identifier."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_units_api_is_read_only(client: Client, units: dict[str, Unit], method: str) -> None:
    response = getattr(client, method)(
        f"/api/v1/units/{units['province'].pk}", content_type="application/json"
    )

    assert response.status_code == 405
    assert Unit.objects.count() == 6
