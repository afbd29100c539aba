"""Extend the national calendar to more years from the `holidays` package (covered years are left alone)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import ApplicationError
from motcua.worktime.services import national_calendar_seed


class Command(BaseCommand):
    help = (
        "Seed the national calendar for the years it does not cover yet, e.g. `worktime_seed 2036 2040`. "
        "Years already covered are never re-seeded, so administrators' edits stay."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("first_year", type=int)
        parser.add_argument("last_year", type=int)

    def handle(self, *args: Any, first_year: int, last_year: int, **options: Any) -> None:
        if first_year > last_year:
            raise CommandError("first_year must not be after last_year")
        try:
            added = national_calendar_seed(first_year=first_year, last_year=last_year)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{added} date(s) added")
