"""Reading a CSV or .xlsx file into text rows, and its header into column positions."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import PurePath
from typing import Any

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.organizations.search_text import fold
from motcua.organizations.transfer.layout import COLUMNS, FORMATS, ImportFailed, RowError, file_error


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    if b"\x00" in content[:4096]:
        raise file_error(_("The file must be a CSV (.csv) or Excel (.xlsx) file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(_('The CSV file is not in UTF-8; save it again as "CSV UTF-8".')) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    if not content.startswith(b"PK\x03\x04"):
        raise file_error(_("The file is not a valid Excel (.xlsx) file; save it again as .xlsx."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise file_error(_("The file is not a valid Excel (.xlsx) file; save it again as .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def read_table(*, file_name: str, content: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the file as text cells, with their row numbers (the header is row 1)."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise file_error(_("The file must be a CSV (.csv) or Excel (.xlsx) file."))
    if not content.strip():
        raise file_error(_("The file is empty."))
    raw = _csv_rows(content) if suffix == ".csv" else _xlsx_rows(content)
    table = []
    for number, cells in enumerate(raw, start=1):
        texts = [_cell_text(cell) for cell in cells]
        if any(texts):
            table.append((number, texts))
    if not table:
        raise file_error(_("The file is empty."))
    return table


def _header_names() -> dict[str, str]:
    """Accepted spellings of each header (folded) → column id: the Vietnamese and English labels, the id."""
    names = {}
    for column in COLUMNS:
        with translation.override("vi"):
            names[fold(str(column.label))] = column.id
        with translation.override("en"):
            names[fold(str(column.label))] = column.id
        names[fold(column.id)] = column.id
    return names


def map_header(cells: list[str]) -> dict[str, tuple[int, str]]:
    """Column id → (position, header as written); a wrong header is a file error."""
    accepted = _header_names()
    found: dict[str, tuple[int, str]] = {}
    errors, unknown = [], []
    for position, text in enumerate(cells):
        if not text:
            continue
        column_id = accepted.get(fold(text))
        if column_id is None:
            unknown.append(text)
        elif column_id in found:
            errors.append(RowError(1, text, _("This column appears twice in the header row."), position))
        else:
            found[column_id] = (position, text)
    if unknown:
        errors.append(
            RowError(
                1,
                "",
                _("Unknown column(s) in the header row: %(columns)s.") % {"columns": ", ".join(unknown)},
            )
        )
    missing = [column for column in COLUMNS if column.id not in found]
    if missing:
        with translation.override("vi"):
            names = ", ".join(f"'{column.label}'" for column in missing)
        errors.append(
            RowError(1, "", _("The header row lacks the column(s): %(columns)s.") % {"columns": names})
        )
    if errors:
        raise ImportFailed(errors)
    return found


def parse_date(text: str) -> datetime.date:
    """`2025-07-01`, `01/07/2025` or `1/7/2025`; raises ValueError otherwise."""
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        if year < 1000:
            raise ValueError(text)
        return datetime.date(year, month, day)
    return datetime.date.fromisoformat(text)
