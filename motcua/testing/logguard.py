"""A pytest plugin that fails any test during which a log line was written holding a personal ID number.

Issue 9 (security): personal data never reaches a log (ND 13/2023). The project's handlers mask ID numbers
(`motcua.core.logging.RedactPersonalDataFilter`); this guard sits behind every handler the settings
configure and reads the line exactly as the handler writes it. A line that still holds a 9- or 12-digit run
(an old ID card or a personal ID number) fails the test that wrote it, with the line masked in the report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from motcua.core.logging import _PERSONAL_ID, redact

_GUARD_NAME = "motcua-personal-data-guard"


class PersonalDataGuard(logging.Filter):
    """Records every formatted line of `handler` that holds an ID number (the last filter of the chain)."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__(_GUARD_NAME)
        self.handler = handler
        self.leaks: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        line = self.handler.format(record)
        if _PERSONAL_ID.search(line):
            self.leaks.append(redact(line))
        return True


def _written_handlers() -> Iterator[logging.Handler]:
    """The handlers that write lines (pytest's own capturing handlers are not among them)."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    seen: set[int] = set()
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if id(handler) in seen or type(handler).__module__.startswith("_pytest"):
                continue
            seen.add(id(handler))
            yield handler


def install() -> list[PersonalDataGuard]:
    """Puts a guard last on every configured handler (once) and returns the guards."""
    guards = []
    for handler in _written_handlers():
        guard = next((f for f in handler.filters if isinstance(f, PersonalDataGuard)), None)
        if guard is None:
            guard = PersonalDataGuard(handler)
            handler.addFilter(guard)
        guards.append(guard)
    return guards


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs() -> Iterator[None]:
    guards = install()
    for guard in guards:
        guard.leaks.clear()
    yield
    leaks = [line for guard in guards for line in guard.leaks]
    if leaks:
        pytest.fail(
            "A log line held a personal ID number (shown masked here):\n" + "\n".join(leaks), pytrace=False
        )
