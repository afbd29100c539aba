"""The KPI settings row: colour thresholds, the yearly increase of units' targets, the 2.1 appointment."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from motcua.core.errors import ApplicationError
from motcua.core.models import AuditRecord
from motcua.kpi import selectors, services
from motcua.kpi.bands import Band, BandFractions, band
from motcua.kpi.models import KpiSettings
from motcua.kpi.targets import IncreaseMode

pytestmark = pytest.mark.django_db
D = Decimal

VALID = {
    "green_fraction": "1.000",
    "yellow_fraction": "0.950",
    "orange_fraction": "0.800",
    "target_increase": "5",
    "target_increase_mode": "relative",
    "accept_apology_appointment": True,
}


@pytest.fixture
def actor(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="kstt", password="x", kind="staff")


def test_the_settings_give_the_band_fractions() -> None:
    assert selectors.kpi_settings().band_fractions == BandFractions()


def test_update(actor: Any) -> None:
    row = services.kpi_settings_update(actor=actor, **VALID)

    row.refresh_from_db()
    assert (
        row.band_fractions,
        row.target_increase,
        row.target_increase_mode,
        row.accept_apology_appointment,
        row.updated_by,
    ) == (BandFractions(D(1), D("0.95"), D("0.8")), D("5.00"), IncreaseMode.RELATIVE, True, actor)
    assert band(D(94), D(100), row.band_fractions) is Band.ORANGE
    assert AuditRecord.objects.filter(action="update", object_type__model="kpisettings").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"yellow_fraction": "0.7"}, "yellow_fraction"),  # below orange
        ({"green_fraction": "1.1"}, "yellow_fraction"),
        ({"orange_fraction": "0"}, "yellow_fraction"),
        ({"orange_fraction": "0.7501"}, "orange_fraction"),  # 4 decimals
        ({"green_fraction": "x"}, "green_fraction"),
        ({"target_increase": "101"}, "target_increase"),
        ({"target_increase_mode": "double"}, "target_increase_mode"),
    ],
)
def test_bad_settings_are_refused(actor: Any, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.kpi_settings_update(actor=actor, **VALID | changes)

    assert list(caught.value.fields) == [field]
    assert selectors.kpi_settings().band_fractions == BandFractions()


def test_the_database_holds_one_ordered_row() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiSettings.objects.create(id=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiSettings.objects.filter(id=1).update(yellow_fraction=D("0.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiSettings.objects.filter(id=1).update(target_increase_mode="double")


def test_the_row_comes_back_with_the_defaults_if_it_went_missing() -> None:
    KpiSettings.objects.all().delete()

    assert selectors.kpi_settings().band_fractions == BandFractions()


# Admin


@pytest.fixture
def admin_client(client: Client, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_superuser(username="root", password="x", kind="staff")
    client.force_login(user)
    return client


def form(**changes: Any) -> dict[str, Any]:
    values = dict(VALID) | changes
    if not values["accept_apology_appointment"]:
        values.pop("accept_apology_appointment")
    return values


def test_the_administrator_changes_the_settings(admin_client: Client) -> None:
    response = admin_client.post(reverse("admin:kpi_kpisettings_change", args=[1]), form())

    assert response.status_code == 302
    assert selectors.kpi_settings().band_fractions == BandFractions(D(1), D("0.95"), D("0.8"))
    assert AuditRecord.objects.filter(object_type__model="kpisettings").count() == 1


def test_unordered_thresholds_are_shown_next_to_the_field(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:kpi_kpisettings_change", args=[1]), form(yellow_fraction="0.7")
    )

    assert response.status_code == 200
    admin_form = response.context["adminform"].form
    assert admin_form.errors == {"yellow_fraction": ["Nằm giữa ngưỡng cam và ngưỡng xanh."]}
    assert admin_form["yellow_fraction"].value() == "0.7"
    assert selectors.kpi_settings().yellow_fraction == D("0.900")


def test_the_settings_row_cannot_be_added_or_deleted(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:kpi_kpisettings_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:kpi_kpisettings_delete", args=[1]), {"post": "yes"}).status_code
        == 403
    )
    assert KpiSettings.objects.count() == 1
