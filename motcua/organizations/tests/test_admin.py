"""Django admin: writes go through the services (paths, rules, audit); search by name or code."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.models import AuditRecord
from motcua.organizations.models import AgencyCode, Unit, path_segment
from motcua.organizations.services import agency_code_assign
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin_client(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser(username="root", password="x", kind="staff")
    client.force_login(user)
    return client


def unit_form(**values: Any) -> dict[str, Any]:
    form = {
        "parent": "",
        "external_key": "",
        "name": "Ủy ban nhân dân xã Mới",
        "short_name": "",
        "level": "commune",
        "kind": "peoples_committee",
        "replaced_by": "",
        "codes-TOTAL_FORMS": "0",
        "codes-INITIAL_FORMS": "0",
        "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000",
    }
    return form | {name: str(value) for name, value in values.items()}


def test_anonymous_and_staff_without_rights_cannot_reach_the_admin(
    client: Client, django_user_model: Any
) -> None:
    url = reverse("admin:organizations_unit_changelist")
    assert client.get(url).status_code == 302
    officer = django_user_model.objects.create_user(username="cb", password="x", kind="staff", is_staff=True)
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.post(reverse("admin:organizations_unit_add"), unit_form()).status_code == 403
    assert Unit.objects.count() == 0


def test_add_creates_the_unit_through_the_service(admin_client: Client) -> None:
    province = UnitFactory(province=True)

    response = admin_client.post(
        reverse("admin:organizations_unit_add"), unit_form(parent=province.pk, external_key="X")
    )

    assert response.status_code == 302
    unit = Unit.objects.get(external_key="X")
    assert (unit.path, unit.depth, unit.search_text) == (
        province.path + path_segment(unit.pk),
        1,
        "uy ban nhan dan xa moi",
    )
    assert AuditRecord.objects.filter(action="create", object_id=str(unit.pk)).exists()


def test_a_new_district_is_refused_next_to_the_level_field(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:organizations_unit_add"), unit_form(level="district", name="Huyện A")
    )

    assert response.status_code == 200
    assert (
        response.context["adminform"]
        .form.errors["level"][0]
        .startswith("Cấp huyện đã bị bãi bỏ từ ngày 01/7/2025")
    )
    assert "Huyện A" in response.content.decode()  # the form keeps what was typed
    assert Unit.objects.count() == 0


def test_change_renames_and_moves_through_the_services(admin_client: Client) -> None:
    province, other = UnitFactory(province=True), UnitFactory(province=True)
    commune = UnitFactory(parent=province, external_key="X")
    child = UnitFactory(parent=commune)

    response = admin_client.post(
        reverse("admin:organizations_unit_change", args=[commune.pk]),
        unit_form(parent=other.pk, external_key="X", name="Xã Đổi Tên"),
    )

    assert response.status_code == 302
    commune.refresh_from_db()
    child.refresh_from_db()
    assert (commune.name, commune.parent_id) == ("Xã Đổi Tên", other.pk)
    assert child.path == other.path + path_segment(commune.pk) + path_segment(child.pk)
    assert sorted(AuditRecord.objects.filter(object_id=str(commune.pk)).values_list("action", flat=True)) == [
        "create",
        "move",
        "update",
    ]


def test_moving_under_a_descendant_shows_the_error_next_to_the_parent(admin_client: Client) -> None:
    province = UnitFactory(province=True)
    commune = UnitFactory(parent=province, external_key="X")
    child = UnitFactory(parent=commune)

    response = admin_client.post(
        reverse("admin:organizations_unit_change", args=[commune.pk]),
        unit_form(parent=child.pk, external_key="X"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "Không thể chuyển đơn vị vào chính nó hoặc một đơn vị trực thuộc nó."
    ]
    assert Unit.objects.get(pk=commune.pk).parent_id == province.pk


def test_units_cannot_be_deleted_and_the_path_is_read_only(admin_client: Client) -> None:
    unit = UnitFactory()

    page = admin_client.get(reverse("admin:organizations_unit_change", args=[unit.pk])).content.decode()

    assert (
        admin_client.post(
            reverse("admin:organizations_unit_delete", args=[unit.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert 'name="path"' not in page
    assert unit.path in page


def test_search_by_name_without_diacritics_and_by_code(admin_client: Client) -> None:
    commune = UnitFactory(name="Ủy ban nhân dân xã Hòa Bình")
    UnitFactory(name="Xã Khác")
    agency_code_assign(unit=commune, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)
    url = reverse("admin:organizations_unit_changelist")

    by_name = admin_client.get(url, {"q": "hoa binh"})
    by_code = admin_client.get(url, {"q": "H15.50.05"})

    assert [unit.pk for unit in by_name.context["cl"].result_list] == [commune.pk]
    assert [unit.pk for unit in by_code.context["cl"].result_list] == [commune.pk]


def test_deactivate_action(admin_client: Client) -> None:
    province = UnitFactory(province=True)
    commune = UnitFactory(parent=province)

    response = admin_client.post(
        reverse("admin:organizations_unit_changelist"),
        {"action": "deactivate_units", "_selected_action": [province.pk, commune.pk]},
        follow=True,
    )

    assert "Đã ngừng hoạt động 2 đơn vị." in response.content.decode()
    assert list(Unit.objects.values_list("is_active", flat=True)) == [False, False]


def test_adding_a_code_closes_the_previous_one(admin_client: Client) -> None:
    unit = UnitFactory()
    agency_code_assign(unit=unit, code="H15.31", valid_from=D(2020, 1, 1), actor=None)

    response = admin_client.post(
        reverse("admin:organizations_agencycode_add"),
        {"unit": unit.pk, "code": "h15.50", "valid_from": "2025-07-01", "valid_to": ""},
    )

    assert response.status_code == 302
    assert list(
        AgencyCode.objects.order_by("valid_from").values_list("code", "valid_to", "replaced_by__code")
    ) == [
        ("H15.31", D(2025, 6, 30), "H15.50"),
        ("H15.50", None, None),
    ]


@pytest.mark.parametrize(
    ("values", "field", "start"),
    [
        (
            {"code": "H15.50", "valid_from": "2019-01-01"},
            "valid_from",
            "Thời gian hiệu lực trùng với mã H15.31",
        ),
        ({"code": "Z15", "valid_from": "2025-07-01"}, "code", "Mã định danh bắt đầu bằng mã cấp 1"),
        (
            {"code": "H15.50", "valid_from": "2025-07-01", "valid_to": "2025-01-01"},
            "valid_to",
            "Ngày hết hiệu lực (01/01/2025)",
        ),
    ],
)
def test_a_bad_code_is_refused_next_to_its_field(
    admin_client: Client, values: dict[str, str], field: str, start: str
) -> None:
    unit = UnitFactory()
    agency_code_assign(unit=unit, code="H15.31", valid_from=D(2020, 1, 1), actor=None)

    response = admin_client.post(
        reverse("admin:organizations_agencycode_add"), {"unit": unit.pk, "valid_to": ""} | values
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field][0].startswith(start)
    assert AgencyCode.objects.count() == 1


def test_recorded_codes_are_read_only(admin_client: Client) -> None:
    unit = UnitFactory()
    code = agency_code_assign(unit=unit, code="H15.31", valid_from=D(2020, 1, 1), actor=None)

    response = admin_client.post(
        reverse("admin:organizations_agencycode_change", args=[code.pk]),
        {"code": "H99", "valid_from": "2020-01-01"},
    )

    assert response.status_code == 403
    assert AgencyCode.objects.get().code == "H15.31"
