"""Seed the KPI settings row and the central targets: the 2024 table, carried over to 2025 and 2026.

The 2024 table is NQ 01/NQ-CP and 02/NQ-CP of 05/01/2024 as given in a district's 2024 TTHC-control plan,
plus the directives' other targets (LEGAL.md §12). No later table was found: 2025 and 2026 are copies
marked `carried_over`, for an administrator to confirm or edit. The data is written here, not imported
from the app, so that this migration gives the same rows whatever the code becomes.
"""

from decimal import Decimal

from django.db import migrations

NQ_2024 = "NQ 01/NQ-CP và NQ 02/NQ-CP ngày 05/01/2024"
DIRECTIVES = "Chỉ thị, kế hoạch kiểm soát TTHC của tỉnh (chỉ tiêu chung)"
DIRECTIVE_2022 = "Chỉ tiêu năm 2022 của chỉ thị, giữ nguyên"

# (metric, scope, rate %, legal basis, carried over in 2024 already)
TARGETS_2024 = [
    ("online_payments", "all", "45", NQ_2024, False),  # table row 1
    ("online_dossiers", "all", "50", NQ_2024, False),  # row 2
    ("digitised", "all", "80", NQ_2024, False),  # row 3
    ("e_results", "all", "100", NQ_2024, False),  # row 4
    ("e_certified_copies", "communes", "100", NQ_2024, False),  # row 5
    ("reuse", "all", "50", NQ_2024, False),  # row 6
    ("feedback_on_time", "all", "100", NQ_2024, False),  # row 7
    ("satisfaction", "all", "90", NQ_2024, False),  # row 8
    ("documents_online", "departments", "95", NQ_2024, False),  # row 9.1
    ("documents_online", "communes", "80", NQ_2024, False),  # row 9.2
    ("on_time", "all", "100", DIRECTIVES, False),
    ("online_received_on_time", "all", "100", DIRECTIVES, False),
    ("synced", "all", "100", DIRECTIVES, False),
    ("online_services_with_dossiers", "all", "80", DIRECTIVE_2022, True),
]
CARRIED_TO = (2025, 2026)


def seed(apps, schema_editor):
    KpiSettings = apps.get_model("kpi", "KpiSettings")
    CentralTarget = apps.get_model("kpi", "CentralTarget")
    KpiSettings.objects.get_or_create(id=1)
    for year in (2024, *CARRIED_TO):
        for metric, scope, rate, basis, carried in TARGETS_2024:
            CentralTarget.objects.get_or_create(
                year=year,
                metric=metric,
                scope=scope,
                defaults={
                    "rate": Decimal(rate),
                    "legal_basis": basis,
                    "carried_over": carried or year != 2024,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
