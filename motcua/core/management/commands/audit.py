import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.audit import audit_verify


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(_("Write the date as YYYY-MM-DD, for example 2026-11-22.")) from exc


def _unit(value: str) -> int:
    if not value.isdigit():
        raise ArgumentTypeError(_("Write the unit as its number; 0 is the global partition."))
    return int(value)


class Command(BaseCommand):
    help = "Audit trail. verify: recompute the hash chains, report every changed, deleted or inserted record."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="recompute every chain; exit status 1 on any problem")
        verify.add_argument("--unit", type=_unit, help="only this unit's partitions (0: the global one)")
        verify.add_argument(
            "--since", type=_date, help="only the partitions of this day (YYYY-MM-DD) and later"
        )

    def handle(
        self,
        *args: Any,
        action: str,
        unit: int | None = None,
        since: datetime.date | None = None,
        **options: Any,
    ) -> None:
        report = audit_verify(unit=unit, since=since)
        for finding in report.findings:
            self.stderr.write(str(finding))
        if report.findings:
            raise CommandError(
                ngettext(
                    "%(count)d problem in the audit trail (%(records)d records, %(partitions)d partitions).",
                    "%(count)d problems in the audit trail (%(records)d records, %(partitions)d partitions).",
                    len(report.findings),
                )
                % {"count": len(report.findings), "records": report.records, "partitions": report.partitions},
                returncode=1,
            )
        self.stdout.write(
            _("The audit trail is intact: %(records)d records in %(partitions)d partitions.")
            % {"records": report.records, "partitions": report.partitions}
        )
