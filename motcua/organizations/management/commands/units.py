"""`motcua units import FILE [--dry-run]` and `motcua units export FILE [--root KEY]` (CSV or .xlsx)."""

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.organizations.models import Unit
from motcua.organizations.transfer import ImportFailed, units_export, units_import


class Command(BaseCommand):
    help = "Import or export the unit tree as CSV or Excel (.xlsx); the format follows the file extension."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="create the units of a file: all or nothing")
        importing.add_argument("file")
        importing.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        exporting = actions.add_parser("export", help="write the tree (or one subtree) to a file")
        exporting.add_argument("file")
        exporting.add_argument("--root", help="the key of the unit whose subtree to export")

    def handle(self, *args: Any, action: str, file: str, **options: Any) -> None:
        if action == "import":
            self.import_file(Path(file), dry_run=options["dry_run"])
        else:
            self.export_file(Path(file), root_key=options.get("root"))

    def progress(self, stage: str, done: int, total: int) -> None:
        names = {"read": _("Reading"), "check": _("Checking"), "write": _("Writing")}
        ending = "\n" if done == total else "\r"
        self.stderr.write(f"{names[stage]}: {done}/{total}", ending=ending)

    def import_file(self, path: Path, *, dry_run: bool) -> None:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read the file %(file)s.") % {"file": path}) from exc
        started = time.monotonic()
        try:
            report = units_import(
                file_name=path.name, content=content, actor=None, dry_run=dry_run, progress=self.progress
            )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            raise CommandError(str(failure.message)) from failure
        seconds = time.monotonic() - started
        values = {"rows": report.rows, "units": report.units, "codes": report.codes, "seconds": seconds}
        if dry_run:
            message = _(
                "Dry run: %(rows)d row(s) checked, no error; %(units)d unit(s) and %(codes)d code(s) would "
                "be created. Nothing was written (%(seconds).1f s)."
            )
        else:
            message = _(
                "%(rows)d row(s) imported: %(units)d unit(s) and %(codes)d code(s) created (%(seconds).1f s)."
            )
        self.stdout.write(message % values)

    def export_file(self, path: Path, *, root_key: str | None) -> None:
        root = None
        if root_key:
            root = Unit.objects.filter(external_key=root_key).first()
            if root is None:
                raise CommandError(_("No unit has the key %(key)s.") % {"key": root_key})
        if path.suffix.lower() not in {".csv", ".xlsx"}:
            raise CommandError(_("The file must be a CSV (.csv) or Excel (.xlsx) file."))
        content = units_export(file_name=path.name, root=root)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(_("Cannot write the file %(file)s.") % {"file": path}) from exc
        count = Unit.objects.subtree_of(root).count() if root else Unit.objects.count()
        self.stdout.write(_("%(count)d unit(s) exported to %(file)s.") % {"count": count, "file": path})
