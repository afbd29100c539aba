"""`motcua backup DIRECTORY [--keep N]`: the database and the stored files into one checked directory.

See `motcua.core.backup` for what a backup holds and why it is consistent while motcua runs, and
docs/OPERATIONS.md for the schedule. Exit status 1 when a stored file was missing or damaged (the backup is
written all the same, with the problems in its manifest).
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the stored files into a new directory under DIRECTORY."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="where backups are kept (created if needed)")
        parser.add_argument(
            "--keep", type=int, default=None, help="then delete all but the KEEP newest backups in DIRECTORY"
        )
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, directory: Path, keep: int | None, database: str, **options: Any) -> None:
        try:
            result = backup(directory, alias=database, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(str(result.path))
        self.stdout.write(
            _("Backup written: the database and %(files)d stored files, %(mb).1f MB.")
            % {"files": result.files, "mb": result.bytes / 2**20}
        )
        if result.remote_files:
            self.stdout.write(
                _("%(count)d files are kept on S3: the bucket's versioning and replication protect them.")
                % {"count": result.remote_files}
            )
        for path in result.removed:
            self.stdout.write(_("Old backup deleted: %(path)s") % {"path": path})
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                _("%(count)d stored files were missing or damaged; see the lines above.")
                % {"count": len(result.problems)},
                returncode=1,
            )
