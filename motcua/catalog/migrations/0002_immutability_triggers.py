"""Database triggers refusing changes to published versions (see motcua/catalog/db_guards.py)."""

from django.db import migrations

from motcua.catalog.db_guards import install, uninstall


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
