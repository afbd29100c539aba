"""Django admin for central and unit targets: who may reach it, writes through the services, errors next to
their field."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.models import AuditRecord
from motcua.kpi.models import CentralTarget, UnitTarget
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin_client(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser(username="root", password="x", kind="staff")
    client.force_login(user)
    return client


URLS = [
    reverse("admin:kpi_centraltarget_changelist"),
    reverse("admin:kpi_centraltarget_add"),
    reverse("admin:kpi_unittarget_changelist"),
    reverse("admin:kpi_unittarget_add"),
    reverse("admin:kpi_kpisettings_changelist"),
    reverse("admin:kpi_kpisettings_change", args=[1]),
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_the_login(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("kind", ["citizen", "staff"])
@pytest.mark.parametrize("url", URLS)
def test_users_without_admin_rights_are_refused(
    client: Client, django_user_model: Any, kind: str, url: str
) -> None:
    user = django_user_model.objects.create_user(
        username="u", password="x", kind=kind, is_staff=kind == "staff"
    )
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == (403 if kind == "staff" else 302)


def test_staff_without_rights_cannot_add_a_target(client: Client, django_user_model: Any) -> None:
    officer = django_user_model.objects.create_user(username="cb", password="x", kind="staff", is_staff=True)
    client.force_login(officer)
    count = CentralTarget.objects.count()

    response = client.post(
        reverse("admin:kpi_centraltarget_add"),
        {"year": 2027, "metric": "reuse", "scope": "all", "rate": "60"},
    )

    assert response.status_code == 403
    assert CentralTarget.objects.count() == count


@pytest.mark.parametrize("url", URLS)
def test_the_administrator_sees_every_page(admin_client: Client, url: str) -> None:
    assert admin_client.get(url).status_code == 200


def test_adding_a_central_target_goes_through_the_service(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:kpi_centraltarget_add"),
        {"year": 2027, "metric": "reuse", "scope": "all", "rate": "60", "legal_basis": "NQ 01/NQ-CP 2027"},
    )

    assert response.status_code == 302
    target = CentralTarget.objects.get(year=2027)
    assert (target.metric, target.rate, target.legal_basis, target.carried_over) == (
        "reuse",
        D("60.00"),
        "NQ 01/NQ-CP 2027",
        False,
    )
    assert AuditRecord.objects.filter(action="create", object_id=str(target.pk)).exists()


def test_a_bad_rate_is_shown_next_to_its_field_and_kept(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:kpi_centraltarget_add"),
        {"year": 2027, "metric": "reuse", "scope": "all", "rate": "150"},
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["rate"] == ["Nhập tỷ lệ phần trăm từ 0 đến 100."]
    assert form["rate"].value() == "150"
    assert not CentralTarget.objects.filter(year=2027).exists()


def test_a_year_too_early_is_refused(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:kpi_centraltarget_add"),
        {"year": 2020, "metric": "reuse", "scope": "all", "rate": "50"},
    )

    assert response.status_code == 200
    assert "year" in response.context["adminform"].form.errors


def test_editing_a_carried_over_target_confirms_it(admin_client: Client) -> None:
    target = CentralTarget.objects.get(year=2026, metric="reuse", scope="all")

    response = admin_client.post(
        reverse("admin:kpi_centraltarget_change", args=[target.pk]),
        {"rate": "55", "legal_basis": "QĐ tỉnh 2026"},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.year, target.metric, target.rate, target.carried_over, target.legal_basis) == (
        2026,
        "reuse",
        D("55.00"),
        False,
        "QĐ tỉnh 2026",
    )


def test_central_targets_cannot_be_deleted(admin_client: Client) -> None:
    target = CentralTarget.objects.get(year=2026, metric="reuse", scope="all")

    response = admin_client.post(reverse("admin:kpi_centraltarget_delete", args=[target.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert CentralTarget.objects.filter(pk=target.pk).exists()


def test_carry_over_action(admin_client: Client) -> None:
    selected = CentralTarget.objects.filter(year=2026).values_list("pk", flat=True)[:1]

    response = admin_client.post(
        reverse("admin:kpi_centraltarget_changelist"),
        {"action": "carry_over_to_next_year", "_selected_action": list(selected)},
        follow=True,
    )

    assert response.status_code == 200
    assert CentralTarget.objects.filter(year=2027, carried_over=True).count() == 14
    assert [str(m) for m in response.context["messages"]] == ["Đã chuyển tiếp 14 chỉ tiêu sang năm 2027."]


def test_carry_over_action_reports_what_cannot_be_done(admin_client: Client) -> None:
    last = CentralTarget.objects.create(year=2100, metric="reuse", rate=D(50))

    response = admin_client.post(
        reverse("admin:kpi_centraltarget_changelist"),
        {"action": "carry_over_to_next_year", "_selected_action": [last.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Năm phải từ 2022 đến 2100."]
    assert not CentralTarget.objects.filter(year__gt=2100).exists()


def test_unit_targets_are_set_changed_and_removed_through_the_services(admin_client: Client) -> None:
    commune = UnitFactory()

    added = admin_client.post(
        reverse("admin:kpi_unittarget_add"),
        {"unit": commune.pk, "year": 2026, "metric": "online_dossiers", "rate": "55", "note": "Xã vùng cao"},
    )
    target = UnitTarget.objects.get()
    changed = admin_client.post(
        reverse("admin:kpi_unittarget_change", args=[target.pk]), {"rate": "58", "note": "Điều chỉnh"}
    )
    target.refresh_from_db()
    removed = admin_client.post(reverse("admin:kpi_unittarget_delete", args=[target.pk]), {"post": "yes"})

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert not UnitTarget.objects.exists()
    assert list(
        AuditRecord.objects.filter(object_id=str(target.pk), object_type__model="unittarget")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update", "delete"]


def test_unit_targets_deleted_in_bulk_are_audited(admin_client: Client) -> None:
    commune = UnitFactory()
    for metric in ("reuse", "on_time"):
        admin_client.post(
            reverse("admin:kpi_unittarget_add"),
            {"unit": commune.pk, "year": 2026, "metric": metric, "rate": "90"},
        )
    ids = list(UnitTarget.objects.values_list("pk", flat=True))

    admin_client.post(
        reverse("admin:kpi_unittarget_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not UnitTarget.objects.exists()
    assert AuditRecord.objects.filter(action="delete", object_type__model="unittarget").count() == 2
