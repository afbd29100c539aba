"""Forms of the catalogue pages. They collect input; the services and the content parser
(`motcua.catalog.content`) hold the rules and their messages.

The draft editor draws its inputs from the content's field descriptions (`content.VERSION_FIELDS` and
`content.TABLES`): one generic editor covers the version's own fields and each of its tables, and what
it posts goes to `services.draft_update` as the same plain values an import file gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.catalog import content as catalog_content
from motcua.catalog.content import Spec, Table
from motcua.catalog.models import Level, ProcedureVersion, Sector
from motcua.core.errors import ApplicationError
from motcua.organizations.models import Unit

MAX_ROWS = 200
MAX_IMPORT_BYTES = 20 * 1024 * 1024
IMPORT_EXTENSIONS = (".json", ".xlsx")


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """A service's error on a form: each field's message next to it, the rest at the top."""
    placed = False
    for name, message in error.fields.items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
        else:
            form.add_error(None, _general(name, message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


# --- public pages ---------------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    """The public list's search box and filters (GET)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10_000)

    def __init__(self, data: Any, *, sectors: Sequence[Sector], units: Sequence[Unit]) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        sector_field: Any = self.fields["sector"]
        sector_field.choices = [("", _("All sectors"))] + [
            (sector.code, f"{sector.name} ({getattr(sector, 'count', 0)})") for sector in sectors
        ]
        level_field: Any = self.fields["level"]
        level_field.choices = [("", _("All levels")), *Level.choices]
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [("", _("All units"))] + [(unit.pk, unit.name) for unit in units]


