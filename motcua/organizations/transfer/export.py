"""Export of the tree (or one subtree) in the import layout: CSV (UTF-8 with BOM) or .xlsx."""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from motcua.core.errors import ApplicationError
from motcua.organizations.models import (
    AgencyCode,
    Unit,
)
from motcua.organizations.transfer.layout import COLUMNS, FORMATS


def export_rows(*, root: Unit | None = None) -> Iterator[list[Any]]:
    """The header, then one row per unit and code, in tree order (a parent before its children)."""
    with translation.override("vi"):
        yield [str(column.label) for column in COLUMNS]
        levels = {value: str(label) for value, label in Unit.Level.choices}
        kinds = {value: str(label) for value, label in Unit.Kind.choices}
        yes, no = pgettext("units file", "yes"), pgettext("units file", "no")
    units = Unit.objects.subtree_of(root) if root is not None else Unit.objects.all()
    codes_of: dict[int, list[tuple[str, datetime.date | None, datetime.date | None]]] = defaultdict(list)
    for unit_id, code, valid_from, valid_to in (
        AgencyCode.objects.filter(unit__in=units.values("pk"))
        .order_by("unit_id", "valid_from")
        .values_list("unit_id", "code", "valid_from", "valid_to")
    ):
        codes_of[unit_id].append((code, valid_from, valid_to))
    no_code: list[tuple[str, datetime.date | None, datetime.date | None]] = [("", None, None)]
    for values in units.order_by("path").values(
        "pk", "external_key", "parent__external_key", "name", "short_name", "level", "kind",
        "replaced_by__external_key", "is_active",
    ):  # fmt: skip
        for code_text, starts, ends in codes_of.get(values["pk"]) or no_code:
            yield [
                values["external_key"],
                values["parent__external_key"] or "",
                values["name"],
                values["short_name"],
                levels[values["level"]],
                kinds[values["kind"]],
                code_text,
                starts,
                ends,
                values["replaced_by__external_key"] or "",
                yes if values["is_active"] else no,
            ]


def units_export(*, file_name: str, root: Unit | None = None) -> bytes:
    """The tree (or `root`'s subtree) as a CSV (UTF-8 with BOM, for Excel) or .xlsx file, by extension."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise ApplicationError(_("The file must be a CSV (.csv) or Excel (.xlsx) file."), code="bad_format")
    rows = export_rows(root=root)
    return _csv_bytes(rows) if suffix == ".csv" else _xlsx_bytes(rows)


def _csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [
                "" if cell is None else cell.isoformat() if isinstance(cell, datetime.date) else cell
                for cell in row
            ]
        )
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _xlsx_bytes(rows: Iterable[list[Any]]) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
    with translation.override("vi"):
        sheet = workbook.add_worksheet(str(Unit._meta.verbose_name_plural).capitalize())
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    widths = [16, 16, 48, 20, 16, 24, 20, 14, 14, 16, 10]
    for position, width in enumerate(widths):
        sheet.set_column(position, position, width)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows):
        for position, cell in enumerate(row):
            if number == 0:
                sheet.write_string(number, position, cell, bold)
            elif isinstance(cell, datetime.date):
                sheet.write_datetime(number, position, datetime.datetime.combine(cell, datetime.time()), day)
            elif cell:
                sheet.write_string(number, position, str(cell))
    workbook.close()
    return output.getvalue()
