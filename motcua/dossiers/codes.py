"""Dossier codes (mã hồ sơ): `{agency e-ID valid on the receipt day}-YYMMDD-NNNN` (LEGAL.md §2).

TT 03/2025 art. 13 (as amended by TT 04/2025): the sequence counts the dossiers received that day under
the agency code, zero-padded to 4 digits and longer when needed; the day is the official receipt day in
local time (Asia/Ho_Chi_Minh). The number is taken from a `DossierCodeSequence` row locked inside the
receipt transaction, so numbers are unique and gapless: a receipt that rolls back gives its number back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.dossiers.models import DossierCodeSequence
from motcua.organizations.models import Unit
from motcua.organizations.selectors import unit_code_on

SEQUENCE_DIGITS = 4
CODE_PATTERN = re.compile(r"^(?P<agency>[A-Za-z0-9.]+)-(?P<day>\d{6})-(?P<sequence>\d{4,})$")


@dataclass(frozen=True, slots=True)
class DossierCode:
    agency_code: str
    day: date
    sequence: int

    def __str__(self) -> str:
        return format_code(self.agency_code, self.day, self.sequence)


def format_code(agency_code: str, day: date, sequence: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_DIGITS}d}"


def parse_code(code: str) -> DossierCode | None:
    """The parts of a well-formed code, or None."""
    match = CODE_PATTERN.match(code.strip())
    if match is None:
        return None
    raw = match["day"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    return DossierCode(match["agency"], day, int(match["sequence"]))


def allocate_code(*, unit: Unit, at: datetime) -> DossierCode:
    """The next code of `unit` for a receipt at `at`. Call it inside the receipt's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_code must run inside the receipt transaction")
    day = timezone.localdate(at)
    agency_code = unit_code_on(unit=unit, day=day)
    if agency_code is None:
        raise Conflict(
            _(
                "%(unit)s has no agency code valid on %(day)s, so the dossier cannot get its code. "
                "Ask an administrator to record the unit's agency code."
            )
            % {"unit": unit.name, "day": formats.date_format(day, "d/m/Y")},
            code="no_agency_code",
        )
    row = _locked_sequence(agency_code, day)
    row.last_value += 1
    row.save(update_fields=["last_value"])
    return DossierCode(agency_code, day, row.last_value)


def _locked_sequence(agency_code: str, day: date) -> DossierCodeSequence:
    """The (agency, day) row, locked; created race-safely: INSERT … ON CONFLICT DO NOTHING waits for a
    concurrent creator to commit, then the SELECT … FOR UPDATE queues behind its lock."""
    rows = DossierCodeSequence.objects.select_for_update()
    row = rows.filter(agency_code=agency_code, day=day).first()
    if row is None:
        DossierCodeSequence.objects.bulk_create(
            [DossierCodeSequence(agency_code=agency_code, day=day, last_value=0)], ignore_conflicts=True
        )
        row = rows.get(agency_code=agency_code, day=day)
    return row
