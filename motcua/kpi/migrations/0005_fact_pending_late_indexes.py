# The running period's correction reads covering indexes (see counters.DossierFact).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0004_receipt_month_counters"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dossierfact",
            name="kpi_fact_late_day",
        ),
        migrations.RemoveIndex(
            model_name="dossierfact",
            name="kpi_fact_late_apology_day",
        ),
        migrations.AddIndex(
            model_name="dossierfact",
            index=models.Index(
                fields=["late_day", "late_at"], include=("unit", "received_day"), name="kpi_fact_late_pending"
            ),
        ),
        migrations.AddIndex(
            model_name="dossierfact",
            index=models.Index(
                fields=["late_apology_day", "late_apology_at"],
                include=("unit", "received_day"),
                name="kpi_fact_late_apology_pending",
            ),
        ),
    ]
