"""Staff pages. Views check who may open the page, read through `selectors`, call one service per action
and render; the services decide every rule (DESIGN.md, rules of the house).

Permissions: anonymous people are sent to the login page; citizens and organisations get 403 (their pages
are the portal's); a dossier or an intake note the officer may not see answers 404, as one that does not
exist. Actions post to `/can-bo/ho-so/<id>/<action>/`; with htmx the answer is the dossier's block drawn
again (one round trip), without JavaScript a redirect to the page.
"""

from __future__ import annotations

import uuid
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.models import Role
from motcua.core.errors import ApplicationError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierSlip, StoredFile
from motcua.dossiers.privacy import COMPONENT_FILE_FIELDS, SLIP_FIELDS, dossier_personal_data_read
from motcua.dossiers.queues import QueueFilters
from motcua.dossiers.slips.services import slip_filename, slip_issue_for_intake_note, slip_render
from motcua.dossiers.storage import open_file
from motcua.web.backoffice import selectors
from motcua.web.backoffice.actions import ACTIONS
from motcua.web.backoffice.intake import RETURN_METHODS, IntakeForm, eform_views, receive_at_counter
from motcua.web.permissions import can_open_workspace

INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def staff_page(view: Any) -> Any:
    """Login required; staff only (403 for applicants)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_open_workspace(request.user):
            raise PermissionDenied(_("This page is for the staff of the agencies."))
        return view(request, *args, **kwargs)

    return wrapped


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _file_response(stored: StoredFile, filename: str, *, inline: bool = False) -> FileResponse:
    response = FileResponse(open_file(stored), as_attachment=not inline, filename=filename)
    response["Content-Type"] = stored.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- dashboard ------------------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[QueueFilters, str, dict[str, str]]:
    errors: dict[str, str] = {}
    procedure = None
    raw_procedure = request.GET.get("procedure", "").strip()
    if raw_procedure:
        if raw_procedure.isdigit():
            procedure = int(raw_procedure)
        else:
            errors["procedure"] = _("Choose a procedure from the list.")
    filters = QueueFilters(
        status=request.GET.get("status") or None,
        procedure=procedure,
        channel=request.GET.get("channel") or None,
    )
    order = request.GET.get("order") or "due"
    return filters, order, errors


@require_GET
@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff member's dashboard: their queue per role (keyset pages), the late and at-risk dossiers,
    and the counts per status from the counters."""
    filters, order, errors = _filters(request)
    role = request.GET.get("role") or None
    after = request.GET.get("after") or None
    try:
        board = selectors.dashboard(user=request.user, role=role, filters=filters, order=order, after=after)
    except ApplicationError as error:
        errors.update({name: str(text) for name, text in error.fields.items()})
        errors.setdefault("", str(error.message))
        board = selectors.dashboard(user=request.user, role=role, filters=QueueFilters(), order="due")
    context = {
        "board": board,
        "errors": errors,
        "filters": request.GET,
        "procedures": selectors.procedures_for_filter(),
        "channels": Dossier.Channel.choices,
        "statuses": [(s, Dossier.Status(s).label) for s in (board.page.statuses if board.page else ())],
        "can_intake": Role.INTAKE_OFFICER in board.roles,
        "can_reassign": Role.LEADER in board.roles or Role.SUPERVISOR in board.roles,
    }
    if _is_htmx(request) and after:
        return render(request, "backoffice/_queue_rows.html", context)
    return render(request, "backoffice/dashboard.html", context)


# --- the dossier page -------------------------------------------------------------------------------------


def _dossier_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    page = selectors.dossier_page(user=request.user, dossier=dossier)
    actions = [ACTIONS[name] for name in page.actions]
    return {
        "page": page,
        "dossier": page.dossier,
        "actions": actions,
        "return_methods": [(m, Dossier.ReturnMethod(m).label) for m in RETURN_METHODS if m != "electronic"],
        "errors": {},
        "values": QueryDict(),
        "open_action": "",
        **extra,
    }


@require_GET
@staff_page
def dossier_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    # The page shows the applicant's identity, address and contacts to a civil servant: logged (ND 13/2023).
    dossier_personal_data_read(reader=request.user, dossier=dossier)
    return render(request, "backoffice/dossier.html", _dossier_context(request, dossier))


