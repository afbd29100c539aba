"""Seed the national calendar from the `holidays` package and the official CBCCVC schedules.

After this migration the tables are the truth: administrators edit them; re-seeding (the `worktime_seed`
command) only adds dates that are missing, never overwrites an edit.
"""

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2020, 2035


def seed(apps, schema_editor):
    from motcua.worktime.national import national_exceptions

    WorkCalendar = apps.get_model("worktime", "WorkCalendar")
    CalendarException = apps.get_model("worktime", "CalendarException")
    calendar, _ = WorkCalendar.objects.get_or_create(
        is_national=True,
        defaults={
            "weekdays": [0, 1, 2, 3, 4],
            "periods": [["07:30", "11:30"], ["13:00", "17:00"]],
            "day_minutes": 480,
            "first_year": FIRST_YEAR,
            "last_year": LAST_YEAR,
        },
    )
    existing = set(CalendarException.objects.filter(calendar=calendar).values_list("day", flat=True))
    CalendarException.objects.bulk_create(
        CalendarException(
            calendar=calendar,
            day=e.day,
            kind=e.kind.value,
            category=e.category.value,
            reason=e.reason,
            legal_basis=e.legal_basis,
            basis_confirmed=e.basis_confirmed,
            source="seed",
        )
        for e in national_exceptions(range(FIRST_YEAR, LAST_YEAR + 1))
        if e.day not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
