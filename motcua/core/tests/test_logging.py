import logging

import pytest

from motcua.core.logging import RedactPersonalDataFilter, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("citizen 001099012345 signed in", "citizen *********345 signed in"),
        ("old card 123456789", "old card ******789"),
        ("dossier 000.00.12.H56-260302-0001", "dossier 000.00.12.H56-260302-0001"),
        ("phone 0912345678 kept", "phone 0912345678 kept"),
    ],
)
def test_redact_masks_personal_id_numbers_only(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_filter_rewrites_the_rendered_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id=%s", ("036099001234",), None)

    assert RedactPersonalDataFilter().filter(record) is True
    assert record.getMessage() == "id=*********234"


def test_tracebacks_are_redacted_too() -> None:
    try:
        raise ValueError("no citizen with id 025085001234")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "lookup failed", (), sys.exc_info())

    RedactPersonalDataFilter().filter(record)

    assert "025085001234" not in logging.Formatter().format(record)
    assert "*********234" in record.exc_text


def test_every_handler_of_the_configuration_redacts(caplog) -> None:
    from django.conf import settings

    handlers = settings.LOGGING["handlers"]
    assert all("redact_personal_data" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
