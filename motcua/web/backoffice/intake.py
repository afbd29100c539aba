"""The counter-intake form: what the officer typed, checked and scanned, turned into one call of
`services.counter_intake`; the service's field errors turned back into messages next to the fields.

Nothing is lost on an error: typed values are drawn again from the posted data, and the scans already
stored are kept as signed tokens (`kept-<document>` inputs) that the next attempt reuses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.catalog.models import EForm, Procedure, RequiredDocument
from motcua.core.errors import ApplicationError
from motcua.dossiers import services
from motcua.dossiers.idempotency import dossier_once
from motcua.dossiers.inputs import Applicant, ComponentInput
from motcua.dossiers.models import Dossier, StoredFile
from motcua.dossiers.storage import store_file
from motcua.organizations.models import Unit
from motcua.web.backoffice.selectors import IntakeVersion

# The route under which a counter intake form's key is kept (motcua.dossiers.idempotency.dossier_once).
COUNTER_INTAKE_ROUTE = "backoffice counter intake"

KEPT_SALT = "motcua.backoffice.kept_scan"
KEPT_MAX_AGE = 12 * 3600
EXTRA = "extra"
APPLICANT_FIELDS = {
    "applicant.name": "applicant_name",
    "applicant.kind": "applicant_kind",
    "applicant.identifier": "applicant_identifier",
}
RETURN_METHODS = (
    Dossier.ReturnMethod.COUNTER,
    Dossier.ReturnMethod.POST,
    Dossier.ReturnMethod.ELECTRONIC,
    Dossier.ReturnMethod.AUTHORISED,
)


@dataclass(frozen=True)
class KeptScan:
    token: str
    name: str


@dataclass
class IntakeForm:
    """The state of the form: values, errors per input name, scans kept per document key."""

    values: QueryDict
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    kept: dict[str, list[KeptScan]] = field(default_factory=dict)


def keep_token(*, stored: StoredFile, user: Any, name: str) -> str:
    return signing.dumps({"f": stored.pk, "u": user.pk, "n": name}, salt=KEPT_SALT)


def _kept(token: str, user: Any) -> tuple[StoredFile, str] | None:
    try:
        value = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != user.pk or not isinstance(value.get("f"), int):
        return None
    stored = StoredFile.objects.filter(pk=int(value["f"])).first()
    return (stored, str(value.get("n", ""))) if stored else None


def eform_prefix(form: EForm) -> str:
    return f"ef-{form.key}."


def eform_views(forms: list[EForm], values: QueryDict, errors: dict[str, str]) -> list[Any]:
    """Each e-form drawn with its inputs named `ef-<key>.<path>` (several e-forms never collide)."""
    views = []
    for form in forms:
        prefix = eform_prefix(form)
        typed = {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}
        data = eforms.data_from_form(form.schema, typed)
        mine = {path[len(prefix) :]: text for path, text in errors.items() if path.startswith(prefix)}
        view = eforms.form_view(
            form.schema, form.layout, values=data, errors=mine, id_prefix=f"ef-{form.key}"
        )
        for section in view.sections:
            for item in section.fields:
                _rename(item, prefix)
        views.append((form, view))
    return views


def _rename(item: Any, prefix: str) -> None:
    item.name = prefix + item.name
    for child in item.children:
        _rename(child, prefix)
    for entry in item.entries:
        for child in entry:
            _rename(child, prefix)


def _form_data(forms: list[EForm], values: QueryDict) -> dict[str, Any]:
    data = {}
    for form in forms:
        prefix = eform_prefix(form)
        typed = {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}
        data[form.key] = eforms.data_from_form(form.schema, typed)
    return data


def _scans(
    *,
    key: str,
    values: QueryDict,
    files: MultiValueDict[str, Any],
    user: Any,
    state: IntakeForm,
) -> list[tuple[StoredFile, str]]:
    """The scans of one document: those kept from an earlier attempt and those uploaded now (stored at
    once, so that they survive an error elsewhere in the form)."""
    scans: list[tuple[StoredFile, str]] = []
    for token in values.getlist(f"kept-{key}"):
        found = _kept(token, user)
        if found is not None:
            scans.append(found)
    for upload in files.getlist(f"files-{key}"):
        name = (upload.name or "").rsplit("/", 1)[-1][:255]
        try:
            stored = store_file(content=upload, filename=name, content_type=upload.content_type or "")
        except ApplicationError as error:
            state.errors[f"files-{key}"] = str(error.message)
            continue
        scans.append((stored, name))
    state.kept[key] = [KeptScan(keep_token(stored=s, user=user, name=n), n) for s, n in scans]
    return scans


def receive_at_counter(
    *,
    user: Any,
    unit: Unit,
    procedure: Procedure,
    intake: IntakeVersion,
    values: QueryDict,
    files: MultiValueDict[str, Any],
) -> tuple[Dossier | None, IntakeForm]:
    """Build the components and the applicant from the posted form and call `counter_intake`."""
    state = IntakeForm(values=values)
    components: list[ComponentInput] = []
    positions: dict[int, str] = {}
    documents: list[tuple[str, RequiredDocument | None]] = [(str(d.pk), d) for d in intake.documents]
    documents.append((EXTRA, None))
    for key, document in documents:
        scans = _scans(key=key, values=values, files=files, user=user, state=state)
        checked = document is None or values.get(f"doc-{key}") == "on"
        if document is not None and checked and not scans:
            state.errors[f"doc-{key}"] = _("Scan this paper and attach the file, or leave it unchecked.")
        if document is not None and not checked and scans:
            state.errors[f"doc-{key}"] = _("Check the paper off if the applicant handed it in.")
        for stored, name in scans:
            positions[len(components)] = f"doc-{key}"
            components.append(
                ComponentInput(
                    name=document.name if document else name,
                    provenance="digitised_at_intake",
                    file=stored,
                    filename=name,
                    required_document=document,
                )
            )
    if state.errors:
        state.message = _("Correct the fields marked.")
        return None, state
    applicant = Applicant(
        name=values.get("applicant_name", "").strip(),
        kind=values.get("applicant_kind", "citizen"),
        identifier=values.get("applicant_identifier", "").strip(),
        address=values.get("applicant_address", "").strip(),
        phone=values.get("applicant_phone", "").strip(),
        email=values.get("applicant_email", "").strip(),
    )
    forms = list(intake.version.eforms.all())
    try:
        dossier = dossier_once(
            user=user,
            route=COUNTER_INTAKE_ROUTE,
            key=values.get("submission") or str(uuid.uuid4()),
            create=lambda: services.counter_intake(
                actor=user,
                procedure=procedure,
                applicant=applicant,
                receiving_unit=unit,
                form_data=_form_data(forms, values),
                components=components,
                return_method=values.get("return_method", ""),
            ),
        )
    except ApplicationError as error:
        state.message = str(error.message)
        for name, text in error.fields.items():
            state.errors[_input_name(name, positions)] = str(text)
        return None, state
    return dossier, state


def _input_name(path: str, positions: dict[int, str]) -> str:
    """The form input a service's field path names."""
    if path in APPLICANT_FIELDS:
        return APPLICANT_FIELDS[path]
    if path.startswith("applicant."):
        return "applicant_" + path.removeprefix("applicant.")
    if path.startswith("form_data."):
        key, _dot, rest = path.removeprefix("form_data.").partition(".")
        return f"ef-{key}.{rest}" if rest else "form_data"
    if path.startswith("components."):
        index = path.removeprefix("components.").split(".", 1)[0]
        if index.isdigit() and int(index) in positions:
            return positions[int(index)]
    return path
