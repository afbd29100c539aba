"""The content of a procedure version as plain data: one description of every field, used to parse and
check what an editor, a JSON file or an Excel sheet gives, to write it to the rows of a draft, and to
read it back (the published snapshot and the export are this same structure).

    {"name": ..., "time_limit_amount": "3", ..., "documents": [{"name": ..., "originals": 1, ...}], ...}

Parsing never raises for bad input: it returns `Issue`s located by the caller's `location` strings
("documents.2" for an editor, "procedures[0].versions[1].content.documents[2]" for a JSON file,
"Documents row 7" for a sheet), so that every bad row of a file is reported at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog import eforms, processes
from motcua.catalog.models import (
    AgencyRole,
    AgencyScope,
    Channel,
    CountingConvention,
    DocumentKind,
    EForm,
    Fee,
    FeeKind,
    LegalBasis,
    LegalKind,
    LookupDatabase,
    OnlineLevel,
    OnlineReason,
    ProcedureAgency,
    ProcedureMethod,
    ProcedureResult,
    ProcedureVersion,
    ProcessAction,
    ProcessStep,
    RequiredDocument,
    ReturnMethod,
    SequenceStep,
    StepScope,
    SupplementClock,
    TimeLimitUnit,
    VersionChild,
)
from motcua.organizations.models import Unit
from motcua.worktime import Calendar, TimeUnit
from motcua.worktime.amounts import to_minutes

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TRUE = {"true", "1", "yes", "có", "x"}
_FALSE = {"false", "0", "no", "không", ""}
# Roles a person holds at a step of the internal process (not an applicant, not another system).
STEP_ROLES = frozenset(Role.values) - {Role.CITIZEN, Role.INTEGRATOR}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: where (a row), which field, and what to do, in the user's language."""

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location} › {self.field}" if self.field else self.location
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class Record:
    """One row of input with where it came from."""

    location: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Spec:
    """One field of the content: its kind, whether it is required, its default and its bounds."""

    name: str
    kind: str  # str, text, int, decimal, bool, date, time, datetime, choice, choices, keys, object, unit
    required: bool = False
    default: Any = None
    choices: type[models.TextChoices] | frozenset[str] | None = None
    max_length: int | None = None
    minimum: int | None = None

    def allowed(self) -> list[str]:
        if self.choices is None:
            return []
        if isinstance(self.choices, frozenset):
            return sorted(self.choices)
        return [str(value) for value in self.choices.values]


def str_spec(name: str, max_length: int, *, required: bool = False) -> Spec:
    return Spec(name, "str", required=required, default="", max_length=max_length)


def _t(name: str) -> Spec:
    return Spec(name, "text", default="")


def _b(name: str, default: bool) -> Spec:
    return Spec(name, "bool", default=default)


def choice_spec(
    name: str, choices: type[models.TextChoices], *, default: str = "", required: bool = False
) -> Spec:
    return Spec(name, "choice", required=required, default=default, choices=choices)


FACT = (_b("confirmed", True), _t("note"))

VERSION_FIELDS: tuple[Spec, ...] = (
    str_spec("name", 1000, required=True),
    _t("requirements"),
    Spec("dossier_sets", "int", default=1, minimum=1),
    _b("subjects_citizens", True),
    _b("subjects_organizations", False),
    _t("subjects_note"),
    Spec("time_limit_amount", "decimal", required=True),
    choice_spec("time_limit_unit", TimeLimitUnit, required=True),
    choice_spec("time_limit_convention", CountingConvention, default=CountingConvention.HOURS),
    Spec("cutoff_time", "time"),
    choice_spec("online_level", OnlineLevel, required=True),
    choice_spec("online_reason", OnlineReason),
    _t("online_reason_text"),
    choice_spec("supplement_clock", SupplementClock, default=SupplementClock.PAUSE),
    Spec("max_supplement_requests", "int", default=1, minimum=0),
    _b("leader_signature_required", True),
    Spec("return_methods", "choices", default=[], choices=ReturnMethod),
    str_spec("national_decision", 100),
    Spec("unconfirmed", "object", default={}),
)