@require_POST
@staff_page
def dossier_action(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    """One action: the version the officer saw, the service, then the dossier drawn again."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = dossier.version
    try:
        spec.perform(dossier, request.user, version, request.POST, request.FILES)
    except ApplicationError as error:
        dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
        context = _dossier_context(
            request,
            dossier,
            errors={name: str(text) for name, text in error.fields.items()},
            error_message=str(error.message),
            values=request.POST,
            open_action=action,
        )
        if _is_htmx(request):
            return render(request, "backoffice/_dossier.html", context)
        return render(request, "backoffice/dossier.html", context, status=error.status)
    done = _("Done: %(action)s.") % {"action": spec.label}
    if not _is_htmx(request):
        messages.success(request, done)
        return redirect("backoffice:dossier", public_id=public_id)
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    return render(request, "backoffice/_dossier.html", _dossier_context(request, dossier, done_message=done))


@require_GET
@staff_page
def dossier_component(request: HttpRequest, public_id: uuid.UUID, position: int) -> FileResponse:
    """A component's file: PDF and images open in the browser (preview), others download."""
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    component = selectors.component_get(dossier=dossier, position=position)
    assert component.file is not None
    inline = component.file.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    dossier_personal_data_read(reader=request.user, dossier=dossier, fields=COMPONENT_FILE_FIELDS)
    return _file_response(component.file, component.filename or f"{dossier}-{position}", inline=inline)


@require_GET
@staff_page
def dossier_slip(request: HttpRequest, public_id: uuid.UUID, form: str) -> FileResponse:
    """The latest slip of a form (Form 01: the receipt), rendered now if the background task has not
    issued it yet."""
    if form not in DossierSlip.Form.values or form == DossierSlip.Form.TRACKING_BOOK:
        raise Http404
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    slip = selectors.latest_slip(dossier=dossier, form=form)
    if slip is None:
        try:
            slip = slip_render(dossier=dossier, form=form)
        except ApplicationError as error:
            raise Http404(str(error.message)) from None
    dossier_personal_data_read(reader=request.user, dossier=dossier, fields=SLIP_FIELDS)
    return _file_response(slip.file, slip_filename(slip))


@require_GET
@staff_page
def dossier_signed(request: HttpRequest, public_id: uuid.UUID, document: uuid.UUID) -> FileResponse:
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    signed = selectors.signed_document_get(dossier=dossier, public_id=document)
    return _file_response(signed.file, f"ket-qua-{dossier.code or dossier.public_id}.pdf")


# --- counter intake ----------------------------------------------------------------------------------------


def _require_intake_officer(request: HttpRequest) -> list[Any]:
    units = selectors.intake_units(user=request.user)
    if not units:
        raise PermissionDenied(_("Only intake officers receive dossiers at the counter."))
    return units


def _intake_context(
    request: HttpRequest, units: list[Any], state: IntakeForm, *, unit: Any, code: str
) -> dict[str, Any]:
    procedure = selectors.intake_procedure_get(code=code) if code else None
    intake = None
    problem = ""
    if code and procedure is None:
        problem = _("No procedure that accepts dossiers in person has this code; choose one from the list.")
    if procedure is not None:
        try:
            intake = selectors.intake_version(procedure=procedure)
        except ApplicationError as error:
            problem = str(error.message)
    forms = list(intake.version.eforms.all()) if intake else []
    return {
        "units": units,
        "unit": unit,
        "procedures": selectors.intake_procedures(),
        "procedure": procedure,
        "intake": intake,
        "problem": problem,
        "state": state,
        # Names this form: sent twice (a double click, a retried POST), it receives one dossier.
        "submission_key": state.values.get("submission") or str(uuid.uuid4()),
        "values": state.values,
        "errors": state.errors,
        "eforms": eform_views(forms, state.values, state.errors),
        "return_methods": [
            (m, Dossier.ReturnMethod(m).label)
            for m in RETURN_METHODS
            if intake is None or _offers(intake.version, m)
        ],
    }


def _offers(version: Any, method: str) -> bool:
    return bool(
        {
            "counter": version.return_at_counter,
            "authorised": version.return_at_counter,
            "post": version.return_by_post,
            "electronic": version.return_electronically,
        }[method]
    )


@require_http_methods(["GET", "POST"])
@staff_page
def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake: the procedure, the applicant (prefilled by ID number), the papers checked off and
    scanned (several files at once), received in one step; then the receipt (Form 01)."""
    units = _require_intake_officer(request)
    source = request.POST if request.method == "POST" else request.GET
    unit = selectors.intake_unit_get(user=request.user, unit_id=source.get("unit"))
    code = source.get("procedure", "").strip()
    if request.method == "GET":
        state = IntakeForm(values=request.GET)
        return render(
            request, "backoffice/intake.html", _intake_context(request, units, state, unit=unit, code=code)
        )
    procedure = selectors.intake_procedure_get(code=code)
    state = IntakeForm(values=request.POST)
    if unit is None:
        state.errors["unit"] = _("Choose the counter that receives the dossier.")
    if procedure is None:
        state.errors["procedure"] = _("Choose the procedure.")
    if unit is not None and procedure is not None:
        try:
            version = selectors.intake_version(procedure=procedure)
        except ApplicationError as error:
            state.errors["procedure"] = str(error.message)
        else:
            dossier, state = receive_at_counter(
                user=request.user,
                unit=unit,
                procedure=procedure,
                intake=version,
                values=request.POST,
                files=request.FILES,
            )
            if dossier is not None:
                return redirect("backoffice:intake_done", public_id=dossier.public_id)
    if state.errors and not state.message:
        state.message = _("Correct the fields marked.")
    context = _intake_context(request, units, state, unit=unit, code=code)
    return render(request, "backoffice/intake.html", context, status=400)


@require_POST
@staff_page
def intake_applicant(request: HttpRequest) -> HttpResponse:
    """htmx: the applicant's fields prefilled from the latest dossier with this ID number. A POST, so
    that the ID number never lands in a URL (and so in no access log)."""
    _require_intake_officer(request)
    identifier = request.POST.get("applicant_identifier", "").strip()
    found = selectors.applicant_prefill(user=request.user, identifier=identifier)
    values = request.POST.copy()
    if found:
        for key, value in found.items():
            values[key] = value
    context = {"values": values, "errors": {}, "prefilled": found is not None, "looked_up": bool(identifier)}
    return render(request, "backoffice/_applicant.html", context)


@require_GET
@staff_page
def intake_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = selectors.dossier_for_page(user=request.user, public_id=public_id)
    return render(request, "backoffice/intake_done.html", {"dossier": dossier})


# --- Form 02 without a dossier -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def guidance(request: HttpRequest) -> HttpResponse:
    """Guidance for a walk-in whose papers are incomplete: what to add (Form 02), no dossier created."""
    units = _require_intake_officer(request)
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        unit = selectors.intake_unit_get(user=request.user, unit_id=values.get("unit"))
        procedure = selectors.intake_procedure_get(code=values.get("procedure", ""))
        if unit is None:
            errors["unit"] = _("Choose the counter that receives the dossier.")
        if procedure is None:
            errors["procedure"] = _("Choose the procedure.")
        if unit is not None and procedure is not None:
            try:
                note = services.intake_guidance_record(
                    actor=request.user,
                    receiving_unit=unit,
                    procedure=procedure,
                    applicant_name=values.get("applicant_name", ""),
                    items=[line.strip() for line in values.get("items", "").splitlines() if line.strip()],
                    note=values.get("note", ""),
                )
            except ApplicationError as error:
                errors.update({name: str(text) for name, text in error.fields.items()})
                message = str(error.message)
            else:
                return redirect("backoffice:guidance_done", note_id=note.pk)
        message = message or _("Correct the fields marked.")
    context = {
        "units": units,
        "procedures": selectors.intake_procedures(),
        "values": values,
        "errors": errors,
        "message": message,
    }
    return render(request, "backoffice/guidance.html", context, status=400 if errors else 200)


@require_GET
@staff_page
def guidance_done(request: HttpRequest, note_id: int) -> HttpResponse:
    note = selectors.intake_note_get(user=request.user, note_id=note_id)
    return render(request, "backoffice/guidance_done.html", {"note": note})


@require_GET
@staff_page
def guidance_slip(request: HttpRequest, note_id: int) -> FileResponse:
    note = selectors.intake_note_get(user=request.user, note_id=note_id)
    slip = selectors.intake_note_slip(note=note)
    if slip is None:
        # Issued by the background task after the guidance commits; issued here if it has not run yet.
        slip = slip_issue_for_intake_note(note=note) or selectors.intake_note_slip(note=note)
    if slip is None:
        raise Http404
    return _file_response(slip.file, slip_filename(slip))


# --- reassigning an absent officer's queue -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def reassign_queue(request: HttpRequest) -> HttpResponse:
    """A leader or supervisor gives every open step of an absent officer to someone else, dossier by
    dossier (one `dossier_reassign` each: a dossier that cannot move is named with the reason)."""
    if not selectors.managed_units(user=request.user).exists():
        raise PermissionDenied(_("Only leaders and supervisors reassign dossiers."))
    source = request.POST if request.method == "POST" else request.GET
    absent = selectors.user_get(user_id=source.get("absent"))
    candidates = selectors.absent_candidates(user=request.user)
    if absent is not None and absent.pk not in {person.pk for person in candidates}:
        absent = None
    steps = selectors.open_steps_of(user=request.user, absent=absent) if absent else []
    errors: dict[str, str] = {}
    failures: list[tuple[Any, str]] = []
    moved = 0
    if request.method == "POST":
        assignee = selectors.user_get(user_id=source.get("assignee"))
        if absent is None:
            errors["absent"] = _("Choose the absent officer.")
        if assignee is None:
            errors["assignee"] = _("Choose who takes the dossiers over.")
        if not errors:
            for step in steps:
                try:
                    services.dossier_reassign(dossier=step.dossier, actor=request.user, assignee=assignee)
                    moved += 1
                except ApplicationError as error:
                    failures.append((step.dossier, str(error.message)))
            messages.success(
                request,
                _("%(count)d dossier(s) given to %(name)s.") % {"count": moved, "name": str(assignee)},
            )
            if not failures:
                return redirect(reverse("backoffice:reassign") + f"?absent={absent.pk}" if absent else "")
            steps = selectors.open_steps_of(user=request.user, absent=absent) if absent else []
    context = {
        "candidates": candidates,
        "absent": absent,
        "steps": steps,
        "assignees": selectors.reassign_candidates(open_steps=steps) if steps else [],
        "values": source,
        "errors": errors,
        "failures": failures,
    }
    return render(request, "backoffice/reassign.html", context, status=400 if errors else 200)
