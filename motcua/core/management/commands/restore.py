"""`motcua restore BACKUP [--check-only]`: a backup into the configured (empty) database and storage.

Set `DATABASE_URL` and `MEDIA_ROOT` to the new database (created empty, e.g. with `createdb`) and the new
storage directory first. Nothing is touched before every file of the backup matches its manifest; after the
restore, the row counts, the migrations, the files the database names and the audit chains are checked.
Exit status 1 when a check fails, 2 when the restore could not start.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.backup import BackupError, restore, verify_archive


class Command(BaseCommand):
    help = "Restore a backup of `motcua backup` into an empty database and storage directory; check it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="the backup's directory (motcua-backup-…)")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="only check the backup's files against its manifest; restore nothing",
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, backup: Path, check_only: bool, database: str, **options: Any) -> None:
        try:
            if check_only:
                manifest = verify_archive(backup)
                self.stdout.write(
                    _("The backup is intact: the database and %(files)d stored files match the manifest.")
                    % {"files": len(manifest["files"])}
                )
                return
            result = restore(backup, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                _("The restored data does not match the backup: %(count)d problems, see the lines above.")
                % {"count": len(result.problems)},
                returncode=1,
            )
        self.stdout.write(
            _("Restored and checked: %(rows)d rows in %(tables)d tables, %(files)d stored files.")
            % {"rows": result.rows, "tables": result.tables, "files": result.files}
        )
        if result.audit_records is not None:
            self.stdout.write(
                _("The audit trail is intact: %(records)d records.") % {"records": result.audit_records}
            )
        if result.pending_migrations:
            self.stdout.write(
                _(
                    "%(count)d migrations of this version are not applied: "
                    "run `motcua migrate`, then `motcua audit verify`."
                )
                % {"count": result.pending_migrations}
            )
