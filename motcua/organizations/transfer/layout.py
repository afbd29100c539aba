"""The file layout (columns, accepted spellings) and what an import answers: a report or every error."""

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from motcua.core.errors import ApplicationError
from motcua.organizations.models import (
    Unit,
    UnitImport,
)

T = TypeVar("T")

Progress = Callable[[str, int, int], None]
BATCH = 500  # rows per INSERT and per look-up: well under SQLite's limit on query parameters
PROGRESS_EVERY = 1000
FORMATS = (".csv", ".xlsx")
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Column:
    id: str
    label: Any  # lazily translated header


COLUMNS = (
    Column("key", pgettext_lazy("units file", "unit key")),
    Column("parent_key", pgettext_lazy("units file", "parent unit key")),
    Column("name", pgettext_lazy("units file", "name")),
    Column("short_name", pgettext_lazy("units file", "short name")),
    Column("level", pgettext_lazy("units file", "level")),
    Column("kind", pgettext_lazy("units file", "kind")),
    Column("agency_code", pgettext_lazy("units file", "agency code")),
    Column("code_valid_from", pgettext_lazy("units file", "code valid from")),
    Column("code_valid_to", pgettext_lazy("units file", "code valid to")),
    Column("replaced_by_key", pgettext_lazy("units file", "replaced by")),
    Column("active", pgettext_lazy("units file", "active")),
)
# The columns that describe the unit itself; the rows of one unit may differ only in the others.
UNIT_COLUMNS = ("parent_key", "name", "short_name", "level", "kind", "replaced_by_key", "active")

LEVEL_SYNONYMS = {
    Unit.Level.CENTRAL: ["trung ương", "cấp trung ương", "bộ, ngành"],
    Unit.Level.PROVINCE: ["tỉnh", "cấp tỉnh", "thành phố trực thuộc trung ương"],
    Unit.Level.DISTRICT: ["huyện", "cấp huyện"],
    # LEGAL.md §9: the commune level is xã, phường and đặc khu.
    Unit.Level.COMMUNE: ["xã", "cấp xã", "phường", "đặc khu"],
}
KIND_SYNONYMS = {
    Unit.Kind.PEOPLES_COMMITTEE: ["ubnd", "ủy ban nhân dân"],
    Unit.Kind.DEPARTMENT: ["sở", "sở, ban, ngành", "ban", "ngành"],
    Unit.Kind.VERTICAL_AGENCY: ["ngành dọc", "cơ quan ngành dọc"],
    Unit.Kind.SERVICE_CENTER: ["ttpvhcc", "trung tâm phục vụ hành chính công"],
    Unit.Kind.RECEPTION_POINT: ["điểm tiếp nhận"],
    Unit.Kind.OTHER: ["khác"],
}
TRUE_WORDS = {"co", "x", "1", "true", "yes", "c", "dang hoat dong"}
FALSE_WORDS = {"khong", "0", "false", "no", "k", "ngung hoat dong"}


# --- errors and reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of the file; `row` 0 is the file as a whole, 1 the header row, 2 the first unit.

    `column` is the header as written in the file; `position` its place (-1: the row as a whole).
    """

    row: int
    column: str
    message: str
    position: int = -1

    def sort_key(self) -> tuple[int, int]:
        return self.row, self.position

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, column '%(column)s': %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class ImportFailed(ApplicationError):
    """The file was refused; nothing was written. `errors` lists every problem found, in row order."""

    status = 422

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=RowError.sort_key)
        super().__init__(
            _("The file has %(count)d error(s); nothing was imported. Correct them and import it again.")
            % {"count": len(self.errors)},
            code="import_invalid",
            extra={"errors": [str(error) for error in self.errors]},
        )


@dataclass
class ImportReport:
    rows: int
    units: int
    codes: int
    dry_run: bool
    unit_import: UnitImport | None = None


def file_error(message: str) -> ImportFailed:
    """A problem of the file as a whole (row 0)."""
    return ImportFailed([RowError(0, "", message)])


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
