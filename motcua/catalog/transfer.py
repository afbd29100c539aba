"""Import and export of the catalogue, as JSON or as an Excel workbook (one sheet per table).

The JSON file::

    {"format": "motcua-catalog", "format_version": 1,
     "sectors": [{"code", "name"}],
     "procedures": [{"code", "national_code", "sector", "level", "owner_unit", "retired_at",
                     "retirement_reason",
                     "versions": [{"number", "status", "effective_from", "decision_number", "decision_date",
                                   "decision_signer", "decision_note", "published_at",
                                   "postings": [{"channel", "posted_on", "reference"}],
                                   "content": {...the fields and tables of `content.py`...}}]}]}

The workbook holds the same data: sheets Format, Sectors, Procedures, Versions (the version's own fields
and its content fields), Postings, and one sheet per table of the content (Steps, Methods, Agencies,
Documents, Fees, Results, LegalBases, EForms, Process) whose rows name their procedure, version number
and position. Units are named by their external key, sectors by their code.

An import is all-or-nothing: every problem of every row is collected (with its location: a JSON path or
"Sheet row N") and, if there is any, nothing is written. A dry run goes through the whole import, the
database writes included, and rolls it back. Importing onto a catalogue that already holds the file's
procedures is allowed: published versions must match the file exactly (they cannot change), drafts are
replaced, new versions and postings are added. Export then import gives an identical catalogue.
"""

from __future__ import annotations

import io
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from motcua.catalog import content as catalog_content
from motcua.catalog import services
from motcua.catalog.content import TABLES, VERSION_FIELDS, Issue, ParsedContent, Record, Spec
from motcua.catalog.models import (
    Level,
    PostingChannel,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessStep,
    PublicationPosting,
    RequiredDocument,
    Sector,
    VersionStatus,
)
from motcua.core.audit import audit_log
from motcua.core.errors import ApplicationError
from motcua.organizations.models import Unit
from motcua.worktime.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

FORMAT = "motcua-catalog"
FORMAT_VERSION = 1
XLSX_CELL_LIMIT = 32767

SECTOR_FIELDS = (
    catalog_content.str_spec("code", 64, required=True),
    catalog_content.str_spec("name", 255, required=True),
)
PROCEDURE_FIELDS = (
    catalog_content.str_spec("code", 64, required=True),
    catalog_content.str_spec("national_code", 32),
    catalog_content.str_spec("sector", 64, required=True),
    catalog_content.choice_spec("level", Level, required=True),
    Spec("owner_unit", "unit", required=True),
    Spec("retired_at", "datetime"),
    catalog_content.str_spec("retirement_reason", 500),
)
VERSION_META = (
    Spec("number", "int", required=True, minimum=1),
    catalog_content.choice_spec("status", VersionStatus, required=True),
    Spec("effective_from", "date"),
    catalog_content.str_spec("decision_number", 100),
    Spec("decision_date", "date"),
    catalog_content.str_spec("decision_signer", 255),
    catalog_content.str_spec("decision_note", 500),
    Spec("published_at", "datetime"),
)
POSTING_FIELDS = (
    catalog_content.choice_spec("channel", PostingChannel, required=True),
    Spec("posted_on", "date", required=True),
    catalog_content.str_spec("reference", 500),
)
SHEETS = {
    "steps": "Steps",
    "methods": "Methods",
    "agencies": "Agencies",
    "documents": "Documents",
    "fees": "Fees",
    "results": "Results",
    "legal_bases": "LegalBases",
    "eforms": "EForms",
    "process": "Process",
}
ROW_KEYS = ("procedure", "version")


