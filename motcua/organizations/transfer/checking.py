"""Checking every row of a units file against the rules, the other rows and the database."""

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from motcua.organizations.agency_codes import agency_code_format_error, normalize_agency_code
from motcua.organizations.models import (
    MAX_DEPTH,
    TWO_TIER_REFORM_DATE,
    AgencyCode,
    Unit,
)
from motcua.organizations.search_text import fold
from motcua.organizations.services import (
    EXTERNAL_KEY_MAX_LENGTH,
    dates_out_of_order_message,
    district_code_problem,
    format_day,
    intervals_overlap,
)
from motcua.organizations.transfer.layout import (
    BATCH,
    FALSE_WORDS,
    KIND_SYNONYMS,
    LEVEL_SYNONYMS,
    PROGRESS_EVERY,
    TRUE_WORDS,
    UNIT_COLUMNS,
    ImportFailed,
    Progress,
    RowError,
    chunks,
    file_error,
)
from motcua.organizations.transfer.reading import map_header, parse_date


def _choice_lookup(
    choices: type[Unit.Level] | type[Unit.Kind], synonyms: dict[Any, list[str]]
) -> dict[str, str]:
    lookup = {}
    for value in choices:
        spellings = [value.value, *synonyms.get(value, [])]
        for language in ("vi", "en"):
            with translation.override(language):
                spellings.append(str(value.label))
        for spelling in spellings:
            lookup[fold(spelling)] = value.value
    return lookup


def _choice_names(choices: type[Unit.Level] | type[Unit.Kind]) -> str:
    with translation.override("vi"):
        return ", ".join(f"'{choice.label}'" for choice in choices)


@dataclass
class CodeRow:
    row: int
    code: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass
class UnitRow:
    row: int
    key: str
    values: dict[str, str]
    name: str = ""
    short_name: str = ""
    level: str = ""
    kind: str = ""
    active: bool = True
    codes: list[CodeRow] = field(default_factory=list)
    depth: int = 0
    pk: int | None = None
    path: str = ""


@dataclass
class Existing:
    """A unit already in the database that the file refers to (as a parent or a successor)."""

    pk: int
    key: str
    path: str
    depth: int
    is_active: bool
    replaced_by_id: int | None


