"""`motcua deadline START AMOUNT TIME_UNIT [--convention civil] [--unit UNIT_ID]`: print the due moment."""

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import ApplicationError
from motcua.worktime.calendar import TZ
from motcua.worktime.selectors import due_for


class Command(BaseCommand):
    help = (
        "Print the due moment of a time limit on the working calendar, e.g. "
        "`deadline 2026-03-09T10:00 1 working_days --convention civil`. "
        "A START without UTC offset is read in Vietnam time (Asia/Ho_Chi_Minh)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("start", help="ISO 8601 moment, e.g. 2026-03-09T10:00 or 2026-03-09T10:00+07:00")
        parser.add_argument("amount", help="amount of the unit: 8, 0.25 ...")
        parser.add_argument("time_unit", choices=["working_hours", "working_days", "calendar_days", "months"])
        parser.add_argument("--convention", choices=["hours", "civil"], default="hours")
        parser.add_argument("--unit", type=int, default=None, help="competent unit id (its own calendar)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = datetime.fromisoformat(options["start"])
        except ValueError:
            raise CommandError(f"START is not an ISO 8601 moment: {options['start']!r}") from None
        if start.utcoffset() is None:
            start = start.replace(tzinfo=TZ)
        try:
            due = due_for(
                start=start,
                amount=options["amount"],
                time_unit=options["time_unit"],
                convention=options["convention"],
                unit=options["unit"],
            )
        except ApplicationError as error:
            details = "; ".join(f"{name}: {text}" for name, text in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from None
        self.stdout.write(due.isoformat())