class ExpectedDueForm(forms.Form):
    """Which competent unit's calendar the expected date is computed on (when there are several)."""

    unit = forms.TypedChoiceField(label=_("Competent unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, data: Any, *, units: Sequence[Unit], chosen: Unit | None = None) -> None:
        super().__init__(data, initial={"unit": chosen.pk if chosen else None})
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [(unit.pk, unit.name) for unit in units]


# --- editor pages -----------------------------------------------------------------------------------------


class ProcedureCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Local code"),
        max_length=64,
        help_text=_("The code of the procedure in the province, e.g. 1.001193.000.00.00.H44."),
    )
    national_code = forms.CharField(
        label=_("National code"),
        max_length=32,
        required=False,
        help_text=_("The code in the National Database on administrative procedures, e.g. 1.001193."),
    )
    name = forms.CharField(label=_("Name"), max_length=1000)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())

    def __init__(self, data: Any = None, *, units: QuerySet[Unit]) -> None:
        super().__init__(data)
        sector_field: Any = self.fields["sector"]
        sector_field.queryset = Sector.objects.order_by("name")
        unit_field: Any = self.fields["owner_unit"]
        unit_field.queryset = units.filter(is_active=True).order_by("path")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PublishForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Number of the publication decision"),
        max_length=100,
        help_text=_("For example 1234/QĐ-UBND."),
    )
    decision_date = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    decision_signer = forms.CharField(label=_("Signed by"), max_length=255)
    effective_from = forms.DateField(
        label=_("Applies to dossiers from"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: from the date of the decision."),
    )
    decision_note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for retirement"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the decision that abolished the procedure."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("A .json or .xlsx file in the format of the export."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("Give a .json or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split it.") % {"size": MAX_IMPORT_BYTES // 2**20}
            )
        return upload


# --- the generic content editor ---------------------------------------------------------------------------

EXTRA_LABELS = {
    "return_methods": _("ways the result is returned"),
    "unit": _("unit (its key)"),
    "eform": _("e-form (its key)"),
    "after": _("after the steps (their keys)"),
}
HELP = {
    "unit": _("The unit's key in the unit tree, e.g. STP-PT; empty when the scope names every commune."),
    "after": _("Keys of the steps this one follows, separated by commas; empty for a first step."),
    "schema": _("The JSON Schema of the e-form."),
    "layout": _("The layout of the e-form, as JSON (optional)."),
    "unconfirmed": _("Facts not confirmed by a public source: a JSON object {field: note}."),
}
TEXTAREA_KINDS = frozenset({"text", "object"})
# The tables of a version, as the editor names them (ND 63/2010 art. 8(2); the internal process).
TABLE_LABELS = {
    "steps": _("Sequence of steps"),
    "methods": _("Methods of submission"),
    "agencies": _("Agencies"),
    "documents": _("Components of the dossier"),
    "fees": _("Fees and charges"),
    "results": _("Results"),
    "legal_bases": _("Legal basis"),
    "eforms": _("E-forms"),
    "process": _("Internal process"),
}


def where(key: str) -> str:
    """A readable name for a field path of the content ("process", "name", "documents.2.name")."""
    head = key.split(".", maxsplit=1)[0]
    if head in TABLE_LABELS:
        return str(TABLE_LABELS[head])
    spec = next((spec for spec in catalog_content.VERSION_FIELDS if spec.name == head), None)
    return spec_label(spec, ProcedureVersion) if spec is not None else head


def _general(key: str, message: Any) -> str:
    return str(message) if key in {"", "content"} else f"{where(key)}: {message}"


def spec_label(spec: Spec, model: Any) -> str:
    if spec.name in EXTRA_LABELS:
        return str(EXTRA_LABELS[spec.name])
    try:
        return str(model._meta.get_field(spec.name).verbose_name)
    except FieldDoesNotExist:
        return spec.name.replace("_", " ")


def spec_options(spec: Spec) -> list[tuple[str, str]]:
    if spec.choices is None:
        return []
    if isinstance(spec.choices, frozenset):
        return [(str(role.value), str(role.label)) for role in Role if role.value in spec.choices]
    return [(str(value), str(label)) for value, label in spec.choices.choices]


@dataclass
class SpecInput:
    """One input of the content editor, as the template draws it."""

    name: str
    id: str
    label: str
    widget: str  # text, textarea, number, date, time, select, checkbox, checkboxes
    value: str = ""
    checked: bool = False
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    required: bool = False
    help: str = ""
    error: str = ""


def _widget(spec: Spec) -> str:
    if spec.kind in TEXTAREA_KINDS:
        return "textarea"
    if spec.kind == "bool":
        return "checkbox"
    if spec.kind == "choices":
        return "checkboxes"
    if spec.kind == "choice":
        return "select"
    if spec.kind in {"int", "decimal"}:
        return "number"
    if spec.kind in {"date", "time"}:
        return spec.kind
    return "text"


def _shown(spec: Spec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind == "object":
        return json.dumps(value, ensure_ascii=False, indent=2) if value else ""
    if spec.kind == "keys" and isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def spec_inputs(
    specs: Iterable[Spec],
    values: Mapping[str, Any],
    *,
    model: Any,
    prefix: str,
    errors: Mapping[str, str] | None = None,
    eform_keys: Sequence[str] = (),
) -> list[SpecInput]:
    """The inputs of one record (the version's fields, or one row of a table) with its values."""
    errors = errors or {}
    inputs = []
    for spec in specs:
        value = values.get(spec.name, spec.default)
        item = SpecInput(
            name=f"{prefix}{spec.name}",
            id=f"id_{prefix}{spec.name}".replace("-", "_"),
            label=spec_label(spec, model),
            widget=_widget(spec),
            required=spec.required,
            help=str(HELP.get(spec.name, "")),
            error=errors.get(spec.name, ""),
        )
        if item.widget == "checkbox":
            item.checked = value is True or str(value).lower() in {"true", "on", "1"}
        elif item.widget == "checkboxes":
            chosen = set(value or [])
            item.options = [(option, label, option in chosen) for option, label in spec_options(spec)]
        elif item.widget == "select":
            item.value = "" if value is None else str(value)
            options = spec_options(spec)
            if not spec.required and all(option != "" for option, _label in options):
                options = [("", "—"), *options]
            item.options = [(option, label, option == item.value) for option, label in options]
        elif spec.name == "eform" and eform_keys:
            item.widget = "select"
            item.value = _shown(spec, value)
            item.options = [("", "—", item.value == "")] + [
                (key, key, key == item.value) for key in eform_keys
            ]
        else:
            item.value = _shown(spec, value)
        inputs.append(item)
    return inputs


def posted_record(specs: Iterable[Spec], data: QueryDict, *, prefix: str) -> dict[str, Any]:
    """The plain values of one record as posted: text as typed, booleans, lists of choices."""
    record: dict[str, Any] = {}
    for spec in specs:
        name = f"{prefix}{spec.name}"
        if spec.kind == "bool":
            record[spec.name] = name in data
        elif spec.kind == "choices":
            record[spec.name] = data.getlist(name)
        else:
            record[spec.name] = data.get(name, "")
    return record


def _blank(specs: Iterable[Spec], record: Mapping[str, Any]) -> bool:
    """A new row left empty: nothing typed in its text inputs."""
    return all(
        not str(record.get(spec.name, "")).strip()
        for spec in specs
        if spec.kind in {"str", "text", "int", "decimal", "date", "time", "unit", "keys", "object"}
    )


@dataclass
class PostedRows:
    """The rows of a table as posted, in the order the editor asked: what goes to the service and what
    the page draws again when something is wrong (so that an error at index i is on row i)."""

    rows: list[dict[str, Any]]


def posted_rows(table: Table, data: QueryDict) -> PostedRows:
    """The table's rows from the editor: deleted rows dropped, an untouched new row dropped, rows put
    in the order of their "position" inputs (ties keep the page order)."""
    try:
        count = min(max(int(data.get("rows", "0")), 0), MAX_ROWS)
    except ValueError:
        count = 0
    kept: list[tuple[float, int, dict[str, Any]]] = []
    for index in range(count):
        prefix = f"row-{index}-"
        if f"{prefix}delete" in data:
            continue
        record = posted_record(table.fields, data, prefix=prefix)
        if f"{prefix}new" in data and _blank(table.fields, record):
            continue
        try:
            order = float(data.get(f"{prefix}order", index + 1))
        except ValueError:
            order = index + 1
        kept.append((order, index, record))
    kept.sort(key=lambda item: (item[0], item[1]))
    return PostedRows(rows=[record for _order, _index, record in kept])


def row_errors(error: ApplicationError, table: str) -> tuple[dict[int, dict[str, str]], list[str]]:
    """A service error on a table split into messages per row and field (`documents.2.name`) and the
    messages about the whole content."""
    by_row: dict[int, dict[str, str]] = {}
    general: list[str] = []
    for key, message in error.fields.items():
        parts = key.split(".")
        if len(parts) >= 3 and parts[0] == table and parts[1].isdigit():
            by_row.setdefault(int(parts[1]), {})[".".join(parts[2:])] = str(message)
        elif len(parts) == 2 and parts[0] == table and parts[1].isdigit():
            by_row.setdefault(int(parts[1]), {})[""] = str(message)
        else:
            general.append(_general(key, message))
    if not error.fields:
        general.append(str(error.message))
    return by_row, general


def field_errors(error: ApplicationError) -> tuple[dict[str, str], list[str]]:
    """A service error on the version's own fields: per field, and the rest."""
    names = {spec.name for spec in catalog_content.VERSION_FIELDS}
    by_field: dict[str, str] = {}
    general: list[str] = []
    for key, message in error.fields.items():
        if key in names:
            by_field[key] = str(message)
        else:
            general.append(_general(key, message))
    if not error.fields:
        general.append(str(error.message))
    return by_field, general