class ImportFailed(ApplicationError):
    """The file has problems; nothing was imported. `issues` says where and what."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__(
            _("The file has %(count)d problem(s); nothing was imported.") % {"count": len(self.issues)},
            code="import_failed",
            extra={"issues": [str(issue) for issue in self.issues]},
        )


@dataclass
class VersionInput:
    record: Record
    base: Record
    children: dict[str, list[Record]]
    postings: list[Record]


@dataclass
class ProcedureInput:
    record: Record
    versions: list[VersionInput]


@dataclass
class CatalogueInput:
    sectors: list[Record] = field(default_factory=list)
    procedures: list[ProcedureInput] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool = False
    sectors: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_published: int = 0
    versions_unchanged: int = 0
    postings_added: int = 0

    def summary(self) -> str:
        text = _(
            "%(procedures_created)d procedure(s) created, %(procedures_updated)d updated; "
            "%(versions_created)d version(s) written, %(versions_published)d published, "
            "%(versions_unchanged)d unchanged; %(postings_added)d posting(s) added; %(sectors)d sector(s)."
        ) % {
            "procedures_created": self.procedures_created,
            "procedures_updated": self.procedures_updated,
            "versions_created": self.versions_created,
            "versions_published": self.versions_published,
            "versions_unchanged": self.versions_unchanged,
            "postings_added": self.postings_added,
            "sectors": self.sectors,
        }
        return _("Dry run, nothing written: %(summary)s") % {"summary": text} if self.dry_run else text


# --- export --------------------------------------------------------------------------------------------


def _dump(specs: Iterable[Spec], values: Mapping[str, Any]) -> dict[str, Any]:
    return {spec.name: catalog_content.dump_value(spec, values[spec.name]) for spec in specs}


def export_document() -> dict[str, Any]:
    """The whole catalogue as plain JSON data, in a fixed order (procedures by code, versions by number)."""
    versions = ProcedureVersion.objects.select_related("procedure").prefetch_related(
        "sequence_steps",
        "methods",
        Prefetch("agencies", queryset=ProcedureAgency.objects.select_related("unit")),
        Prefetch("documents", queryset=RequiredDocument.objects.select_related("eform")),
        "fees",
        "results",
        "legal_bases",
        "eforms",
        Prefetch("process_steps", queryset=ProcessStep.objects.select_related("unit")),
        Prefetch("postings", queryset=PublicationPosting.objects.order_by("posted_on", "channel", "pk")),
    )
    procedures = Procedure.objects.select_related("sector", "owner_unit").prefetch_related(
        Prefetch("versions", queryset=versions.order_by("number"))
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sectors": [{"code": sector.code, "name": sector.name} for sector in Sector.objects.order_by("code")],
        "procedures": [],
    }
    for procedure in procedures.order_by("code"):
        identity = {
            "code": procedure.code,
            "national_code": procedure.national_code,
            "sector": procedure.sector.code,
            "level": procedure.level,
            "owner_unit": procedure.owner_unit.external_key,
            "retired_at": procedure.retired_at,
            "retirement_reason": procedure.retirement_reason,
        }
        item = _dump(PROCEDURE_FIELDS, identity)
        item["versions"] = []
        for version in procedure.versions.all():
            meta = _dump(VERSION_META, {spec.name: getattr(version, spec.name) for spec in VERSION_META})
            meta["postings"] = [
                _dump(POSTING_FIELDS, {spec.name: getattr(posting, spec.name) for spec in POSTING_FIELDS})
                for posting in version.postings.all()
            ]
            meta["content"] = (
                version.snapshot if version.is_published else catalog_content.version_content(version)
            )
            item["versions"].append(meta)
        document["procedures"].append(item)
    return document


def export_json() -> bytes:
    return (json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n").encode()


def _sheet_rows(document: Mapping[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The workbook's sheets: name -> (header, rows), from the JSON document."""
    content_fields = [spec.name for spec in VERSION_FIELDS]
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "Format": (["key", "value"], [["format", FORMAT], ["format_version", FORMAT_VERSION]]),
        "Sectors": ([spec.name for spec in SECTOR_FIELDS], []),
        "Procedures": ([spec.name for spec in PROCEDURE_FIELDS], []),
        "Versions": (["procedure", *(spec.name for spec in VERSION_META), *content_fields], []),
        "Postings": (["procedure", "version", *(spec.name for spec in POSTING_FIELDS)], []),
    }
    for table in TABLES:
        sheets[SHEETS[table.name]] = (
            ["procedure", "version", "position", *(spec.name for spec in table.fields)],
            [],
        )
    for sector in document["sectors"]:
        sheets["Sectors"][1].append([sector[spec.name] for spec in SECTOR_FIELDS])
    for procedure in document["procedures"]:
        sheets["Procedures"][1].append([procedure[spec.name] for spec in PROCEDURE_FIELDS])
        for version in procedure["versions"]:
            keys = [procedure["code"], version["number"]]
            content = version["content"]
            sheets["Versions"][1].append(
                [
                    procedure["code"],
                    *(version[spec.name] for spec in VERSION_META),
                    *(content[n] for n in content_fields),
                ]
            )
            for posting in version["postings"]:
                sheets["Postings"][1].append([*keys, *(posting[spec.name] for spec in POSTING_FIELDS)])
            for table in TABLES:
                for position, row in enumerate(content[table.name], start=1):
                    sheets[SHEETS[table.name]][1].append(
                        [*keys, position, *(row[spec.name] for spec in table.fields)]
                    )
    return sheets


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def export_xlsx() -> bytes:
    """The catalogue as an Excel workbook (XlsxWriter); every text cell is written as text, never as a
    formula or a number, so that codes such as 1.001193 keep their form."""
    import xlsxwriter  # noqa: PLC0415 (only the export needs it)

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    for name, (header, rows) in _sheet_rows(export_document()).items():
        sheet = workbook.add_worksheet(name)
        for column, title in enumerate(header):
            sheet.write_string(0, column, title, bold)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for column, raw in enumerate(row):
                value = _cell(raw)
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(row_index, column, value)
                elif isinstance(value, int):
                    sheet.write_number(row_index, column, value)
                else:
                    text = str(value)
                    if len(text) > XLSX_CELL_LIMIT:
                        raise ApplicationError(
                            _("A value of sheet %(sheet)s is too long for an Excel cell; export as JSON.")
                            % {"sheet": name},
                            code="too_long_for_excel",
                        )
                    sheet.write_string(row_index, column, text)
    workbook.close()
    return output.getvalue()


