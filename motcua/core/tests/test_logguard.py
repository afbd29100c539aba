"""The session-wide guard (motcua/testing/logguard.py) against personal ID numbers in written log lines."""

import io
import logging

from motcua.testing.logguard import PersonalDataGuard, install


def test_a_line_with_an_id_number_is_caught_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # a handler without the redacting filter
    logger = logging.getLogger("motcua.tests.unguarded")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        guard = next(g for g in install() if g.handler is handler)
        logger.warning("citizen %s signed in", "001099012345")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    assert stream.getvalue() == "citizen 001099012345 signed in\n"
    assert guard.leaks == ["citizen *********345 signed in"]


def test_the_projects_handlers_write_the_number_masked() -> None:
    guards = [g for g in install() if g.handler in logging.getLogger().handlers]
    assert guards  # the settings' console handler is guarded

    logging.getLogger("motcua.tests.guarded").warning("citizen %s signed in", "001099012345")

    assert [leak for guard in guards for leak in guard.leaks] == []


def test_an_ordinary_line_is_not_a_leak() -> None:
    handler = logging.StreamHandler(io.StringIO())
    guard = PersonalDataGuard(handler)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "dossier %s received", ("H15.50-261207-0001",), None
    )

    assert guard.filter(record) is True
    assert guard.leaks == []
