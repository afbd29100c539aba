from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.demo.data import demo_is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo province: units, staff for every role, citizens (see README.md for the accounts)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo data is there already"
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if demo_is_loaded():
            if if_empty:
                self.stdout.write("demo data already loaded")
                return
            raise CommandError("demo data is already loaded; use --if-empty, or start from an empty database")
        summary = load_demo()
        self.stdout.write(self.style.SUCCESS(f"demo data loaded: {summary}"))