# --- reading files -------------------------------------------------------------------------------------


def read_json(raw: bytes) -> CatalogueInput:
    """The file's records, each with its JSON path."""
    result = CatalogueInput()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        result.issues.append(Issue(_("the file"), "", _("The file is not UTF-8 text.")))
        return result
    except json.JSONDecodeError as error:
        message = _("This is not valid JSON (line %(line)d, column %(column)d).") % {
            "line": error.lineno,
            "column": error.colno,
        }
        result.issues.append(Issue(_("the file"), "", message))
        return result
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        result.issues.append(Issue(_("the file"), "format", _("This is not a motcua catalogue file.")))
        return result
    if document.get("format_version") != FORMAT_VERSION:
        result.issues.append(
            Issue(
                _("the file"),
                "format_version",
                _("This file has format version %(version)s; this motcua reads version %(supported)d.")
                % {"version": document.get("format_version"), "supported": FORMAT_VERSION},
            )
        )
        return result
    for name in document:
        if name not in {"format", "format_version", "sectors", "procedures"}:
            result.issues.append(Issue(_("the file"), str(name), _("Unknown field; check its spelling.")))
    result.sectors = [
        Record(f"sectors[{i}]", item) for i, item in enumerate(_list(document, "sectors", result))
    ]
    for i, item in enumerate(_list(document, "procedures", result)):
        location = f"procedures[{i}]"
        if not isinstance(item, dict):
            result.issues.append(Issue(location, "", _("Expected an object with named fields.")))
            continue
        versions: list[VersionInput] = []
        for j, version in enumerate(_list(item, "versions", result, location)):
            where = f"{location}.versions[{j}]"
            if not isinstance(version, dict):
                result.issues.append(Issue(where, "", _("Expected an object with named fields.")))
                continue
            base, children, issues = catalog_content.content_records(
                version.get("content", {}), f"{where}.content", child="{base}.{table}[{index}]"
            )
            result.issues += issues
            postings = [
                Record(f"{where}.postings[{k}]", posting)
                for k, posting in enumerate(_list(version, "postings", result, where))
            ]
            meta = {key: value for key, value in version.items() if key not in {"postings", "content"}}
            versions.append(VersionInput(Record(where, meta), base, children, postings))
        identity = {key: value for key, value in item.items() if key != "versions"}
        result.procedures.append(ProcedureInput(Record(location, identity), versions))
    return result


def _list(container: Mapping[str, Any], name: str, result: CatalogueInput, location: str = "") -> list[Any]:
    value = container.get(name, [])
    if not isinstance(value, list):
        result.issues.append(Issue(location or _("the file"), name, _("Expected a list.")))
        return []
    return value


