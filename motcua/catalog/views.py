"""Pages of the procedure catalogue.

Public (anyone): the list with search and filters by sector, level and unit; a procedure's page with every
component ND 63/2010 art. 8(2) publishes and the return date expected for a dossier submitted now; the
printable e-forms. Editors (catalogue editors and administrators of the owner unit or above it, and
superusers; `catalog.edit_procedure`): their procedures, drafts edited field by field and table by table,
preview, publication, retirement, import (a dry run first) and export. Every write calls a service of
`motcua.catalog.services` or `motcua.catalog.transfer`.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.permissions import units_where
from motcua.catalog import content as catalog_content
from motcua.catalog import forms as catalog_forms
from motcua.catalog import queries, services, transfer
from motcua.catalog.models import DocumentKind, Procedure, ProcedureVersion
from motcua.catalog.permissions import EDITOR_ROLES
from motcua.catalog.selectors import procedure_detail
from motcua.core.errors import ApplicationError, NotFound
from motcua.core.errors import PermissionDenied as ServicePermissionDenied

# Navigation labels (motcua/web/navigation.py shows them).
NAVIGATION_PUBLIC = gettext_lazy("Administrative procedures")
NAVIGATION_EDITOR = gettext_lazy("Procedure editing")

IMPORT_SESSION_KEY = "catalog_import"
IMPORT_DIRECTORY = "catalog-imports"


def shown_to_everyone(user: Any) -> bool:
    """The public catalogue is for everyone, signed in or not."""
    return True


def may_edit_catalogue(user: Any) -> bool:
    """Whether `user` edits some part of the catalogue (the editor pages' entry check)."""
    return bool(user.has_perm("catalog.manage_sectors"))


def _page_number(value: Any) -> int:
    try:
        return min(max(int(value), 1), 10_000)
    except (TypeError, ValueError):
        return 1


# --- public pages -----------------------------------------------------------------------------------------


def procedure_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue: search (diacritics optional), filters by sector, level and unit."""
    sectors = queries.sectors_with_counts()
    units = queries.owner_units()
    form = catalog_forms.CatalogueFilterForm(request.GET or None, sectors=sectors, units=units)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "sector": next((s for s in sectors if s.code == data["sector"]), None),
            "level": data["level"] or None,
            "unit": next((u for u in units if u.pk == data["unit"]), None),
        }
    number = _page_number(request.GET.get("page")) if not form.errors.get("page") else 1
    page = queries.procedures_page(
        **filters, offset=(number - 1) * queries.PAGE_SIZE, limit=queries.PAGE_SIZE
    )
    pages = max(math.ceil(page.count / queries.PAGE_SIZE), 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "number": number,
        "pages": pages,
        "query": query.urlencode(),
        "searching": bool(filters.get("q")),
        "sectors": sectors,
    }
    return render(request, "catalog/procedure_list.html", context)


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    """A procedure's page: every published component, and the expected return date if submitted now."""
    try:
        procedure = queries.public_procedure(code=code)
    except NotFound:
        raise Http404(code) from None
    now = queries.submission_now()
    public = queries.public_version(procedure=procedure, at=now)
    units = queries.competent_units(version=public.version)
    asked = catalog_forms.ExpectedDueForm(request.GET or None, units=units)
    chosen = asked.cleaned_data["unit"] if asked.is_bound and asked.is_valid() else None
    unit = queries.chosen_unit(units, chosen, fallback=procedure.owner_unit)
    due_form = catalog_forms.ExpectedDueForm(None, units=units, chosen=unit)
    dues = queries.expected_dues(version=public.version, unit=unit, start=now) if public.in_force else []
    context = {
        "procedure": procedure,
        "version": public.version,
        "public": public,
        "now": now,
        "unit": unit,
        "units": units,
        "due_form": due_form,
        "dues": dues,
        **_components(public.version),
    }
    return render(request, "catalog/procedure_detail.html", context)


def procedure_eform(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """An e-form of the procedure drawn blank, to fill in on screen or print (the forms to download)."""
    try:
        procedure = queries.public_procedure(code=code)
    except NotFound:
        raise Http404(code) from None
    public = queries.public_version(procedure=procedure, at=queries.submission_now())
    eform = next((item for item in public.version.eforms.all() if item.key == key), None)
    if eform is None:
        raise Http404(key)
    context = {"procedure": procedure, "version": public.version, "eform": eform}
    return render(request, "catalog/eform_print.html", context)


def _components(version: ProcedureVersion) -> dict[str, Any]:
    """The version's rows grouped as the procedure page shows them (prefetched: no query)."""
    documents = list(version.documents.all())
    groups: dict[str, list[Any]] = {}
    for document in documents:
        if document.kind == DocumentKind.SUBMIT:
            groups.setdefault(document.group, []).append(document)
    agencies = list(version.agencies.all())
    return {
        "document_groups": list(groups.items()),
        "shown_documents": [document for document in documents if document.kind == DocumentKind.SHOW],
        "agencies_by_role": _by_role(agencies),
        "methods": list(version.methods.all()),
        "fees": list(version.fees.all()),
    }


def _by_role(agencies: list[Any]) -> list[tuple[str, list[Any]]]:
    grouped: dict[str, list[Any]] = {}
    labels: dict[str, str] = {}
    for agency in agencies:
        grouped.setdefault(agency.role, []).append(agency)
        labels[agency.role] = str(agency.get_role_display())
    return [(labels[role], items) for role, items in grouped.items()]


# --- editor pages -----------------------------------------------------------------------------------------

View = Callable[..., HttpResponse]


def editor_required(view: View) -> View:
    """Signed in and editing some part of the catalogue; 403 otherwise (anonymous: to the sign-in page)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_edit_catalogue(request.user):
            raise PermissionDenied(_("This page is for the catalogue editors."))
        return view(request, *args, **kwargs)

    return wrapper


def _editable(request: HttpRequest, code: str) -> Procedure:
    try:
        return queries.editor_procedure(user=request.user, code=code)
    except NotFound:
        raise Http404(code) from None
    except ServicePermissionDenied as error:
        raise PermissionDenied(str(error.message)) from None


def _draft(procedure: Procedure) -> ProcedureVersion:
    draft = queries.procedure_draft(procedure=procedure)
    if draft is None:
        raise Http404(_("The procedure has no draft."))
    return draft


def _to_procedure(procedure: Procedure) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("catalog:editor_procedure", args=[procedure.code]))


@editor_required
def editor_home(request: HttpRequest) -> HttpResponse:
    """The procedures the editor maintains, drafts included."""
    q = request.GET.get("q", "")[:200]
    procedures = queries.editor_procedures(user=request.user, q=q)
    number = _page_number(request.GET.get("page"))
    count = procedures.count()
    items = list(
        procedures.select_related("latest_version").defer(
            "latest_version__snapshot", "latest_version__unconfirmed"
        )[(number - 1) * queries.PAGE_SIZE : number * queries.PAGE_SIZE]
    )
    context = {
        "procedures": items,
        "count": count,
        "q": q,
        "number": number,
        "pages": max(math.ceil(count / queries.PAGE_SIZE), 1),
    }
    return render(request, "catalog/editor/home.html", context)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_create(request: HttpRequest) -> HttpResponse:
    """A new procedure with its first draft, owned by one of the editor's units."""
    form = catalog_forms.ProcedureCreateForm(
        request.POST or None, units=units_where(request.user, *EDITOR_ROLES)
    )
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.procedure_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            catalog_forms.add_service_error(form, error)
        else:
            messages.success(request, _("The procedure was created with an empty draft; fill it in."))
            return HttpResponseRedirect(reverse("catalog:editor_fields", args=[procedure.code]))
    return render(request, "catalog/editor/create.html", {"form": form})


@editor_required
def editor_procedure(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure for its editors: its versions, its draft and what can be done next."""
    procedure = _editable(request, code)
    versions = queries.procedure_versions(procedure=procedure)
    draft = next((version for version in versions if not version.is_published), None)
    context = {
        "procedure": procedure,
        "versions": versions,
        "draft": draft,
        "tables": _table_links(),
    }
    return render(request, "catalog/editor/procedure.html", context)


def _table_links() -> list[tuple[str, str]]:
    return [(table.name, str(catalog_forms.TABLE_LABELS[table.name])) for table in catalog_content.TABLES]


@editor_required
@require_POST
def editor_draft_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _editable(request, code)
    try:
        services.draft_start(procedure=procedure, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return _to_procedure(procedure)
    messages.success(request, _("A new draft was started from the latest version."))
    return HttpResponseRedirect(reverse("catalog:editor_fields", args=[procedure.code]))


@editor_required
@require_http_methods(["GET", "POST"])
def editor_draft_discard(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _editable(request, code)
    draft = _draft(procedure)
    if request.method == "POST":
        first = procedure.latest_version_id is None
        try:
            services.draft_discard(version=draft, actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.message))
            return _to_procedure(procedure)
        if first:
            messages.success(request, _("The draft and the procedure, never published, were deleted."))
            return HttpResponseRedirect(reverse("catalog:editor_home"))
        messages.success(request, _("The draft was deleted."))
        return _to_procedure(procedure)
    return render(request, "catalog/editor/discard.html", {"procedure": procedure, "draft": draft})


def _draft_content(draft: ProcedureVersion) -> tuple[ProcedureVersion, dict[str, Any]]:
    detail = procedure_detail(version=draft)
    return detail, catalog_content.version_content(detail)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_fields(request: HttpRequest, code: str) -> HttpResponse:
    """The draft's own fields: name, time limit, subjects, online level, processing rules…"""
    procedure = _editable(request, code)
    draft = _draft(procedure)
    _detail, current = _draft_content(draft)
    specs = catalog_content.VERSION_FIELDS
    values: dict[str, Any] = current
    errors: dict[str, str] = {}
    general: list[str] = []
    if request.method == "POST":
        values = catalog_forms.posted_record(specs, request.POST, prefix="")
        try:
            services.draft_update(version=draft, actor=request.user, **values)
        except ApplicationError as error:
            errors, general = catalog_forms.field_errors(error)
            general.insert(0, str(error.message))
        else:
            messages.success(request, _("The draft was saved."))
            return HttpResponseRedirect(reverse("catalog:editor_fields", args=[procedure.code]))
    context = {
        "procedure": procedure,
        "draft": draft,
        "inputs": catalog_forms.spec_inputs(specs, values, model=ProcedureVersion, prefix="", errors=errors),
        "general": general,
        "tables": _table_links(),
        "current": "fields",
    }
    return render(request, "catalog/editor/fields.html", context, status=400 if general else 200)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_table(request: HttpRequest, code: str, table: str) -> HttpResponse:
    """One table of the draft (steps, methods, documents, fees, results, legal bases, agencies, e-forms,
    internal process): its rows edited together, saved together."""
    procedure = _editable(request, code)
    spec_table = catalog_content.TABLES_BY_NAME.get(table)
    if spec_table is None:
        raise Http404(table)
    draft = _draft(procedure)
    _detail, current = _draft_content(draft)
    rows: list[dict[str, Any]] = current[table]
    row_errors: dict[int, dict[str, str]] = {}
    general: list[str] = []
    add_row = False
    if request.method == "POST":
        rows = catalog_forms.posted_rows(spec_table, request.POST).rows
        if "add" in request.POST:
            add_row = True
        else:
            try:
                services.draft_update(version=draft, actor=request.user, **{table: rows})
            except ApplicationError as error:
                row_errors, general = catalog_forms.row_errors(error, table)
                general.insert(0, str(error.message))
            else:
                messages.success(request, _("The draft was saved."))
                return HttpResponseRedirect(reverse("catalog:editor_table", args=[procedure.code, table]))
    eform_keys = [row["key"] for row in current["eforms"] if row.get("key")]
    drawn = []
    for index, row in enumerate(rows):
        errors = row_errors.get(index, {})
        drawn.append(
            {
                "index": index,
                "number": index + 1,
                "error": errors.get("", ""),
                "inputs": catalog_forms.spec_inputs(
                    spec_table.fields,
                    row,
                    model=spec_table.model,
                    prefix=f"row-{index}-",
                    errors=errors,
                    eform_keys=eform_keys,
                ),
                "new": False,
            }
        )
    if add_row or not rows:
        index = len(rows)
        drawn.append(
            {
                "index": index,
                "number": index + 1,
                "error": "",
                "inputs": catalog_forms.spec_inputs(
                    spec_table.fields,
                    {},
                    model=spec_table.model,
                    prefix=f"row-{index}-",
                    eform_keys=eform_keys,
                ),
                "new": True,
            }
        )
    context = {
        "procedure": procedure,
        "draft": draft,
        "table": table,
        "table_label": catalog_forms.TABLE_LABELS[table],
        "rows": drawn,
        "general": general,
        "tables": _table_links(),
        "current": table,
    }
    return render(request, "catalog/editor/table.html", context, status=400 if general else 200)


def _publication_issues(procedure: Procedure, detail: ProcedureVersion) -> list[str]:
    """What would stop the draft from being published, in the editor's words."""
    frozen = catalog_content.version_content(detail)
    parsed, _units, issues = services.parse_and_check(frozen, procedure=procedure)
    if not issues:
        issues = catalog_content.publication_problems(parsed)
    return [
        f"{catalog_forms.where('.'.join(p for p in (issue.location, issue.field) if p))}: {issue.message}"
        for issue in issues
    ]


@editor_required
def editor_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The draft as the public will see it once published, with what still stops its publication."""
    procedure = _editable(request, code)
    detail, _current = _draft_content(_draft(procedure))
    context = {
        "procedure": procedure,
        "version": detail,
        "draft": detail,
        "issues": _publication_issues(procedure, detail),
        "tables": _table_links(),
        "current": "preview",
        **_components(detail),
    }
    return render(request, "catalog/editor/preview.html", context)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_publish(request: HttpRequest, code: str) -> HttpResponse:
    """Publish the draft with its publication decision (quyết định công bố)."""
    procedure = _editable(request, code)
    draft = _draft(procedure)
    form = catalog_forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.version_publish(
                version=draft,
                actor=request.user,
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                decision_signer=data["decision_signer"],
                effective_from=data["effective_from"],
                decision_note=data["decision_note"],
            )
        except ApplicationError as error:
            catalog_forms.add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)d is published; it applies to dossiers from %(date)s.")
                % {
                    "number": draft.number,
                    "date": (data["effective_from"] or data["decision_date"]).strftime("%d/%m/%Y"),
                },
            )
            return _to_procedure(procedure)
    detail, _current = _draft_content(draft)
    context = {
        "procedure": procedure,
        "draft": draft,
        "form": form,
        "issues": _publication_issues(procedure, detail),
        "tables": _table_links(),
        "current": "publish",
    }
    return render(request, "catalog/editor/publish.html", context, status=400 if form.errors else 200)


@editor_required
@require_http_methods(["GET", "POST"])
def editor_retire(request: HttpRequest, code: str) -> HttpResponse:
    """Retire (bãi bỏ) the procedure: no new dossier from now; dossiers already submitted run on."""
    procedure = _editable(request, code)
    form = catalog_forms.RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.procedure_retire(procedure=procedure, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            catalog_forms.add_service_error(form, error)
        else:
            messages.success(request, _("The procedure is retired; it no longer accepts dossiers."))
            return _to_procedure(procedure)
    context = {"procedure": procedure, "form": form}
    return render(request, "catalog/editor/retire.html", context, status=400 if form.errors else 200)


# --- import and export ------------------------------------------------------------------------------------


def _stored_upload(request: HttpRequest) -> dict[str, str] | None:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if isinstance(stored, dict) and {"path", "name"} <= set(stored):
        return stored
    return None


def _forget_upload(request: HttpRequest) -> None:
    stored = _stored_upload(request)
    if stored is not None:
        default_storage.delete(stored["path"])
        del request.session[IMPORT_SESSION_KEY]


@editor_required
@require_http_methods(["GET", "POST"])
def editor_transfer(request: HttpRequest) -> HttpResponse:
    """Import a catalogue file in two steps: a dry run that lists every problem by row and writes
    nothing, then, if it is clean, the import itself. Export the whole catalogue."""
    form = catalog_forms.ImportForm()
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and request.POST.get("step") == "apply":
        return _apply_import(request)
    if request.method == "POST":
        form = catalog_forms.ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            _forget_upload(request)
            upload = form.cleaned_data["file"]
            raw = upload.read()
            context |= _dry_run(request, raw, upload.name)
            if not context["issues"]:
                suffix = Path(upload.name).suffix.lower()  # .json or .xlsx (the form checked it)
                path = default_storage.save(
                    f"{IMPORT_DIRECTORY}/{secrets.token_hex(16)}{suffix}", ContentFile(raw)
                )
                request.session[IMPORT_SESSION_KEY] = {"path": path, "name": upload.name}
                context["ready"] = upload.name
    status = 400 if context.get("issues") or form.errors else 200
    return render(request, "catalog/editor/transfer.html", context, status=status)


def _dry_run(request: HttpRequest, raw: bytes, name: str) -> dict[str, Any]:
    document = transfer.read_file(raw, name=name)
    try:
        report = transfer.catalog_import(document=document, actor=request.user, dry_run=True)
    except transfer.ImportFailed as failure:
        return {"issues": [str(issue) for issue in failure.issues], "summary": str(failure.message)}
    except ApplicationError as error:
        return {"issues": [str(error.message)], "summary": str(error.message)}
    return {"issues": [], "summary": report.summary()}


def _apply_import(request: HttpRequest) -> HttpResponse:
    stored = _stored_upload(request)
    if stored is None or not default_storage.exists(stored["path"]):
        messages.error(request, _("Check the file again before importing it."))
        return HttpResponseRedirect(reverse("catalog:editor_transfer"))
    with default_storage.open(stored["path"], "rb") as handle:
        raw = handle.read()
    _forget_upload(request)
    document = transfer.read_file(raw, name=stored["name"])
    try:
        report = transfer.catalog_import(document=document, actor=request.user)
    except transfer.ImportFailed as failure:
        context = {
            "form": catalog_forms.ImportForm(),
            "issues": [str(issue) for issue in failure.issues],
            "summary": str(failure.message),
        }
        return render(request, "catalog/editor/transfer.html", context, status=400)
    messages.success(request, report.summary())
    return HttpResponseRedirect(reverse("catalog:editor_transfer"))


@editor_required
def editor_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole catalogue as JSON or as an Excel workbook (the import's format)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "json":
        response = HttpResponse(transfer.export_json(), content_type="application/json")
    elif fmt == "xlsx":
        response = HttpResponse(
            transfer.export_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{stamp}.{fmt}"'
    return response