class Checker:
    """Reads every row, collects every error; writes nothing."""

    def __init__(self, table: list[tuple[int, list[str]]], progress: Progress | None) -> None:
        self.header = map_header(table[0][1])
        self.table = table[1:]
        self.progress = progress
        self.errors: list[RowError] = []
        self.units: dict[str, UnitRow] = {}
        self.existing: dict[str, Existing] = {}
        self.levels = _choice_lookup(Unit.Level, LEVEL_SYNONYMS)
        self.kinds = _choice_lookup(Unit.Kind, KIND_SYNONYMS)

    def error(self, row: int, column_id: str, message: str) -> None:
        position, header = self.header[column_id] if column_id else (-1, "")
        self.errors.append(RowError(row, header, message, position))

    def run(self) -> list[UnitRow]:
        if not self.table:
            raise file_error(_("The file has a header row but no units."))
        total = len(self.table)
        for done, (number, cells) in enumerate(self.table, start=1):
            self.read_row(number, cells)
            if self.progress and (done % PROGRESS_EVERY == 0 or done == total):
                self.progress("check", done, total)
        self.load_existing()
        self.check_parents()
        self.check_successors()
        self.check_codes()
        if self.errors:
            raise ImportFailed(self.errors)
        return sorted(self.units.values(), key=lambda unit: (unit.depth, unit.row))

    # one row at a time

    def read_row(self, number: int, cells: list[str]) -> None:
        values = {
            column_id: cells[position] if position < len(cells) else ""
            for column_id, (position, _text) in self.header.items()
        }
        key = values["key"]
        if not key:
            self.error(number, "key", _("This value is required."))
            return
        if len(key) > EXTERNAL_KEY_MAX_LENGTH:
            self.error(number, "key", _("At most %(max)d characters.") % {"max": EXTERNAL_KEY_MAX_LENGTH})
            return
        code = self.read_code(number, values)
        first = self.units.get(key)
        if first is not None:
            self.read_repeated_row(number, values, first, code)
            return
        unit = UnitRow(row=number, key=key, values=values)
        self.units[key] = unit
        for column_id, limit in (("name", 255), ("short_name", 100)):
            if len(values[column_id]) > limit:
                self.error(number, column_id, _("At most %(max)d characters.") % {"max": limit})
        unit.name, unit.short_name = values["name"], values["short_name"]
        if not unit.name:
            self.error(number, "name", _("This value is required."))
        unit.level = self.read_choice(number, "level", values["level"], self.levels, Unit.Level)
        unit.kind = self.read_choice(number, "kind", values["kind"], self.kinds, Unit.Kind)
        unit.active = self.read_active(number, values["active"])
        if code is not None:
            unit.codes.append(code)

    def read_repeated_row(
        self, number: int, values: dict[str, str], first: UnitRow, code: CodeRow | None
    ) -> None:
        differs = [column for column in UNIT_COLUMNS if values[column] != first.values[column]]
        if differs:
            self.error(
                number,
                "key",
                _(
                    "The key %(key)s is already used on row %(row)d with other values (%(columns)s); "
                    "the rows of one unit may differ only in the agency code columns."
                )
                % {
                    "key": first.key,
                    "row": first.row,
                    "columns": ", ".join(f"'{self.header[column][1]}'" for column in differs),
                },
            )
        elif not values["agency_code"]:
            self.error(
                number,
                "key",
                _("The key %(key)s is already used on row %(row)d.") % {"key": first.key, "row": first.row},
            )
        elif code is not None:
            first.codes.append(code)

    def read_choice(
        self, number: int, column_id: str, text: str, lookup: dict[str, str], choices: Any
    ) -> str:
        if not text:
            self.error(number, column_id, _("This value is required."))
            return ""
        value = lookup.get(fold(text))
        if value is None:
            self.error(
                number,
                column_id,
                _("Unknown value '%(value)s'; use one of %(choices)s.")
                % {"value": text, "choices": _choice_names(choices)},
            )
            return ""
        return value

    def read_active(self, number: int, text: str) -> bool:
        word = fold(text)
        if not word or word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        yes, no = pgettext("units file", "yes"), pgettext("units file", "no")
        self.error(number, "active", _("Write '%(yes)s' or '%(no)s'.") % {"yes": yes, "no": no})
        return True

    def read_date(self, number: int, column_id: str, text: str) -> datetime.date | None:
        try:
            return parse_date(text)
        except ValueError:
            self.error(
                number,
                column_id,
                _("'%(value)s' is not a date; write it as dd/mm/yyyy, e.g. 01/07/2025.") % {"value": text},
            )
            return None

    def read_code(self, number: int, values: dict[str, str]) -> CodeRow | None:
        code = normalize_agency_code(values["agency_code"])
        from_text, to_text = values["code_valid_from"], values["code_valid_to"]
        if not code:
            for column_id, text in (("code_valid_from", from_text), ("code_valid_to", to_text)):
                if text:
                    self.error(number, column_id, _("A validity date needs an agency code in the same row."))
            return None
        if not from_text:
            self.error(number, "code_valid_from", _("Enter the date from which the agency code is valid."))
            return None
        valid_from = self.read_date(number, "code_valid_from", from_text)
        valid_to = self.read_date(number, "code_valid_to", to_text) if to_text else None
        if valid_from is None or (to_text and valid_to is None):
            return None
        ok = True
        if valid_to is not None and valid_to < valid_from:
            message = dates_out_of_order_message(valid_from=valid_from, valid_to=valid_to)
            self.error(number, "code_valid_to", message)
            ok = False
        legacy_order = valid_to is not None and valid_to < TWO_TIER_REFORM_DATE
        if problem := agency_code_format_error(code, legacy_order=legacy_order):
            self.error(number, "agency_code", problem)
            ok = False
        return CodeRow(number, code, valid_from, valid_to) if ok else None

    # across rows and against the database

    def load_existing(self) -> None:
        file_keys = list(self.units)
        referenced = {
            unit.values[column]
            for unit in self.units.values()
            for column in ("parent_key", "replaced_by_key")
            if unit.values[column] and unit.values[column] not in self.units
        }
        for chunk in chunks([*file_keys, *sorted(referenced)], BATCH):
            for pk, key, path, depth, is_active, replaced_by_id in Unit.objects.filter(
                external_key__in=chunk
            ).values_list("pk", "external_key", "path", "depth", "is_active", "replaced_by_id"):
                self.existing[key] = Existing(pk, key, path, depth, is_active, replaced_by_id)
        for key in file_keys:
            if key in self.existing:
                self.error(
                    self.units[key].row,
                    "key",
                    _("A unit with the key %(key)s already exists in the system.") % {"key": key},
                )

    def check_parents(self) -> None:
        for unit in self.units.values():
            parent_key = unit.values["parent_key"]
            if not parent_key:
                continue
            if parent_key == unit.key:
                self.error(unit.row, "parent_key", _("A unit cannot be its own parent."))
            elif parent_key in self.units:
                parent_row = self.units[parent_key]
                if unit.active and not parent_row.active:
                    self.error(unit.row, "parent_key", self._inactive_parent(parent_key))
            elif parent_key in self.existing:
                if not self.existing[parent_key].is_active:
                    self.error(unit.row, "parent_key", self._inactive_parent(parent_key))
            else:
                self.error(unit.row, "parent_key", self._unknown_key(parent_key))
        self.compute_depths()

    def _inactive_parent(self, key: str) -> str:
        return _("The unit %(key)s is no longer active; an active unit cannot be under it.") % {"key": key}

    def _unknown_key(self, key: str) -> str:
        return _("No unit has the key %(key)s, in the file or in the system.") % {"key": key}

    def compute_depths(self) -> None:
        """Depth of every unit from its parent chain; a chain that comes back to a unit is a cycle."""
        depths: dict[str, int] = {}
        for start in self.units:
            chain: list[str] = []
            position: dict[str, int] = {}
            key = start
            cycle: list[str] = []
            while key in self.units and key not in depths:
                if key in position:
                    cycle = chain[position[key] :]
                    break
                position[key] = len(chain)
                chain.append(key)
                parent_key = self.units[key].values["parent_key"]
                if parent_key == key:  # reported already; counted as a root
                    break
                key = parent_key
            if cycle:
                first = min(cycle, key=lambda item: self.units[item].row)
                keys = " → ".join([*cycle, cycle[0]])
                message = _("The parent keys form a cycle: %(keys)s.") % {"keys": keys}
                self.error(self.units[first].row, "parent_key", message)
                depths.update(dict.fromkeys(chain, 0))
                continue
            if key in depths and key not in position:
                base = depths[key] + 1
            elif key in self.existing and key not in position:
                base = self.existing[key].depth + 1
            else:
                base = 0
            for item in reversed(chain):
                depths[item] = base
                self.units[item].depth = base
                if base > MAX_DEPTH:
                    message = _("The tree would be deeper than %(max)d levels.") % {"max": MAX_DEPTH + 1}
                    self.error(self.units[item].row, "parent_key", message)
                base += 1

    def check_successors(self) -> None:
        successor_of: dict[str, str | None] = {
            key: unit.values["replaced_by_key"] or None for key, unit in self.units.items()
        }
        key_of_pk = {item.pk: item.key for item in self.existing.values()}
        for unit in self.units.values():
            target = unit.values["replaced_by_key"]
            if not target:
                continue
            if target == unit.key:
                self.error(unit.row, "replaced_by_key", _("A unit cannot be replaced by itself."))
                continue
            if target not in self.units and target not in self.existing:
                self.error(unit.row, "replaced_by_key", self._unknown_key(target))
                continue
            seen: set[str] = {unit.key}
            current: str | None = target
            while current is not None and current not in seen:
                seen.add(current)
                if current in successor_of:
                    current = successor_of[current]
                else:
                    existing = self.existing.get(current)
                    current = (
                        key_of_pk.get(existing.replaced_by_id)
                        if existing and existing.replaced_by_id
                        else None
                    )
            if current == unit.key:
                self.error(
                    unit.row,
                    "replaced_by_key",
                    _("A unit cannot be replaced by itself or by a unit it replaces."),
                )

    def check_codes(self) -> None:
        by_code: dict[str, list[tuple[UnitRow, CodeRow]]] = defaultdict(list)
        for unit in self.units.values():
            unit.codes.sort(key=lambda code: (code.valid_from, code.row))
            for code in unit.codes:
                by_code[code.code].append((unit, code))
                if problem := district_code_problem(level=unit.level, valid_to=code.valid_to):
                    column = "code_valid_from" if code.valid_from >= TWO_TIER_REFORM_DATE else "code_valid_to"
                    self.error(code.row, column, problem)
            for earlier, later in _pairs(unit.codes):
                if intervals_overlap(earlier.valid_from, earlier.valid_to, later.valid_from, later.valid_to):
                    self.error(later.row, "code_valid_from", self._overlap_in_file(earlier))
        for holders in by_code.values():
            for (unit_a, code_a), (unit_b, code_b) in _pairs(holders):
                if unit_a is not unit_b and intervals_overlap(
                    code_a.valid_from, code_a.valid_to, code_b.valid_from, code_b.valid_to
                ):
                    first, second = sorted((code_a, code_b), key=lambda code: code.row)
                    self.error(second.row, "agency_code", self._overlap_in_file(first))
        for chunk in chunks(sorted(by_code), BATCH):
            for stored in AgencyCode.objects.filter(code__in=chunk).select_related("unit"):
                for _unit, code in by_code[stored.code]:
                    if intervals_overlap(code.valid_from, code.valid_to, stored.valid_from, stored.valid_to):
                        self.error(
                            code.row,
                            "agency_code",
                            _(
                                "The code is already held by %(unit)s (key %(key)s) from %(from)s to %(to)s; "
                                "choose dates that do not overlap."
                            )
                            % {
                                "unit": stored.unit.name,
                                "key": stored.unit.external_key,
                                "from": format_day(stored.valid_from),
                                "to": format_day(stored.valid_to),
                            },
                        )

    def _overlap_in_file(self, other: CodeRow) -> str:
        return _("The validity overlaps the code %(code)s on row %(row)d (from %(from)s to %(to)s).") % {
            "code": other.code,
            "row": other.row,
            "from": format_day(other.valid_from),
            "to": format_day(other.valid_to),
        }


def _pairs(items: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            yield first, second
