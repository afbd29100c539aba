import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("worktime", "0002_seed_national_calendar")]

    operations = [
        migrations.RemoveField(model_name="workcalendar", name="revision"),
        migrations.AddField(
            model_name="workcalendar",
            name="version",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="version"),
        ),
    ]
