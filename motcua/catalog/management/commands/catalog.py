"""`motcua catalog import FILE [--dry-run]`, `motcua catalog export FILE`, `motcua catalog deadlines`.

FILE is .json or .xlsx (see `motcua.catalog.transfer` for the format). An import is all-or-nothing: it
prints every problem with its location and writes nothing if there is any. `deadlines` lists what is
overdue in publishing procedures (QĐ 766 indicators 1.1 and 1.2), or every deadline with `--all`.
Messages are in the site's language (Vietnamese by default).
"""

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog import transfer
from motcua.catalog.publication import publication_deadlines, publication_overdue
from motcua.core.errors import ApplicationError


class Command(BaseCommand):
    help = "The procedure catalogue: import FILE [--dry-run] | export FILE | deadlines [--today DATE] [--all]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import a .json or .xlsx catalogue, all or nothing")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="check and roll back: write nothing")
        dump = actions.add_parser("export", help="write the whole catalogue to a .json or .xlsx file")
        dump.add_argument("file")
        deadlines = actions.add_parser("deadlines", help="publication deadlines (QĐ 766 indicators 1.1, 1.2)")
        deadlines.add_argument("--today", help="YYYY-MM-DD (default: today)")
        deadlines.add_argument("--all", action="store_true", help="every deadline, not only the overdue ones")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            getattr(self, f"_{options['action']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        document = transfer.read_file(raw, name=path.name)
        try:
            report = transfer.catalog_import(document=document, dry_run=options["dry_run"])
        except transfer.ImportFailed as failure:
            for issue in failure.issues:
                self.stderr.write(str(issue))
            raise CommandError(str(failure.message)) from None
        self.stdout.write(report.summary())

    def _export(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if path.suffix.lower() not in {".json", ".xlsx"}:
            raise CommandError(_("Give a .json or .xlsx file."))
        try:
            data = transfer.export_xlsx() if path.suffix.lower() == ".xlsx" else transfer.export_json()
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        path.write_bytes(data)
        self.stdout.write(_("Catalogue written to %(file)s.") % {"file": path})

    def _deadlines(self, options: dict[str, Any]) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(_("Give the date as YYYY-MM-DD.")) from None
        items = publication_deadlines(today=today) if options["all"] else publication_overdue(today=today)
        if not items:
            self.stdout.write(_("Nothing is overdue."))
            return
        for item in items:
            self.stdout.write(
                _(
                    "%(indicator)s %(code)s v%(number)d: counted from %(basis)s (%(basis_date)s), "
                    "due %(deadline)s, done %(done)s: %(state)s"
                )
                % {
                    "indicator": item.indicator,
                    "code": item.procedure.code,
                    "number": item.version.number,
                    "basis": item.basis,
                    "basis_date": formats.date_format(item.basis_date, "d/m/Y"),
                    "deadline": formats.date_format(item.deadline, "d/m/Y"),
                    "done": formats.date_format(item.done_on, "d/m/Y") if item.done_on else "—",
                    "state": item.state_label,
                }
            )
