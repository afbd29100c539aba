from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core import i18n


class Command(BaseCommand):
    help = "Vietnamese catalogues without GNU gettext: sync (add missing msgids), check, compile."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["sync", "check", "compile"])
        parser.add_argument("--app", help="sync: only this app's catalogue (its label, e.g. accounts)")

    def handle(self, *args: Any, action: str, app: str | None = None, **options: Any) -> None:
        if action == "sync":
            for label, count in i18n.sync(only=app).items():
                if count:
                    self.stdout.write(f"{label}: {count} new msgid(s) to translate")
        elif action == "check":
            problems = i18n.check()
            for line in problems:
                self.stdout.write(line)
            if problems:
                raise CommandError(f"{len(problems)} message(s) lack a Vietnamese translation")
            self.stdout.write("every message has a Vietnamese translation")
        else:
            written = i18n.compile_all()
            self.stdout.write(f"compiled {len(written)} catalogue(s)", ending="\n")