def read_xlsx(raw: bytes) -> CatalogueInput:
    """The workbook's records, each located as "Sheet row N"."""
    from openpyxl import load_workbook  # noqa: PLC0415 (only the import of workbooks needs it)

    result = CatalogueInput()
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds of errors for a file that is not a workbook)
        result.issues.append(Issue(_("the file"), "", _("The file is not an Excel workbook (.xlsx).")))
        return result
    try:
        sheets = {
            name: _read_sheet(workbook[name], name, result)
            for name in _expected_sheets()
            if name in workbook.sheetnames
        }
    finally:
        workbook.close()
    missing = [name for name in _expected_sheets() if name not in sheets]
    if missing:
        result.issues.append(
            Issue(
                _("the file"),
                "",
                _("The workbook lacks the sheet(s) %(sheets)s.") % {"sheets": ", ".join(missing)},
            )
        )
        return result
    marker = {row.data.get("key"): row.data.get("value") for row in sheets["Format"]}
    if marker.get("format") != FORMAT or marker.get("format_version") != FORMAT_VERSION:
        result.issues.append(
            Issue("Format", "", _("This is not a motcua catalogue workbook of format version 1."))
        )
        return result
    result.sectors = sheets["Sectors"]
    _assemble(sheets, result)
    return result


def _expected_sheets() -> list[str]:
    return ["Format", "Sectors", "Procedures", "Versions", "Postings", *SHEETS.values()]


def _read_sheet(sheet: Any, name: str, result: CatalogueInput) -> list[Record]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = [str(title).strip() if title is not None else "" for title in header]
    expected = _expected_columns(name)
    for column in expected:
        if column not in columns:
            result.issues.append(Issue(name, column, _("The sheet lacks this column.")))
    for column in columns:
        if column and column not in expected:
            result.issues.append(Issue(name, column, _("Unknown column; check its spelling.")))
    records = []
    for number, values in enumerate(rows, start=2):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        data = {column: value for column, value in zip(columns, values, strict=False) if column in expected}
        records.append(Record(f"{name} row {number}", data))
    return records


def _expected_columns(sheet: str) -> list[str]:
    if sheet == "Format":
        return ["key", "value"]
    if sheet == "Sectors":
        return [spec.name for spec in SECTOR_FIELDS]
    if sheet == "Procedures":
        return [spec.name for spec in PROCEDURE_FIELDS]
    if sheet == "Versions":
        return ["procedure", *(spec.name for spec in VERSION_META), *(spec.name for spec in VERSION_FIELDS)]
    if sheet == "Postings":
        return ["procedure", "version", *(spec.name for spec in POSTING_FIELDS)]
    table = next(table for table in TABLES if SHEETS[table.name] == sheet)
    return ["procedure", "version", "position", *(spec.name for spec in table.fields)]


def _key(record: Record, result: CatalogueInput) -> tuple[str, int] | None:
    code, number = record.data.get("procedure"), record.data.get("version")
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number.strip())
    if (
        not isinstance(code, str)
        or not code.strip()
        or not isinstance(number, int)
        or isinstance(number, bool)
    ):
        result.issues.append(
            Issue(record.location, "procedure", _("Give the procedure's code and the version number."))
        )
        return None
    return code.strip(), number