@dataclass(frozen=True, slots=True)
class Table:
    """A list of child rows of a version: its name in files, its model and its fields."""

    name: str
    model: type[VersionChild]
    fields: tuple[Spec, ...]


TABLES: tuple[Table, ...] = (
    Table("steps", SequenceStep, (str_spec("title", 500, required=True), _t("description"))),
    Table(
        "methods",
        ProcedureMethod,
        (
            choice_spec("channel", Channel, required=True),
            _t("description"),
            Spec("time_limit_amount", "decimal"),
            choice_spec("time_limit_unit", TimeLimitUnit),
            _t("note"),
        ),
    ),
    Table(
        "agencies",
        ProcedureAgency,
        (
            choice_spec("role", AgencyRole, required=True),
            choice_spec("scope", AgencyScope, default=AgencyScope.UNIT),
            Spec("unit", "unit", default=""),
            str_spec("name", 500, required=True),
            *FACT,
        ),
    ),
    Table(
        "documents",
        RequiredDocument,
        (
            str_spec("name", 1000, required=True),
            str_spec("document_type", 64),
            choice_spec("kind", DocumentKind, default=DocumentKind.SUBMIT),
            Spec("originals", "int", default=1, minimum=0),
            Spec("copies", "int", default=0, minimum=0),
            _b("required", True),
            _t("condition"),
            str_spec("group", 255),
            _b("digitisation_required", False),
            choice_spec("lookup_database", LookupDatabase),
            str_spec("eform", 64),
            *FACT,
        ),
    ),
    Table(
        "fees",
        Fee,
        (
            choice_spec("kind", FeeKind, required=True),
            str_spec("name", 500, required=True),
            Spec("amount_vnd", "int", minimum=0),
            str_spec("per", 100),
            choice_spec("channel", Channel),
            _t("exemptions"),
            _b("payable_online", False),
            str_spec("legal_basis", 500),
            *FACT,
        ),
    ),
    Table(
        "results",
        ProcedureResult,
        (
            str_spec("name", 500, required=True),
            str_spec("code", 64),
            str_spec("validity", 255),
            _b("paper_required", True),
            _b("electronic", True),
            *FACT,
        ),
    ),
    Table(
        "legal_bases",
        LegalBasis,
        (
            choice_spec("kind", LegalKind, required=True),
            str_spec("number", 100, required=True),
            str_spec("title", 1000),
            str_spec("issuer", 255),
            Spec("issued_on", "date"),
            Spec("effective_on", "date"),
            _b("governs_publication", False),
            *FACT,
        ),
    ),
    Table(
        "eforms",
        EForm,
        (
            str_spec("key", 64, required=True),
            str_spec("title", 500, required=True),
            str_spec("form_reference", 500),
            Spec("schema", "object", required=True),
            Spec("layout", "object", default={}),
        ),
    ),
    Table(
        "process",
        ProcessStep,
        (
            str_spec("key", 64, required=True),
            str_spec("name", 255, required=True),
            Spec("role", "choice", required=True, choices=STEP_ROLES),
            choice_spec("unit_scope", StepScope, required=True),
            Spec("unit", "unit", default=""),
            Spec("budget_minutes", "int", required=True, minimum=1),
            Spec("actions", "choices", required=True, choices=ProcessAction),
            Spec("after", "keys", default=[]),
            _t("note"),
        ),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
# Keys allowed in `unconfirmed` besides the field names: groups of fields.
FIELD_GROUPS = frozenset({"time_limit", "subjects", "online", "processing", "level", "sector", "code"})


# --- values ---------------------------------------------------------------------------------------------


class _Bad(ValueError):
    pass


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise _Bad(_("Enter text."))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if not isinstance(value, str):
        raise _Bad(_("Enter text."))
    return value.strip()


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_value(spec: Spec, raw: Any) -> Any:
    """The typed value of `raw` for `spec`, or `_Bad` with a message saying what is expected."""
    if _is_empty(raw) and spec.kind not in {"bool"}:
        if spec.required:
            raise _Bad(_("Required."))
        default = spec.default
        return (
            list(default)
            if isinstance(default, list)
            else dict(default)
            if isinstance(default, dict)
            else default
        )
    parse = _PARSERS[spec.kind]
    value = parse(spec, raw)
    if spec.max_length is not None and isinstance(value, str) and len(value) > spec.max_length:
        raise _Bad(_("At most %(max)d characters.") % {"max": spec.max_length})
    return value


def _parse_str(spec: Spec, raw: Any) -> str:
    return _text(raw)


def _parse_int(spec: Spec, raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Bad(_("Enter a whole number."))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and re.fullmatch(r"-?\d+", raw.strip()):
        raw = int(raw.strip())
    if not isinstance(raw, int):
        raise _Bad(_("Enter a whole number."))
    if spec.minimum is not None and raw < spec.minimum:
        raise _Bad(_("Enter a whole number of at least %(min)d.") % {"min": spec.minimum})
    return raw


def _parse_decimal(spec: Spec, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _Bad(_("Enter a number, with a dot for decimals."))
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _Bad(_("Enter a number, with a dot for decimals.")) from None
    if not value.is_finite() or value < 0:
        raise _Bad(_("Enter a number that is not negative."))
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("1000000"):
        raise _Bad(_("Enter a number below one million with at most two decimals."))
    return value


def _parse_bool(spec: Spec, raw: Any) -> bool:
    if raw is None:
        return bool(spec.default)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Bad(_("Enter true or false."))


def _parse_date(spec: Spec, raw: Any) -> date:
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise _Bad(_("Enter a date as YYYY-MM-DD."))
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(_text(raw))
    except ValueError:
        raise _Bad(_("Enter a date as YYYY-MM-DD.")) from None


def _parse_time(spec: Spec, raw: Any) -> time:
    if isinstance(raw, time):
        return raw
    text = _text(raw)
    if not re.fullmatch(r"\d{2}:\d{2}", text):
        raise _Bad(_("Enter a time as HH:MM."))
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise _Bad(_("Enter a time as HH:MM.")) from None


def _parse_datetime(spec: Spec, raw: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(_text(raw))
        except ValueError:
            raise _Bad(_("Enter a moment as YYYY-MM-DDTHH:MM:SS+07:00.")) from None
    if value.utcoffset() is None:
        raise _Bad(_("Add the UTC offset, e.g. +07:00."))
    return value


def _parse_choice(spec: Spec, raw: Any) -> str:
    value = _text(raw)
    allowed = spec.allowed()
    if value not in allowed:
        raise _Bad(_("Choose one of: %(values)s.") % {"values": ", ".join(v for v in allowed if v)})
    return value


def _items(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [item.strip() for item in raw.split(",") if item.strip()]
    if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw]
    raise _Bad(_("Enter a list of values separated by commas."))


def _parse_choices(spec: Spec, raw: Any) -> list[str]:
    values = _items(raw)
    allowed = spec.allowed()
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise _Bad(
            _("Unknown value(s) %(unknown)s; choose among: %(values)s.")
            % {"unknown": ", ".join(unknown), "values": ", ".join(allowed)}
        )
    if len(set(values)) != len(values):
        raise _Bad(_("Give each value once."))
    if spec.required and not values:
        raise _Bad(_("Required."))
    return values


def _parse_keys(spec: Spec, raw: Any) -> list[str]:
    values = _items(raw)
    if len(set(values)) != len(values):
        raise _Bad(_("Give each value once."))
    return values


def _parse_object(spec: Spec, raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            raise _Bad(
                _("This is not valid JSON (line %(line)d, column %(column)d).")
                % {
                    "line": error.lineno,
                    "column": error.colno,
                }
            ) from None
    if not isinstance(raw, dict):
        raise _Bad(_('Enter a JSON object, e.g. {"key": "value"}.'))
    return raw


_PARSERS = {
    "str": _parse_str,
    "text": _parse_str,
    "unit": _parse_str,
    "int": _parse_int,
    "decimal": _parse_decimal,
    "bool": _parse_bool,
    "date": _parse_date,
    "time": _parse_time,
    "datetime": _parse_datetime,
    "choice": _parse_choice,
    "choices": _parse_choices,
    "keys": _parse_keys,
    "object": _parse_object,
}


def parse_record(
    record: Record, specs: Sequence[Spec], issues: list[Issue], *, strict: bool = True
) -> dict[str, Any]:
    """The typed values of one row. Unknown fields are reported when `strict` (a typo must not be lost)."""
    values: dict[str, Any] = {}
    if not isinstance(record.data, Mapping):
        issues.append(Issue(record.location, "", _("Expected an object with named fields.")))
        return values
    for spec in specs:
        try:
            values[spec.name] = parse_value(spec, record.data.get(spec.name))
        except _Bad as error:
            issues.append(Issue(record.location, spec.name, str(error)))
    if strict:
        known = {spec.name for spec in specs}
        for name in record.data:
            if name not in known:
                issues.append(Issue(record.location, str(name), _("Unknown field; check its spelling.")))
    return values


def dump_value(spec: Spec, value: Any) -> Any:
    """A value as plain JSON (the inverse of `parse_value`)."""
    if value is None:
        return None
    if spec.kind == "decimal":
        return format(Decimal(value).normalize(), "f")
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "time":
        return value.strftime("%H:%M")
    if spec.kind == "datetime":
        return timezone.localtime(value).isoformat()
    if spec.kind in {"choices", "keys"}:
        return list(value)
    return value


# --- parsed content -----------------------------------------------------------------------------------


@dataclass
class ParsedContent:
    """The typed content of one version; `locations` keeps where each row came from."""

    fields: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    locations: dict[str, list[str]] = field(default_factory=dict)
    base: str = ""

    def unit_keys(self) -> set[str]:
        return {row["unit"] for name in ("agencies", "process") for row in self.rows[name] if row.get("unit")}


def parse_content(
    base: Record, children: Mapping[str, Sequence[Record]], issues: list[Issue]
) -> ParsedContent:
    """Parse one version's fields (`base`) and rows (`children`, by table name)."""
    fields = parse_record(base, VERSION_FIELDS, issues, strict=False)
    if isinstance(fields.get("return_methods"), list):  # one canonical order, as the rows store them
        fields["return_methods"] = [
            value for value in ReturnMethod.values if value in fields["return_methods"]
        ]
    rows: dict[str, list[dict[str, Any]]] = {}
    locations: dict[str, list[str]] = {}
    for table in TABLES:
        records = children.get(table.name, ())
        rows[table.name] = [parse_record(record, table.fields, issues) for record in records]
        locations[table.name] = [record.location for record in records]
    return ParsedContent(fields, rows, locations, base.location)


def content_records(
    content: Any, location: str, *, child: str = "{table}.{index}"
) -> tuple[Record, dict[str, list[Record]], list[Issue]]:
    """Split a content dict (as the export writes it) into its field record and its row records."""
    issues: list[Issue] = []
    if not isinstance(content, Mapping):
        return Record(location, {}), {}, [Issue(location, "", _("Expected an object with named fields."))]
    known = {spec.name for spec in VERSION_FIELDS} | set(TABLES_BY_NAME)
    for name in content:
        if name not in known:
            issues.append(Issue(location, str(name), _("Unknown field; check its spelling.")))
    children: dict[str, list[Record]] = {}
    for table in TABLES:
        items = content.get(table.name, [])
        if not isinstance(items, list):
            issues.append(Issue(location, table.name, _("Expected a list.")))
            items = []
        children[table.name] = [
            Record(child.format(base=location, table=table.name, index=index), item)
            for index, item in enumerate(items)
        ]
    scalars = {name: value for name, value in content.items() if name not in TABLES_BY_NAME}
    return Record(location, scalars), children, issues


# --- checks -------------------------------------------------------------------------------------------


def _time_limit_problem(amount: Decimal | None, unit: str) -> str | None:
    if amount is None or not unit:
        return None
    if unit in (TimeLimitUnit.CALENDAR_DAYS, TimeLimitUnit.MONTHS):
        if amount != amount.to_integral_value():
            return _("Calendar days and months are whole numbers.")
        return None
    try:
        to_minutes(amount, TimeUnit(unit), day_minutes=480)
    except ValueError:
        return _("A fraction of a working day or hour must come to whole minutes.")
    return None


def time_limits(parsed: ParsedContent) -> list[processes.TimeLimit]:
    """The version's time limit and every channel's own limit (the budget check takes the smallest)."""
    fields = parsed.fields
    limits = [
        processes.TimeLimit(
            fields["time_limit_amount"],
            fields["time_limit_unit"],
            fields["time_limit_convention"],
            fields["cutoff_time"],
        )
    ]
    for method in parsed.rows["methods"]:
        if method.get("time_limit_amount") is not None and method.get("time_limit_unit"):
            limits.append(
                processes.TimeLimit(
                    method["time_limit_amount"],
                    method["time_limit_unit"],
                    fields["time_limit_convention"],
                    fields["cutoff_time"],
                )
            )
    return limits


def check_content(
    parsed: ParsedContent, *, units: Mapping[str, Unit], calendar: Calendar | None, issues: list[Issue]
) -> None:
    """The rules across fields and rows. `units` maps the known external keys to units; `calendar` is the
    owner unit's (for the budget check of calendar-day limits). Only call on content that parsed cleanly
    (the rules assume typed values)."""
    fields, rows, at = parsed.fields, parsed.rows, parsed.locations

    def add(table: str | None, index: int | None, name: str, message: str) -> None:
        location = parsed.base if table is None or index is None else at[table][index]
        issues.append(Issue(location, name, message))

    if problem := _time_limit_problem(fields["time_limit_amount"], fields["time_limit_unit"]):
        add(None, None, "time_limit_amount", problem)
    if fields["online_level"] == OnlineLevel.FULL and fields["online_reason"]:
        add(
            None,
            None,
            "online_reason",
            _("A full-process online service has no reason to publish; leave it empty."),
        )
    for name, note in fields["unconfirmed"].items():
        if name not in {spec.name for spec in VERSION_FIELDS} | FIELD_GROUPS or not isinstance(note, str):
            add(
                None,
                None,
                "unconfirmed",
                _("“%(name)s” is not a field of the procedure, or its note is not text.") % {"name": name},
            )

    channels: set[str] = set()
    for index, method in enumerate(rows["methods"]):
        if method["channel"] in channels:
            add("methods", index, "channel", _("Each channel is described once."))
        channels.add(method["channel"])
        if (method["time_limit_amount"] is None) != (not method["time_limit_unit"]):
            add(
                "methods",
                index,
                "time_limit_unit",
                _("Give both the amount and the unit of the channel's time limit, or neither."),
            )
        elif problem := _time_limit_problem(method["time_limit_amount"], method["time_limit_unit"]):
            add("methods", index, "time_limit_amount", problem)

    for table in ("agencies", "process"):
        scope_field = "scope" if table == "agencies" else "unit_scope"
        for index, row in enumerate(rows[table]):
            if row[scope_field] == AgencyScope.UNIT and not row["unit"]:
                add(table, index, "unit", _("Give the unit's key (this row names one unit)."))
            elif row[scope_field] != AgencyScope.UNIT and row["unit"]:
                add(table, index, "unit", _("Leave the unit empty: the scope already says which units."))
            elif row["unit"] and row["unit"] not in units:
                add(table, index, "unit", _("No unit has the key “%(key)s”.") % {"key": row["unit"]})

    eform_keys: set[str] = set()
    for index, row in enumerate(rows["eforms"]):
        if not _KEY.match(row["key"]):
            add("eforms", index, "key", _("Use lower-case letters, digits, “-” and “_” only."))
        if row["key"] in eform_keys:
            add(
                "eforms",
                index,
                "key",
                _("Each e-form needs its own key; “%(key)s” is used twice.") % {"key": row["key"]},
            )
        eform_keys.add(row["key"])
        for problem in eforms.schema_problems(row["schema"]):
            add("eforms", index, "schema", problem)
        for problem in eforms.layout_problems(row["layout"], row["schema"]):
            add("eforms", index, "layout", problem)
    for index, row in enumerate(rows["documents"]):
        if row["eform"] and row["eform"] not in eform_keys:
            add(
                "documents",
                index,
                "eform",
                _("No e-form of this procedure has the key “%(key)s”.") % {"key": row["eform"]},
            )

    governing = [index for index, row in enumerate(rows["legal_bases"]) if row["governs_publication"]]
    for index in governing[1:]:
        add(
            "legal_bases", index, "governs_publication", _("Only one document sets the publication deadline.")
        )
    for index, row in enumerate(rows["legal_bases"]):
        if row["issued_on"] and row["effective_on"] and row["effective_on"] < row["issued_on"]:
            add("legal_bases", index, "effective_on", _("A document cannot take effect before it is issued."))

    _check_process(parsed, calendar, add)


def _check_process(parsed: ParsedContent, calendar: Calendar | None, add: Any) -> None:
    rows = parsed.rows
    steps = rows["process"]
    if not steps:
        return
    coordinating = any(row["role"] == AgencyRole.COORDINATING for row in rows["agencies"])
    for index, step in enumerate(steps):
        if not _KEY.match(step["key"]):
            add("process", index, "key", _("Use lower-case letters, digits, “-” and “_” only."))
        if step["unit_scope"] == StepScope.COORDINATING and not coordinating:
            add(
                "process",
                index,
                "unit_scope",
                _("The procedure has no coordinating agency to send this step to."),
            )
    nodes = [
        processes.StepNode(row["key"], row["name"], row["budget_minutes"], tuple(row["after"]))
        for row in steps
    ]
    problems = processes.graph_problems(nodes)
    for problem in problems:
        add(
            "process" if problem.index is not None else None,
            problem.index,
            problem.field if problem.index is not None else "process",
            problem.message,
        )
    if problems or calendar is None:
        return
    limits = time_limits(parsed)
    if any(_time_limit_problem(limit.amount, limit.unit) for limit in limits):
        return
    if excess := processes.budget_excess(nodes, limits, calendar):
        add(None, None, "process", excess.message())


# ND 63/2010 art. 8(2), as amended by ND 92/2017: the components (a)–(g) every published procedure has
# (QĐ 766 indicator 1.3 checks these), plus what the dossier engine needs to run a dossier.
def publication_problems(parsed: ParsedContent) -> list[Issue]:
    fields, rows = parsed.fields, parsed.rows
    found: list[tuple[str, str]] = []
    if not rows["steps"]:
        found.append(("steps", _("Describe the sequence of steps (ND 63/2010 art. 8(2)(b)).")))
    if not rows["methods"]:
        found.append(("methods", _("Give at least one method of submission (art. 8(2)(c)).")))
    if not any(row["kind"] == DocumentKind.SUBMIT for row in rows["documents"]):
        found.append(("documents", _("List the components of the dossier (art. 8(2)(d)).")))
    if not (fields["subjects_citizens"] or fields["subjects_organizations"]):
        found.append(
            ("subjects_citizens", _("Say who may apply: citizens, organisations or both (art. 8(2)(e))."))
        )
    roles = {row["role"] for row in rows["agencies"]}
    if AgencyRole.IMPLEMENTING not in roles:
        found.append(("agencies", _("Name the implementing agency (art. 8(2)(g)).")))
    if AgencyRole.COMPETENT not in roles:
        found.append(("agencies", _("Name the competent authority that decides on the dossier.")))
    if AgencyRole.RECEIVING not in roles:
        found.append(("agencies", _("Name the unit or units that receive the dossiers.")))
    if not rows["results"]:
        found.append(("results", _("Describe the result of the procedure.")))
    if not rows["process"]:
        found.append(("process", _("Define the internal process the dossiers go through.")))
    if not fields["return_methods"]:
        found.append(("return_methods", _("Offer at least one way to return the result.")))
    if fields["online_level"] != OnlineLevel.FULL and not fields["online_reason"]:
        found.append(
            ("online_reason", _("Publish why the online service is not full-process (ND 224/2026 art. 14)."))
        )
    return [Issue(parsed.base, name, message) for name, message in found]


MISSING_COMPONENT_LETTERS = {
    "steps": "b",
    "methods": "c",
    "documents": "d",
    "subjects_citizens": "e",
    "agencies": "g",
}


# --- rows <-> content ---------------------------------------------------------------------------------


def resolve_units(keys: Iterable[str]) -> dict[str, Unit]:
    keys = set(keys)
    if not keys:
        return {}
    return {unit.external_key: unit for unit in Unit.objects.filter(external_key__in=keys)}


def model_of(table: Table) -> Any:
    """The table's model, typed loosely: its rows are built from field names."""
    return table.model


def write_content(version: ProcedureVersion, parsed: ParsedContent, units: Mapping[str, Unit]) -> None:
    """Replace the draft's fields and rows with `parsed` (already checked). The caller holds the lock."""
    fields = parsed.fields
    for spec in VERSION_FIELDS:
        if spec.name != "return_methods":
            setattr(version, spec.name, fields[spec.name])
    methods = set(fields["return_methods"])
    version.return_at_counter = ReturnMethod.COUNTER in methods
    version.return_by_post = ReturnMethod.POST in methods
    version.return_electronically = ReturnMethod.ELECTRONIC in methods
    version.save()
    # Documents point at e-forms: e-forms are created first and deleted last.
    order = sorted(TABLES, key=lambda table: table.name != "eforms")
    for table in reversed(order):
        model: Any = table.model
        model.objects.filter(version=version).delete()
    created_eforms: dict[str, EForm] = {}
    for table in order:
        objects = []
        for position, row in enumerate(parsed.rows[table.name], start=1):
            values = dict(row)
            if "unit" in values:
                values["unit"] = units.get(values["unit"]) if values["unit"] else None
            if table.name == "documents":
                values["eform"] = created_eforms.get(values["eform"]) if values["eform"] else None
            objects.append(model_of(table)(version=version, position=position, **values))
        created = model_of(table).objects.bulk_create(objects)
        if table.name == "eforms":
            created_eforms = {eform.key: eform for eform in created}


def dump_parsed(parsed: ParsedContent) -> dict[str, Any]:
    """Parsed content back as plain JSON data: what `version_content` reads once it is written."""
    content = {spec.name: dump_value(spec, parsed.fields[spec.name]) for spec in VERSION_FIELDS}
    for table in TABLES:
        content[table.name] = [
            {spec.name: dump_value(spec, row[spec.name]) for spec in table.fields}
            for row in parsed.rows[table.name]
        ]
    return content


def version_content(version: ProcedureVersion) -> dict[str, Any]:
    """The version's content as plain JSON data (the snapshot and export structure). Use a version
    fetched with `selectors.procedure_detail` (or any prefetch of its rows) to keep queries bounded."""
    content: dict[str, Any] = {}
    for spec in VERSION_FIELDS:
        value = version.return_methods if spec.name == "return_methods" else getattr(version, spec.name)
        content[spec.name] = dump_value(spec, value)
    for table in TABLES:
        related: list[Any] = list(getattr(version, _RELATED[table.name]).all())
        rows = []
        for obj in sorted(related, key=lambda item: item.position):
            row: dict[str, Any] = {}
            for spec in table.fields:
                if spec.kind == "unit":
                    unit = getattr(obj, "unit", None)
                    row[spec.name] = unit.external_key if unit is not None else ""
                elif table.name == "documents" and spec.name == "eform":
                    row[spec.name] = obj.eform.key if obj.eform_id else ""
                else:
                    row[spec.name] = dump_value(spec, getattr(obj, spec.name))
            rows.append(row)
        content[table.name] = rows
    return content


_RELATED = {
    "steps": "sequence_steps",
    "methods": "methods",
    "agencies": "agencies",
    "documents": "documents",
    "fees": "fees",
    "results": "results",
    "legal_bases": "legal_bases",
    "eforms": "eforms",
    "process": "process_steps",
}
RELATED_NAMES = _RELATED
