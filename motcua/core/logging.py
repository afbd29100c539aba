"""Logging filters. Personal data (ND 13/2023) never reaches a log line."""

import logging
import re

# A Vietnamese personal ID number (CCCD) has 12 digits; the old ID card (CMND) 9. Standalone digit runs
# of those lengths are masked, keeping the last 3 digits so that support can still correlate.
_PERSONAL_ID = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    return _PERSONAL_ID.sub(lambda m: "*" * (len(m.group(1)) - 3) + m.group(1)[-3:], text)


class RedactPersonalDataFilter(logging.Filter):
    """Masks personal ID numbers in the message, the traceback and the stack of every record.

    The traceback is rendered here (into `exc_text`, which formatters reuse) so that an exception message
    or a local value holding an ID number is masked too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