def _assemble(sheets: Mapping[str, list[Record]], result: CatalogueInput) -> None:
    """Group the rows of the version and table sheets under their procedures and versions."""
    meta_names = {spec.name for spec in VERSION_META}
    versions: dict[tuple[str, int], VersionInput] = {}
    by_procedure: dict[str, list[VersionInput]] = defaultdict(list)
    for record in sheets["Versions"]:
        number = record.data.get("number")
        key = _key(
            Record(record.location, {"procedure": record.data.get("procedure"), "version": number}), result
        )
        if key is None:
            continue
        if key in versions:
            result.issues.append(
                Issue(record.location, "number", _("This version is already given on another row."))
            )
            continue
        meta = Record(
            record.location, {name: value for name, value in record.data.items() if name in meta_names}
        )
        base = Record(
            record.location,
            {
                name: value
                for name, value in record.data.items()
                if name not in meta_names and name != "procedure"
            },
        )
        versions[key] = VersionInput(meta, base, {table.name: [] for table in TABLES}, [])
        by_procedure[key[0]].append(versions[key])
    for record in sheets["Postings"]:
        if (key := _key(record, result)) is not None:
            _owner(versions, key, record, result, lambda target, row: target.postings.append(row))
    for table in TABLES:
        positioned: dict[tuple[str, int], list[tuple[int, Record]]] = defaultdict(list)
        for record in sheets[SHEETS[table.name]]:
            if (key := _key(record, result)) is None:
                continue
            try:
                position = catalog_content.parse_value(
                    Spec("position", "int", required=True, minimum=1), record.data.get("position")
                )
            except ValueError as error:
                result.issues.append(Issue(record.location, "position", str(error)))
                continue
            positioned[key].append((position, record))
        for key, rows in positioned.items():
            rows.sort(key=lambda item: item[0])
            positions = [position for position, _record in rows]
            if positions != list(range(1, len(rows) + 1)):
                result.issues.append(
                    Issue(
                        rows[0][1].location,
                        "position",
                        _("Number the rows of a version 1, 2, 3… without gaps or repeats."),
                    )
                )
                continue
            for _position, record in rows:
                _owner(
                    versions,
                    key,
                    record,
                    result,
                    lambda target, row, name=table.name: target.children[name].append(row),
                )
    for record in sheets["Procedures"]:
        code = record.data.get("code")
        code = code.strip() if isinstance(code, str) else ""
        items = sorted(by_procedure.pop(code, []), key=lambda item: _number(item.record))
        result.procedures.append(ProcedureInput(record, items))
    for code, items in by_procedure.items():
        for item in items:
            result.issues.append(
                Issue(
                    item.record.location,
                    "procedure",
                    _("No row of sheet Procedures has the code %(code)s.") % {"code": code},
                )
            )


def _number(record: Record) -> int:
    value = record.data.get("number")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _owner(
    versions: Mapping[tuple[str, int], VersionInput],
    key: tuple[str, int],
    record: Record,
    result: CatalogueInput,
    add: Any,
) -> None:
    target = versions.get(key)
    if target is None:
        result.issues.append(
            Issue(
                record.location,
                "version",
                _("No row of sheet Versions is version %(number)d of %(code)s.")
                % {"number": key[1], "code": key[0]},
            )
        )
        return
    clean = {name: value for name, value in record.data.items() if name not in (*ROW_KEYS, "position")}
    add(target, Record(record.location, clean))


def read_file(raw: bytes, *, name: str) -> CatalogueInput:
    """Read a catalogue file by its extension: .json or .xlsx."""
    if name.lower().endswith(".xlsx"):
        return read_xlsx(raw)
    if name.lower().endswith(".json"):
        return read_json(raw)
    return CatalogueInput(issues=[Issue(name, "", _("Give a .json or .xlsx file."))])


# --- import --------------------------------------------------------------------------------------------


@dataclass
class _Version:
    input: VersionInput
    meta: dict[str, Any]
    parsed: ParsedContent
    postings: list[tuple[Record, dict[str, Any]]]


@dataclass
class _Procedure:
    input: ProcedureInput
    identity: dict[str, Any]
    versions: list[_Version]


def _parse(document: CatalogueInput, issues: list[Issue]) -> tuple[list[dict[str, Any]], list[_Procedure]]:
    sectors = [catalog_content.parse_record(record, SECTOR_FIELDS, issues) for record in document.sectors]
    codes: set[str] = set()
    for record, values in zip(document.sectors, sectors, strict=True):
        code = values.get("code")
        if code and code in codes:
            issues.append(
                Issue(record.location, "code", _("The sector %(code)s is given twice.") % {"code": code})
            )
        codes.add(code or "")
    procedures: list[_Procedure] = []
    seen: set[str] = set()
    for item in document.procedures:
        identity = catalog_content.parse_record(item.record, PROCEDURE_FIELDS, issues)
        code = identity.get("code")
        if code in seen:
            issues.append(
                Issue(
                    item.record.location, "code", _("The procedure %(code)s is given twice.") % {"code": code}
                )
            )
        seen.add(code or "")
        versions = []
        numbers: list[int] = []
        for version in item.versions:
            meta = catalog_content.parse_record(version.record, VERSION_META, issues)
            parsed = catalog_content.parse_content(version.base, version.children, issues)
            postings = [
                (record, catalog_content.parse_record(record, POSTING_FIELDS, issues))
                for record in version.postings
            ]
            number = meta.get("number")
            if isinstance(number, int):
                if numbers and number <= numbers[-1]:
                    issues.append(
                        Issue(
                            version.record.location,
                            "number",
                            _("List the versions in increasing order of their numbers, each once."),
                        )
                    )
                numbers.append(number)
            if meta.get("status") == VersionStatus.DRAFT and version is not item.versions[-1]:
                issues.append(
                    Issue(
                        version.record.location,
                        "status",
                        _("Only the last version of a procedure may be a draft."),
                    )
                )
            if meta.get("status") == VersionStatus.DRAFT and postings:
                issues.append(
                    Issue(
                        version.record.location,
                        "postings",
                        _("A draft has not been published, so it cannot be posted."),
                    )
                )
            versions.append(_Version(version, meta, parsed, postings))
        if not item.versions:
            issues.append(
                Issue(item.record.location, "versions", _("Give at least one version of the procedure."))
            )
        procedures.append(_Procedure(item, identity, versions))
    return sectors, procedures


