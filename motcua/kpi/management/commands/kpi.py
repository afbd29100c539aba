"""`motcua kpi recompute [--check]`: rebuild the QĐ 766 counters from the dossier events.

`recompute` deletes every KPI fact and counter and folds all the dossier events again (`kpi.recompute`);
run it after editing a working calendar retroactively (2.2's working minutes) or to repair. `--check`
recomputes inside a transaction that is rolled back and reports how the kept counters differ from the
recomputed ones (none, normally). Messages are in the site's language (Vietnamese by default).
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.kpi.counters import all_counter_rows, fact_rows
from motcua.kpi.recompute import RecomputeReport, recompute


def differences(kept: dict[str, dict[Any, Any]], rebuilt: dict[str, dict[Any, Any]]) -> list[str]:
    """One line per counter row that differs between two snapshots (`counters.all_counter_rows`)."""
    found = []
    for table in sorted(set(kept) | set(rebuilt)):
        left, right = kept.get(table, {}), rebuilt.get(table, {})
        for key in sorted(set(left) | set(right), key=str):
            if left.get(key) != right.get(key):
                found.append(f"{table} {key}: {left.get(key)} ≠ {right.get(key)}")
    return found


class Command(BaseCommand):
    help = "The service index (QĐ 766): recompute [--check]"

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild = actions.add_parser("recompute", help="rebuild every counter from the dossier events")
        rebuild.add_argument(
            "--check",
            action="store_true",
            help="compare with the counters kept, then roll back: change nothing",
        )
        rebuild.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes folding the events on PostgreSQL (default: the number of CPUs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            if options["check"]:
                self._check()
            else:
                self._report(recompute(progress=self._progress, jobs=options["jobs"]))

    _shown = 0

    def _progress(self, dossiers: int, events: int) -> None:
        if dossiers >= self._shown + 100_000:
            self._shown = dossiers - dossiers % 100_000
            self.stderr.write(
                _("%(dossiers)d dossiers, %(events)d events folded")
                % {"dossiers": dossiers, "events": events}
            )

    def _report(self, report: RecomputeReport) -> None:
        self.stdout.write(
            _("Recomputed from %(events)d events of %(dossiers)d dossiers in %(seconds).1f s.")
            % {"events": report.events, "dossiers": report.dossiers, "seconds": report.total_seconds}
        )
        for phase, seconds in report.seconds.items():
            self.stdout.write(f"  {phase}: {seconds:.2f} s")

    def _check(self) -> None:
        kept, kept_facts = all_counter_rows(), fact_rows()
        with transaction.atomic():
            report = recompute()
            found = differences(kept, all_counter_rows())
            facts_differ = sum(1 for key, row in fact_rows().items() if kept_facts.get(key) != row)
            facts_differ += len(set(kept_facts) - set(fact_rows()))
            transaction.set_rollback(True)
        self._report(report)
        for line in found[:50]:
            self.stdout.write(line)
        if found or facts_differ:
            raise CommandError(
                _("%(rows)d counter rows and %(facts)d dossiers differ from a recompute.")
                % {"rows": len(found), "facts": facts_differ}
            )
        self.stdout.write(_("The counters kept equal a recompute."))
