"""E-forms (tờ khai điện tử): a declaration described as a JSON Schema plus a small layout spec, validated
on the server with a Vietnamese message per field, pre-filled from the applicant's profile and rendered
as an accessible HTML form (`templates/catalog/eform/form.html`; ND 224/2026 art. 15: interactive
e-forms, once-only auto-fill).

The supported JSON Schema subset (draft 2020-12 keywords; anything else is refused when the schema is
saved, so that no rule is silently ignored):

- the root: ``{"type": "object", "properties": {...}, "required": [...]}`` (``title``, ``description``,
  ``$schema`` allowed);
- ``string``: ``minLength``, ``maxLength``, ``pattern`` (Python ``re.search``, unanchored as in JSON
  Schema), ``format`` ``date`` (YYYY-MM-DD) or ``email``, ``enum``;
- ``number`` and ``integer``: ``minimum``, ``maximum``, ``enum``; ``boolean``;
- ``object`` one level deep (its properties are scalars), at the root only;
- ``array`` of objects with scalar properties, at the root only: ``items``, ``minItems``, ``maxItems``;
- on every property: ``title`` (required: it is the label), ``description`` (the hint);
- on a string property: ``"x-prefill": "full_name" | "personal_id" | "phone" | "email" | "address"``.

The layout spec: ``{"sections": [{"title": "...", "fields": ["root property", ...]}],
"widgets": {"path": "textarea" | "radio"}, "rows": {"array property": n}}``; properties no section names
are shown after the sections, in schema order.

Errors and data paths join names with dots and array entries by index: ``child.full_name``,
``parties.1.personal_id``; the HTML inputs carry the same names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

PREFILL_SOURCES: dict[str, Callable[[Any], str]] = {
    "full_name": lambda user: user.full_name or "",
    "personal_id": lambda user: user.personal_id or "",
    "phone": lambda user: user.phone or "",
    "email": lambda user: user.email or "",
    "address": lambda user: user.address or "",
}
AUTOCOMPLETE = {"full_name": "name", "phone": "tel", "email": "email", "address": "street-address"}
SCALARS = frozenset({"string", "number", "integer", "boolean"})
_COMMON = frozenset({"type", "title", "description"})
_KEYWORDS: dict[str, frozenset[str]] = {
    "string": _COMMON | {"minLength", "maxLength", "pattern", "format", "enum", "x-prefill"},
    "number": _COMMON | {"minimum", "maximum", "enum"},
    "integer": _COMMON | {"minimum", "maximum", "enum"},
    "boolean": _COMMON,
    "object": _COMMON | {"properties", "required"},
    "array": _COMMON | {"items", "minItems", "maxItems"},
}
_ROOT_KEYWORDS = frozenset({"type", "title", "description", "properties", "required", "$schema"})
_FORMATS = frozenset({"date", "email"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LAYOUT_KEYS = frozenset({"sections", "widgets", "rows"})
_WIDGETS = frozenset({"textarea", "radio"})


# --- the schema itself ------------------------------------------------------------------------------


def schema_problems(schema: Any) -> list[str]:
    """Why `schema` is outside the supported subset (empty when it is inside)."""
    problems: list[str] = []
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return [_('The schema must be an object schema: {"type": "object", "properties": {...}}.')]
    _unknown_keywords(schema, _ROOT_KEYWORDS, "", problems)
    _check_properties(schema, "", depth=0, problems=problems)
    return problems


def _unknown_keywords(node: dict[str, Any], allowed: frozenset[str], path: str, problems: list[str]) -> None:
    for keyword in node:
        if keyword not in allowed:
            problems.append(
                _("%(path)s: the keyword “%(keyword)s” is not supported here.")
                % {"path": path or _("the form"), "keyword": keyword}
            )


def _check_properties(node: dict[str, Any], path: str, *, depth: int, problems: list[str]) -> None:
    properties = node.get("properties")
    where = path or _("the form")
    if not isinstance(properties, dict) or not properties:
        problems.append(_("%(path)s: give the fields under “properties”.") % {"path": where})
        return
    required = node.get("required", [])
    if not isinstance(required, list) or any(name not in properties for name in required):
        problems.append(_("%(path)s: “required” must list names of its own fields.") % {"path": where})
    for name, prop in properties.items():
        prop_path = f"{path}.{name}" if path else name
        if not _NAME.match(name):
            problems.append(
                _("%(path)s: a field name uses letters, digits and “_” only.") % {"path": prop_path}
            )
        if not isinstance(prop, dict):
            problems.append(_("%(path)s: describe the field as an object.") % {"path": prop_path})
            continue
        _check_property(prop, prop_path, depth=depth, problems=problems)


def _check_property(prop: dict[str, Any], path: str, *, depth: int, problems: list[str]) -> None:
    kind = prop.get("type")
    if kind not in _KEYWORDS:
        problems.append(
            _("%(path)s: the type must be string, number, integer, boolean, object or array.")
            % {"path": path}
        )
        return
    _unknown_keywords(prop, _KEYWORDS[kind], path, problems)
    if not isinstance(prop.get("title"), str) or not prop["title"].strip():
        problems.append(
            _("%(path)s: give the field a “title”: it is the label people read.") % {"path": path}
        )
    if kind in {"object", "array"} and depth > 0:
        problems.append(
            _("%(path)s: groups and lists cannot be nested inside another group.") % {"path": path}
        )
        return
    if kind == "object":
        _check_properties(prop, path, depth=depth + 1, problems=problems)
    elif kind == "array":
        items = prop.get("items")
        if not isinstance(items, dict) or items.get("type") != "object":
            problems.append(
                _('%(path)s: a list holds objects: "items": {"type": "object", ...}.') % {"path": path}
            )
            return
        _unknown_keywords(
            items, frozenset({"type", "properties", "required", "title", "description"}), path, problems
        )
        _check_properties(items, path, depth=depth + 1, problems=problems)
        _check_count(prop, ("minItems", "maxItems"), path, problems)
    elif kind == "string":
        _check_count(prop, ("minLength", "maxLength"), path, problems)
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except (re.error, TypeError):
                problems.append(
                    _("%(path)s: the pattern is not a valid regular expression.") % {"path": path}
                )
        if "format" in prop and prop["format"] not in _FORMATS:
            problems.append(_("%(path)s: the format must be date or email.") % {"path": path})
        if "x-prefill" in prop and prop["x-prefill"] not in PREFILL_SOURCES:
            problems.append(
                _("%(path)s: x-prefill must be one of %(sources)s.")
                % {"path": path, "sources": ", ".join(PREFILL_SOURCES)}
            )
    else:
        for bound in ("minimum", "maximum"):
            if bound in prop and (isinstance(prop[bound], bool) or not isinstance(prop[bound], int | float)):
                problems.append(_("%(path)s: “%(bound)s” must be a number.") % {"path": path, "bound": bound})
    if "enum" in prop:
        enum = prop["enum"]
        if not isinstance(enum, list) or not enum or any(_type_error(kind, value) for value in enum):
            problems.append(
                _("%(path)s: “enum” lists the allowed values, each of the field's type.") % {"path": path}
            )


def _check_count(prop: dict[str, Any], names: tuple[str, str], path: str, problems: list[str]) -> None:
    for name in names:
        if name in prop and (
            isinstance(prop[name], bool) or not isinstance(prop[name], int) or prop[name] < 0
        ):
            problems.append(
                _("%(path)s: “%(bound)s” must be a whole number.") % {"path": path, "bound": name}
            )
    low, high = prop.get(names[0]), prop.get(names[1])
    if isinstance(low, int) and isinstance(high, int) and low > high:
        problems.append(_("%(path)s: the minimum is above the maximum.") % {"path": path})


def _type_error(kind: str, value: Any) -> bool:
    if kind == "string":
        return not isinstance(value, str)
    if kind == "boolean":
        return not isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if kind == "number":
        return isinstance(value, bool) or not isinstance(value, int | float)
    return True


def layout_problems(layout: Any, schema: Any) -> list[str]:
    """Why `layout` does not fit `schema` (empty when it fits or the schema itself is unusable)."""
    if not isinstance(layout, dict):
        return [_("The layout must be an object.")]
    problems: list[str] = []
    for key in layout:
        if key not in _LAYOUT_KEYS:
            problems.append(_("The layout key “%(key)s” is not supported.") % {"key": key})
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return problems
    seen: set[str] = set()
    sections = layout.get("sections", [])
    if not isinstance(sections, list):
        return [*problems, _("“sections” must be a list.")]
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("fields"), list):
            problems.append(_("Each section is an object with a “title” and a list of “fields”."))
            continue
        for name in section["fields"]:
            if name not in properties:
                problems.append(
                    _("The layout names “%(name)s”, which is not a field of the form.") % {"name": name}
                )
            elif name in seen:
                problems.append(_("The layout names “%(name)s” twice.") % {"name": name})
            seen.add(name)
    paths = set(_scalar_paths(properties))
    widgets = layout.get("widgets", {})
    if not isinstance(widgets, dict) or any(
        path not in paths or widget not in _WIDGETS for path, widget in widgets.items()
    ):
        problems.append(_("Widgets map a field path to “textarea” or “radio”."))
    rows = layout.get("rows", {})
    if not isinstance(rows, dict) or any(
        properties.get(name, {}).get("type") != "array" or not isinstance(count, int) or count < 1
        for name, count in rows.items()
    ):
        problems.append(_("Rows map a list field to the number of entries to show (at least 1)."))
    return problems


def _scalar_paths(properties: Mapping[str, Any], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        if kind == "object":
            paths += _scalar_paths(prop.get("properties", {}), f"{prefix}{name}.")
        elif kind == "array":
            paths += _scalar_paths(prop.get("items", {}).get("properties", {}), f"{prefix}{name}.")
        else:
            paths.append(f"{prefix}{name}")
    return paths


# --- validation --------------------------------------------------------------------------------------


def validate(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """{field path: Vietnamese message} for every problem of `data` against `schema` (empty: valid).
    Call it with the active language set (the request's, or `translation.override("vi")`)."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        return {"": _("The form data must be a set of named fields.")}
    _validate_object(schema, data, "", errors)
    return errors


def _label(prop: Mapping[str, Any], name: str) -> str:
    title = prop.get("title")
    return title if isinstance(title, str) and title else name


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _validate_object(
    node: Mapping[str, Any], data: Mapping[str, Any], prefix: str, errors: dict[str, str]
) -> None:
    properties: Mapping[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    for name in data:
        if name not in properties:
            errors[f"{prefix}{name}"] = _("This field is not part of the form.")
    for name, prop in properties.items():
        path, value = f"{prefix}{name}", data.get(name)
        label = _label(prop, name)
        if _missing(value):
            if name in required and prop.get("type") == "array":
                minimum = max(int(prop.get("minItems", 1)), 1)
                errors[path] = _("Add at least %(min)d entries to “%(label)s”.") % {
                    "min": minimum,
                    "label": label,
                }
            elif name in required:
                choose = "enum" in prop or prop.get("type") == "boolean"
                errors[path] = (_("Choose “%(label)s”.") if choose else _("Enter “%(label)s”.")) % {
                    "label": label
                }
            continue
        if message := _value_error(prop, value, label, path, errors):
            errors[path] = message


def _value_error(
    prop: Mapping[str, Any], value: Any, label: str, path: str, errors: dict[str, str]
) -> str | None:
    kind = prop.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return _("“%(label)s” must be a group of fields.") % {"label": label}
        _validate_object(prop, value, f"{path}.", errors)
        return None
    if kind == "array":
        return _array_error(prop, value, label, path, errors)
    if kind == "boolean":
        return None if isinstance(value, bool) else _("“%(label)s” must be yes or no.") % {"label": label}
    if kind == "string":
        return _string_error(prop, value, label)
    return _number_error(prop, value, label, integer=kind == "integer")


def _array_error(
    prop: Mapping[str, Any], value: Any, label: str, path: str, errors: dict[str, str]
) -> str | None:
    if not isinstance(value, list):
        return _("“%(label)s” must be a list of entries.") % {"label": label}
    items = prop.get("items", {})
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            errors[f"{path}.{index}"] = _("Each entry of “%(label)s” is a group of fields.") % {
                "label": label
            }
        else:
            _validate_object(items, item, f"{path}.{index}.", errors)
    if "minItems" in prop and len(value) < prop["minItems"]:
        return _("Add at least %(min)d entries to “%(label)s”.") % {"min": prop["minItems"], "label": label}
    if "maxItems" in prop and len(value) > prop["maxItems"]:
        return _("“%(label)s” has at most %(max)d entries.") % {"max": prop["maxItems"], "label": label}
    return None


def _string_error(prop: Mapping[str, Any], value: Any, label: str) -> str | None:
    if not isinstance(value, str):
        return _("“%(label)s” must be text.") % {"label": label}
    if "enum" in prop and value not in prop["enum"]:
        return _("Choose one of the listed values for “%(label)s”.") % {"label": label}
    if "minLength" in prop and len(value) < prop["minLength"]:
        return _("“%(label)s” needs at least %(min)d characters.") % {
            "label": label,
            "min": prop["minLength"],
        }
    if "maxLength" in prop and len(value) > prop["maxLength"]:
        return _("“%(label)s” has at most %(max)d characters.") % {"label": label, "max": prop["maxLength"]}
    if prop.get("format") == "date" and not _is_date(value):
        return _("“%(label)s” must be a real date (day, month and year).") % {"label": label}
    if prop.get("format") == "email":
        try:
            validate_email(value)
        except ValidationError:
            return _("“%(label)s” is not a valid e-mail address.") % {"label": label}
    if "pattern" in prop and not re.search(prop["pattern"], value):
        hint = prop.get("description")
        if hint:
            return _("“%(label)s” is not in the expected form: %(hint)s") % {"label": label, "hint": hint}
        return _("“%(label)s” is not in the expected form.") % {"label": label}
    return None


def _is_date(value: str) -> bool:
    if not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _number_error(prop: Mapping[str, Any], value: Any, label: str, *, integer: bool) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if integer:
            return _("“%(label)s” must be a whole number.") % {"label": label}
        return _("“%(label)s” must be a number.") % {"label": label}
    if integer and isinstance(value, float) and not value.is_integer():
        return _("“%(label)s” must be a whole number.") % {"label": label}
    if "enum" in prop and value not in prop["enum"]:
        return _("Choose one of the listed values for “%(label)s”.") % {"label": label}
    if "minimum" in prop and value < prop["minimum"]:
        return _("“%(label)s” must be at least %(min)s.") % {"label": label, "min": _number(prop["minimum"])}
    if "maximum" in prop and value > prop["maximum"]:
        return _("“%(label)s” must be at most %(max)s.") % {"label": label, "max": _number(prop["maximum"])}
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- prefill and form data ---------------------------------------------------------------------------


def prefill(schema: dict[str, Any], user: Any, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`data` (or an empty form) with every empty field marked `x-prefill` filled from `user`'s profile,
    at the root and inside groups (never inside lists: whose entry would it be?)."""
    result: dict[str, Any] = {
        key: (dict(value) if isinstance(value, dict) else value) for key, value in (data or {}).items()
    }
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object":
            existing = result.get(name)
            group: dict[str, Any] = existing if isinstance(existing, dict) else {}
            filled = _fill(prop.get("properties", {}), group, user)
            if filled:
                result[name] = filled
        elif (
            (source := prop.get("x-prefill"))
            and _missing(result.get(name))
            and (value := PREFILL_SOURCES[source](user))
        ):
            result[name] = value
    return result


def _fill(properties: Mapping[str, Any], data: dict[str, Any], user: Any) -> dict[str, Any]:
    for name, prop in properties.items():
        source = prop.get("x-prefill")
        if source and _missing(data.get(name)) and (value := PREFILL_SOURCES[source](user)):
            data[name] = value
    return data


def data_from_form(schema: dict[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON data of a submitted HTML form (inputs named by path). Numbers that do not parse stay as
    the typed text, so that `validate` names the problem and the form shows what was typed; empty inputs
    and entirely empty list entries are left out."""
    return _object_from_form(schema.get("properties", {}), form, "")


def _object_from_form(properties: Mapping[str, Any], form: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, prop in properties.items():
        path = f"{prefix}{name}"
        kind = prop.get("type")
        if kind == "object":
            group = _object_from_form(prop.get("properties", {}), form, f"{path}.")
            if group:
                data[name] = group
        elif kind == "array":
            indexes = sorted(
                {
                    int(match.group(1))
                    for key in form
                    if (match := re.match(rf"^{re.escape(path)}\.(\d+)\.", key))
                }
            )
            entries = [
                _object_from_form(prop.get("items", {}).get("properties", {}), form, f"{path}.{i}.")
                for i in indexes
            ]
            entries = [entry for entry in entries if entry]
            if entries:
                data[name] = entries
        elif kind == "boolean":
            if str(form.get(path, "")).lower() in {"on", "true", "1"}:
                data[name] = True
        else:
            raw = form.get(path)
            text = raw.strip() if isinstance(raw, str) else ""
            if text:
                data[name] = _typed(kind, text)
    return data


def _typed(kind: Any, text: str) -> Any:
    if kind not in {"integer", "number"}:
        return text
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return int(number) if number == number.to_integral_value() else float(number)


# --- rendering ---------------------------------------------------------------------------------------


@dataclass
class FieldView:
    """One field as the template draws it."""

    name: str
    id: str
    label: str
    widget: str  # text, textarea, select, radio, checkbox, group, repeat
    hint: str = ""
    error: str = ""
    required: bool = False
    input_type: str = "text"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[FieldView] = field(default_factory=list)
    entries: list[list[FieldView]] = field(default_factory=list)

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def describedby(self) -> str:
        return " ".join(
            part
            for part, present in ((self.hint_id, bool(self.hint)), (self.error_id, bool(self.error)))
            if present
        )


@dataclass
class SectionView:
    title: str
    fields: list[FieldView]


@dataclass
class FormView:
    id: str
    sections: list[SectionView]
    summary: list[tuple[str, str, str]]  # (input id, label, message); id empty for a whole-form error


def form_view(
    schema: dict[str, Any],
    layout: Mapping[str, Any] | None = None,
    *,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    id_prefix: str = "eform",
) -> FormView:
    """What `catalog/eform/form.html` draws: sections of fields with their values, hints and errors."""
    layout, values, errors = layout or {}, values or {}, errors or {}
    properties: Mapping[str, Any] = schema.get("properties", {})
    builder = _Builder(layout, errors, id_prefix)
    fields = {
        name: builder.field(name, prop, values.get(name), required=name in schema.get("required", []))
        for name, prop in properties.items()
    }
    sections: list[SectionView] = []
    placed: set[str] = set()
    for section in layout.get("sections", []):
        names = [name for name in section.get("fields", []) if name in fields]
        placed.update(names)
        sections.append(SectionView(section.get("title", ""), [fields[name] for name in names]))
    rest = [view for name, view in fields.items() if name not in placed]
    if rest:
        sections.append(SectionView("", rest))
    summary = [("", "", message) for path, message in errors.items() if path == ""]
    summary += builder.summary
    return FormView(id_prefix, sections, summary)


class _Builder:
    def __init__(self, layout: Mapping[str, Any], errors: Mapping[str, str], id_prefix: str) -> None:
        self.widgets: Mapping[str, str] = layout.get("widgets", {})
        self.rows: Mapping[str, int] = layout.get("rows", {})
        self.errors = errors
        self.id_prefix = id_prefix
        self.summary: list[tuple[str, str, str]] = []

    def _id(self, path: str) -> str:
        return f"{self.id_prefix}-{path.replace('.', '-')}"

    def field(
        self, path: str, prop: Mapping[str, Any], value: Any, *, required: bool, style: str = ""
    ) -> FieldView:
        kind = prop.get("type")
        view = FieldView(
            name=path,
            id=self._id(path),
            label=_label(prop, path.rsplit(".", 1)[-1]),
            widget="text",
            hint=prop.get("description", ""),
            error=self.errors.get(path, ""),
            required=required,
        )
        if view.error:
            self.summary.append((view.id, view.label, view.error))
        if kind == "object":
            view.widget = "group"
            group = value if isinstance(value, dict) else {}
            inner = set(prop.get("required", []))
            view.children = [
                self.field(f"{path}.{name}", child, group.get(name), required=name in inner)
                for name, child in prop.get("properties", {}).items()
            ]
        elif kind == "array":
            view.widget = "repeat"
            items = value if isinstance(value, list) else []
            item_schema = prop.get("items", {})
            inner = set(item_schema.get("required", []))
            count = max(len(items), int(prop.get("minItems", 0)), int(self.rows.get(path, 1)))
            for index in range(count):
                entry = items[index] if index < len(items) and isinstance(items[index], dict) else {}
                view.entries.append(
                    [
                        self.field(f"{path}.{index}.{name}", child, entry.get(name), required=name in inner)
                        for name, child in item_schema.get("properties", {}).items()
                    ]
                )
        elif kind == "boolean":
            view.widget, view.checked = "checkbox", value is True
        else:
            self._scalar(view, path, prop, value)
        return view

    def _scalar(self, view: FieldView, path: str, prop: Mapping[str, Any], value: Any) -> None:
        kind = prop.get("type")
        widget_path = re.sub(r"\.\d+\.", ".", path)
        view.value = "" if value is None else str(value)
        if "enum" in prop:
            view.widget = "radio" if self.widgets.get(widget_path) == "radio" else "select"
            view.options = [(str(option), str(option) == view.value) for option in prop["enum"]]
            return
        if self.widgets.get(widget_path) == "textarea":
            view.widget = "textarea"
        if kind in {"integer", "number"}:
            view.input_type = "number"
            view.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
            view.attrs["step"] = "1" if kind == "integer" else "any"
            for bound, attr in (("minimum", "min"), ("maximum", "max")):
                if bound in prop:
                    view.attrs[attr] = _number(prop[bound])
        elif prop.get("format") == "date":
            view.input_type = "date"
        elif prop.get("format") == "email":
            view.input_type = "email"
        if "maxLength" in prop:
            view.attrs["maxlength"] = str(prop["maxLength"])
        if source := prop.get("x-prefill"):
            view.attrs["autocomplete"] = AUTOCOMPLETE.get(source, "off")