def catalog_import(*, document: CatalogueInput, actor: Any = None, dry_run: bool = False) -> ImportReport:
    """Import `document` (from `read_file`) all-or-nothing; raise `ImportFailed` listing every problem."""
    issues = list(document.issues)
    sectors, procedures = _parse(document, issues)
    if issues:
        raise ImportFailed(issues)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        _Importer(actor, report, issues).run(sectors, procedures)
        if issues or dry_run:
            transaction.set_rollback(True)
    if issues:
        logger.info("catalog_import_refused", extra={"issues": len(issues), "dry_run": dry_run})
        raise ImportFailed(issues)
    logger.info(
        "catalog_imported",
        extra={
            "dry_run": dry_run,
            "procedures_created": report.procedures_created,
            "versions_published": report.versions_published,
        },
    )
    return report


class _Importer:
    def __init__(self, actor: Any, report: ImportReport, issues: list[Issue]) -> None:
        self.actor, self.report, self.issues = actor, report, issues

    def run(self, sectors: list[dict[str, Any]], procedures: list[_Procedure]) -> None:
        for values in sectors:
            services.sector_upsert(code=values["code"], name=values["name"], actor=self.actor)
            self.report.sectors += 1
        known_sectors = {sector.code: sector for sector in Sector.objects.all()}
        owner_keys = {item.identity["owner_unit"] for item in procedures}
        content_keys = {
            key for item in procedures for version in item.versions for key in version.parsed.unit_keys()
        }
        units = catalog_content.resolve_units(owner_keys | content_keys)
        for item in procedures:
            try:
                with transaction.atomic():
                    before = len(self.issues)
                    self._procedure(item, known_sectors, units)
                    if len(self.issues) > before:
                        transaction.set_rollback(True)
            except ApplicationError as error:
                self._error(item.input.record.location, error)

    def _error(self, location: str, error: ApplicationError) -> None:
        if error.fields:
            self.issues += [Issue(location, name, str(message)) for name, message in error.fields.items()]
        else:
            self.issues.append(Issue(location, "", str(error.message)))

    def _procedure(self, item: _Procedure, sectors: Mapping[str, Sector], units: Mapping[str, Unit]) -> None:
        location, identity = item.input.record.location, item.identity
        sector, owner = sectors.get(identity["sector"]), units.get(identity["owner_unit"])
        if sector is None:
            self.issues.append(
                Issue(
                    location, "sector", _("No sector has the code %(code)s.") % {"code": identity["sector"]}
                )
            )
        if owner is None:
            self.issues.append(
                Issue(
                    location,
                    "owner_unit",
                    _("No unit has the key “%(key)s”.") % {"key": identity["owner_unit"]},
                )
            )
        if sector is None or owner is None:
            return
        procedure = Procedure.objects.filter(code=identity["code"]).first()
        if procedure is None:
            first = item.versions[0].parsed.fields.get("name") or identity["code"]
            procedure = services.procedure_create(
                code=identity["code"],
                name=first,
                sector=sector,
                level=identity["level"],
                owner_unit=owner,
                national_code=identity["national_code"],
                actor=self.actor,
            )
            self.report.procedures_created += 1
            # The first draft takes the number of the file's first version.
            draft = procedure.versions.get()
            if draft.number != item.versions[0].meta["number"]:
                draft.number = item.versions[0].meta["number"]
                draft.save(update_fields=["number", "updated_at"])
        else:
            self._update_identity(procedure, identity, sector, owner, location)
        for version in item.versions:
            if not self._version(procedure, version, units):
                break
        if identity["retired_at"] is not None and procedure.retired_at is None:
            services.procedure_retire(
                procedure=procedure,
                actor=self.actor,
                reason=identity["retirement_reason"],
                at=identity["retired_at"],
            )
        elif procedure.retired_at is not None and procedure.retired_at != identity["retired_at"]:
            self.issues.append(
                Issue(
                    location,
                    "retired_at",
                    _("The procedure is retired in the catalogue; a file cannot change that."),
                )
            )

    def _update_identity(
        self, procedure: Procedure, identity: dict[str, Any], sector: Sector, owner: Unit, location: str
    ) -> None:
        changed = (
            procedure.national_code != identity["national_code"]
            or procedure.sector_id != sector.pk
            or procedure.level != identity["level"]
            or procedure.owner_unit_id != owner.pk
        )
        if changed:
            services.procedure_update(
                procedure=procedure,
                actor=self.actor,
                national_code=identity["national_code"],
                sector=sector,
                level=identity["level"],
                owner_unit=owner,
            )
            self.report.procedures_updated += 1

    def _version(self, procedure: Procedure, item: _Version, units: Mapping[str, Unit]) -> bool:
        """Import one version; False when it failed (the later versions of the procedure are skipped)."""
        location, meta = item.input.record.location, item.meta
        before = len(self.issues)
        catalog_content.check_content(
            item.parsed,
            units=units,
            calendar=calendar_for_unit(unit=procedure.owner_unit_id),
            issues=self.issues,
        )
        if len(self.issues) > before:
            return False
        existing = procedure.versions.filter(number=meta["number"]).first()
        if existing is not None and existing.is_published:
            return self._compare(existing, item)
        if existing is None:
            newest = procedure.versions.order_by("-number").first()
            if newest is not None and newest.number > meta["number"]:
                self.issues.append(
                    Issue(
                        location,
                        "number",
                        _("Version %(number)d cannot come after version %(newest)d of the catalogue.")
                        % {"number": meta["number"], "newest": newest.number},
                    )
                )
                return False
            draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
            if draft is not None:
                self.issues.append(
                    Issue(
                        location,
                        "number",
                        _(
                            "The procedure has a draft (version %(number)d) that the file does not hold; "
                            "publish or discard it first."
                        )
                        % {"number": draft.number},
                    )
                )
                return False
            existing = ProcedureVersion.objects.create(
                procedure=procedure, number=meta["number"], name=item.parsed.fields["name"]
            )
        catalog_content.write_content(existing, item.parsed, units)
        audit_log(
            actor=self.actor,
            action="import",
            obj=existing,
            before=None,
            after=catalog_content.dump_parsed(item.parsed),
            unit=procedure.owner_unit_id,
        )
        self.report.versions_created += 1
        if meta["status"] == VersionStatus.PUBLISHED:
            try:
                services.version_publish(
                    version=existing,
                    actor=self.actor,
                    decision_number=meta["decision_number"],
                    decision_date=meta["decision_date"],
                    decision_signer=meta["decision_signer"],
                    effective_from=meta["effective_from"],
                    decision_note=meta["decision_note"],
                    published_at=meta["published_at"],
                )
            except ApplicationError as error:
                self._error(location, error)
                return False
            self.report.versions_published += 1
            return self._postings(existing, item)
        return True

    def _compare(self, existing: ProcedureVersion, item: _Version) -> bool:
        location, meta = item.input.record.location, item.meta
        same = existing.snapshot == catalog_content.dump_parsed(item.parsed) and all(
            getattr(existing, spec.name) == meta[spec.name] for spec in VERSION_META
        )
        if not same:
            self.issues.append(
                Issue(
                    location,
                    "",
                    _(
                        "Version %(number)d is published and differs from the file; "
                        "a published version cannot change. Give the change the next version number."
                    )
                    % {"number": existing.number},
                )
            )
            return False
        self.report.versions_unchanged += 1
        return self._postings(existing, item)

    def _postings(self, version: ProcedureVersion, item: _Version) -> bool:
        for record, values in item.postings:
            if PublicationPosting.objects.filter(
                version=version, channel=values["channel"], posted_on=values["posted_on"]
            ).exists():
                continue
            try:
                services.posting_record(version=version, actor=self.actor, **values)
            except ApplicationError as error:
                self._error(record.location, error)
                return False
            self.report.postings_added += 1
        return True
