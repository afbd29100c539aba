"""The format of agency electronic identifiers (mã định danh điện tử, QĐ 20/2020/QĐ-TTg).

What LEGAL.md §2 confirms [S]: at most 35 characters, dot-separated groups, the level-1 code `MX1X2` first
(M a capital letter A–Y, then two digits), extended left to right with the codes of lower levels
(observed: `H55.242`, `H15.50.05.13`). The width and alphabet of the lower groups are not confirmed [U], so
they are a setting: `settings.MOTCUA["AGENCY_CODE_GROUP_PATTERN"]` (a regular expression for one group,
default: one to three digits).

Before the two-tier reform, codes from the TT 01/2018 regime were written lowest level first
(`000.00.00.H55`, LEGAL.md §10 item 5); that order is accepted only for codes that ended before
1 July 2025.
"""

import functools
import re

from django.conf import settings
from django.utils.translation import gettext as _

MAX_LENGTH = 35
LEVEL_ONE = r"[A-Y][0-9]{2}"
DEFAULT_GROUP_PATTERN = r"[0-9]{1,3}"


def group_pattern() -> str:
    return str(getattr(settings, "MOTCUA", {}).get("AGENCY_CODE_GROUP_PATTERN", DEFAULT_GROUP_PATTERN))


@functools.lru_cache(maxsize=8)
def _grammars(group: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    current = re.compile(rf"{LEVEL_ONE}(?:\.(?:{group}))*")
    legacy = re.compile(rf"(?:(?:{group})\.)+{LEVEL_ONE}")
    return current, legacy


def normalize_agency_code(code: str) -> str:
    """The code as stored: surrounding spaces removed, letters in capitals."""
    return code.strip().upper()


def agency_code_format_error(code: str, *, legacy_order: bool = False) -> str | None:
    """Why `code` (already normalised) is not a well-formed agency code, or None when it is.

    `legacy_order` also accepts the lowest-level-first order of TT 01/2018 (codes that ended before the
    2025 reform).
    """
    if not code:
        return _("Enter the agency code.")
    if len(code) > MAX_LENGTH:
        return _("An agency code has at most %(max)d characters.") % {"max": MAX_LENGTH}
    current, legacy = _grammars(group_pattern())
    if current.fullmatch(code) or (legacy_order and legacy.fullmatch(code)):
        return None
    return _(
        "An agency code starts with the level-1 code (a capital letter from A to Y and two digits, "
        "e.g. H15), followed by dot-separated groups for the lower levels, e.g. H15.50.05.13."
    )
