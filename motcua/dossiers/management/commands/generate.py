"""`motcua generate --dossiers N [--seed S]`: bulk-load a realistic synthetic dossier history (benchmarks).

Needs the demo's units, staff and procedures (`motcua demo`). Deterministic for a seed and an end moment on
the same starting database; see `motcua.dossiers.synthetic` for what is generated and how.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.dossiers.synthetic import generate
from motcua.worktime.calendar import TZ


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--until: give a date or moment such as 2026-11-20 or 2026-11-20T17:00+07:00, not {text!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment


class Command(BaseCommand):
    help = "Bulk-load synthetic dossiers (history up to --until, deterministic for --seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, help="how many dossiers to generate")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same history)")
        parser.add_argument(
            "--until",
            type=_moment,
            default=None,
            help="end of the history (ISO date or moment, local time by default; default: now)",
        )
        parser.add_argument(
            "--days", type=int, default=365, help="length of the history in days (default 365)"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="processes building the rows in parallel on PostgreSQL (default: the number of CPUs)",
        )
        parser.add_argument(
            "--check-keys",
            action="store_true",
            help="keep PostgreSQL's foreign-key checks on (slower; by default they are skipped when allowed)",
        )
        parser.add_argument(
            "--indexes",
            choices=["auto", "defer", "keep"],
            default="auto",
            help="PostgreSQL: build the plain indexes of the dossier tables after the load (defer) or keep "
            "them up to date row by row (keep); auto defers from 100,000 dossiers on",
        )
        parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        count, days = options["dossiers"], options["days"]
        if count < 1:
            raise CommandError("--dossiers must be at least 1")
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        until = options["until"] or timezone.now().astimezone(TZ).replace(microsecond=0)
        started = time.monotonic()
        show = not options["no_progress"]

        def progress(phase: str, done: int, total: int) -> None:
            if not show:
                return
            width = 30
            filled = int(width * done / total)
            elapsed = time.monotonic() - started
            sys.stderr.write(
                f"\r{phase:>5} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} {elapsed:7.1f}s"
            )
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        try:
            with transaction.atomic():
                report = generate(
                    count=count,
                    seed=options["seed"],
                    until=until,
                    days=days,
                    progress=progress,
                    jobs=max(1, options["jobs"]),
                    check_keys=options["check_keys"],
                    defer_indexes={"auto": None, "defer": True, "keep": False}[options["indexes"]],
                )
        except ValueError as error:
            raise CommandError(f"{error}; load the demo first: motcua demo") from None
        except IntegrityError as error:  # a unique index built again after the load found a duplicate
            raise CommandError(f"nothing was written: the rows break a unique rule ({error})") from None
        elapsed = time.monotonic() - started
        states = ", ".join(f"{status} {number:,}" for status, number in report.by_status.items())
        self.stdout.write(
            f"{report.dossiers:,} dossiers, {report.events:,} events, {report.steps:,} steps, "
            f"{report.components:,} components in {elapsed:.1f}s (seed {options['seed']}, until "
            f"{until.isoformat()}, {days} days)\n{states}\ncodes {report.first_code} … {report.last_code}"
        )
