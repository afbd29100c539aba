"""Migration 0002 seeds the KPI settings and the 2024 central targets (LEGAL.md §12), carried over to 2025
and 2026."""

from decimal import Decimal

import pytest

from motcua.kpi.models import CentralTarget, KpiSettings
from motcua.kpi.targets import IncreaseMode

pytestmark = pytest.mark.django_db

# LEGAL.md §12, the 2024 table (rows 1–9.2) and the directives' other targets.
EXPECTED_2024 = {
    ("online_payments", "all"): Decimal("45.00"),
    ("online_dossiers", "all"): Decimal("50.00"),
    ("digitised", "all"): Decimal("80.00"),
    ("e_results", "all"): Decimal("100.00"),
    ("e_certified_copies", "communes"): Decimal("100.00"),
    ("reuse", "all"): Decimal("50.00"),
    ("feedback_on_time", "all"): Decimal("100.00"),
    ("satisfaction", "all"): Decimal("90.00"),
    ("documents_online", "departments"): Decimal("95.00"),
    ("documents_online", "communes"): Decimal("80.00"),
    ("on_time", "all"): Decimal("100.00"),
    ("online_received_on_time", "all"): Decimal("100.00"),
    ("synced", "all"): Decimal("100.00"),
    ("online_services_with_dossiers", "all"): Decimal("80.00"),
}


def rows(year: int) -> dict[tuple[str, str], tuple[Decimal, bool]]:
    return {(t.metric, t.scope): (t.rate, t.carried_over) for t in CentralTarget.objects.filter(year=year)}


def test_the_2024_table_is_seeded() -> None:
    seeded = rows(2024)

    assert {key: rate for key, (rate, _) in seeded.items()} == EXPECTED_2024
    # The 2022 directive target for online services is the only one carried into 2024.
    assert {key for key, (_, carried) in seeded.items() if carried} == {
        ("online_services_with_dossiers", "all")
    }
    assert CentralTarget.objects.get(year=2024, metric="online_payments").legal_basis == (
        "NQ 01/NQ-CP và NQ 02/NQ-CP ngày 05/01/2024"
    )


@pytest.mark.parametrize("year", [2025, 2026])
def test_2025_and_2026_are_copies_marked_carried_over(year: int) -> None:
    assert rows(year) == {key: (rate, True) for key, rate in EXPECTED_2024.items()}


def test_no_other_year_is_seeded() -> None:
    assert sorted(set(CentralTarget.objects.values_list("year", flat=True))) == [2024, 2025, 2026]


def test_the_settings_row_holds_the_defaults() -> None:
    settings_row = KpiSettings.objects.get()

    assert settings_row.pk == 1
    assert (
        settings_row.green_fraction,
        settings_row.yellow_fraction,
        settings_row.orange_fraction,
        settings_row.target_increase,
        settings_row.target_increase_mode,
        settings_row.accept_apology_appointment,
    ) == (Decimal("1.000"), Decimal("0.900"), Decimal("0.750"), Decimal("10.00"), IncreaseMode.POINTS, False)
