"""Citizen pages. Views validate input, call the services and render (DESIGN.md, rules of the house).

- "Hồ sơ của tôi": the applicant's dossiers, one dossier with its history, slips, results, the answer to
  a supplement request and the withdrawal; every read through `selectors` (own dossiers only: 404 else).
- The online submission wizard: place and e-forms → documents (upload or reuse from the data store) →
  review (fee, expected return) → submit (`dossier_create`, `component_reuse`, `dossier_submit`).
- The public status lookup by code and Form 01 secret, rate-limited as the API is.
"""

from __future__ import annotations

import uuid
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.accounts.permissions import APPLICANT_KINDS
from motcua.catalog import eforms, queries
from motcua.catalog.models import EForm, Procedure, ProcedureVersion, RequiredDocument
from motcua.core.errors import ApplicationError, NotFound
from motcua.documents.services import online_submission
from motcua.documents.storage import read_document
from motcua.dossiers import services
from motcua.dossiers.deadlines import CATALOG_CHANNEL
from motcua.dossiers.inputs import ComponentInput
from motcua.dossiers.lookup import lookup_retry_after, public_status
from motcua.dossiers.models import Dossier, StoredFile
from motcua.dossiers.slips.services import slip_filename
from motcua.dossiers.storage import store_file
from motcua.web.portal import selectors, wizard
from motcua.web.portal.forms import LookupForm, PlaceForm, WithdrawForm
from motcua.web.portal.personal_data import personal_data_export

# --- my dossiers ------------------------------------------------------------------------------------------


def _page_number(value: Any) -> int:
    try:
        return min(max(int(value), 1), 10_000)
    except (TypeError, ValueError):
        return 1


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": the signed-in applicant's dossiers, newest first, 20 a page."""
    page = selectors.my_dossiers_page(user=request.user, number=_page_number(request.GET.get("page")))
    return render(request, "portal/my_dossiers.html", {"page": page, "dossiers": page.items})


def _mine(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    try:
        return selectors.my_dossier(user=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _dossier_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    detail = selectors.dossier_detail(dossier=dossier)
    kept = wizard.supplement_uploads(request.session, str(dossier.public_id))
    items = []
    if detail.open_request is not None:
        for index, text in enumerate(detail.open_request.items):
            items.append({"index": index, "text": text, "kept": kept.get(str(index))})
    return {
        "dossier": dossier,
        "detail": detail,
        "supplement_items": items,
        "supplement_other": kept.get("other"),
        "supplement_errors": {},
        "supplement_error": "",
        **extra,
    }


@login_required
def dossier_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One of the applicant's dossiers: status, appointment, history, slips, results, supplement, withdraw."""
    dossier = _mine(request, public_id)
    return render(request, "portal/dossier.html", _dossier_context(request, dossier))


def _download(stored: StoredFile, filename: str) -> FileResponse:
    response = FileResponse(
        BytesIO(read_document(stored)),
        as_attachment=True,
        filename=filename,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def component_file(request: HttpRequest, public_id: uuid.UUID, position: int) -> FileResponse:
    dossier = _mine(request, public_id)
    try:
        stored, filename = selectors.my_component_file(dossier=dossier, position=position)
    except NotFound:
        raise Http404 from None
    return _download(stored, filename)


@login_required
def slip_file(request: HttpRequest, public_id: uuid.UUID, slip_id: int) -> FileResponse:
    dossier = _mine(request, public_id)
    try:
        slip = selectors.my_slip(dossier=dossier, slip_id=slip_id)
    except NotFound:
        raise Http404 from None
    return _download(slip.file, slip_filename(slip))


@login_required
def result_file(request: HttpRequest, public_id: uuid.UUID, result_id: uuid.UUID) -> FileResponse:
    dossier = _mine(request, public_id)
    try:
        result = selectors.my_result(dossier=dossier, public_id=result_id)
    except NotFound:
        raise Http404 from None
    return _download(result.file, f"ket-qua-{dossier}.pdf")


def _version_seen(request: HttpRequest) -> int | None:
    """The dossier version the page showed (a change since then is refused as stale)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _stored_upload(upload: UploadedFile) -> wizard.Upload:
    """Store an uploaded file at once (content-addressed); `ApplicationError` says what is wrong with it."""
    filename = (upload.name or "").rsplit("/", 1)[-1][:255]
    stored = store_file(content=upload, filename=filename, content_type=upload.content_type or "")
    return wizard.Upload(file_id=stored.pk, filename=filename)


def _upload_error(error: ApplicationError) -> str:
    fields = error.fields or {}
    return str(fields.get("file") or error.message)


@login_required
@require_POST
def supplement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Answer the open supplement request with files (one per item asked, and any other)."""
    dossier = _mine(request, public_id)
    detail = selectors.dossier_detail(dossier=dossier)
    request_open = detail.open_request
    if request_open is None or not detail.may_supplement:
        messages.error(request, _("This dossier has no supplement request to answer."))
        return HttpResponseRedirect(reverse("portal:dossier", args=[dossier.public_id]))
    key = str(dossier.public_id)
    kept = wizard.supplement_uploads(request.session, key)
    errors: dict[str, str] = {}
    slots = [str(index) for index in range(len(request_open.items))] + ["other"]
    for slot in slots:
        upload = request.FILES.get(f"file-{slot}")
        if upload is None:
            continue
        try:
            kept[slot] = _stored_upload(upload)
        except ApplicationError as error:
            errors[slot] = _upload_error(error)
    wizard.save_supplement_uploads(request.session, key, kept)
    general = ""
    if not errors and not kept:
        general = _("Attach at least one file that answers the request.")
    if not errors and not general:
        components = []
        for slot in slots:
            upload_kept = kept.get(slot)
            stored = upload_kept.stored() if upload_kept else None
            if upload_kept is None or stored is None:
                continue
            name = request_open.items[int(slot)] if slot != "other" else _("Other supplementary document")
            components.append(
                ComponentInput(
                    name=str(name)[:1000],
                    provenance="uploaded",
                    file=stored,
                    filename=upload_kept.filename,
                )
            )
        action = (
            services.dossier_resubmit
            if dossier.status == Dossier.Status.SUPPLEMENT_AT_INTAKE
            else services.dossier_supplement
        )
        try:
            action(
                dossier=dossier,
                actor=request.user,
                components=components,
                expected_version=_version_seen(request),
            )
        except ApplicationError as error:
            general = str(error.message)
        else:
            wizard.save_supplement_uploads(request.session, key, {})
            messages.success(request, _("Your supplement was sent; the dossier is being handled again."))
            return HttpResponseRedirect(reverse("portal:dossier", args=[dossier.public_id]))
    context = _dossier_context(
        request,
        dossier,
        supplement_errors=errors,
        supplement_error=general or _("Correct the files marked."),
    )
    return render(request, "portal/dossier.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Withdraw the dossier, after a confirmation page that asks why."""
    dossier = _mine(request, public_id)
    if dossier.status not in selectors.WITHDRAWABLE:
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return HttpResponseRedirect(reverse("portal:dossier", args=[dossier.public_id]))
    form = WithdrawForm(request.POST or None, initial={"version": dossier.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.dossier_withdraw(
                    dossier=dossier,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your dossier was withdrawn."))
                return HttpResponseRedirect(reverse("portal:dossier", args=[dossier.public_id]))
        status = 400
    return render(request, "portal/withdraw.html", {"dossier": dossier, "form": form}, status=status)


# --- the submission wizard --------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the views are behind login_required
    return request.user


def _applicant_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", "") not in APPLICANT_KINDS:
        raise PermissionDenied(
            _("Online dossiers are submitted from a citizen's or an organisation's account.")
        )


def _submission_target(request: HttpRequest, code: str) -> tuple[Procedure, ProcedureVersion] | HttpResponse:
    """The procedure and the version a dossier submitted now is bound to, or a redirect that says why not."""
    try:
        procedure = queries.public_procedure(code=code)
    except NotFound:
        raise Http404(code) from None
    public = queries.public_version(procedure=procedure, at=queries.submission_now())
    offered = {method.channel for method in public.version.methods.all()}
    online = CATALOG_CHANNEL[Dossier.Channel.ONLINE]
    if not public.in_force or (offered and online not in offered):
        messages.error(request, _("This procedure cannot be submitted online now."))
        return HttpResponseRedirect(reverse("catalog:detail", args=[procedure.code]))
    return procedure, public.version


def _steps(version: ProcedureVersion, current: str) -> list[dict[str, Any]]:
    names = [
        ("place", _("Forms")),
        ("documents", _("Documents to submit")),
        ("review", _("Review and submit")),
    ]
    return [
        {"key": key, "label": label, "number": number, "current": key == current}
        for number, (key, label) in enumerate(names, start=1)
    ]


def _eforms(version: ProcedureVersion) -> list[EForm]:
    return list(version.eforms.all())


@login_required
@require_http_methods(["GET", "POST"])
def submit_form(request: HttpRequest, code: str, index: int = 0) -> HttpResponse:
    """Step 1: where the dossier is received and how the result returns (first page), then each e-form;
    the answers are checked field by field and what was typed is kept on an error."""
    _applicant_only(request)
    target = _submission_target(request, code)
    if isinstance(target, HttpResponse):
        return target
    procedure, version = target
    forms_list = _eforms(version)
    if index > max(len(forms_list) - 1, 0):
        raise Http404
    eform = forms_list[index] if forms_list else None
    submission = wizard.load(request.session, code, version)
    choices = selectors.receiving_choices(version=version)
    place = None
    if index == 0:
        initial = {"receiving_unit": submission.receiving_unit, "return_method": submission.return_method}
        if submission.receiving_unit is None and len(choices) == 1:
            initial["receiving_unit"] = choices[0].unit.pk
        place = PlaceForm(request.POST or None, initial=initial, choices=choices, version=version)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if eform is not None:
        values = eforms.prefill(eform.schema, request.user, submission.form_data.get(eform.key))
    if request.method == "POST":
        valid = True
        if place is not None:
            if place.is_valid():
                submission.receiving_unit = place.cleaned_data["receiving_unit"]
                submission.return_method = place.cleaned_data["return_method"]
            else:
                valid = False
        if eform is not None:
            values = eforms.data_from_form(eform.schema, request.POST)
            errors = eforms.validate(eform.schema, values)
            submission.form_data[eform.key] = values
            if errors:
                valid = False
            elif eform.key not in submission.forms_done:
                submission.forms_done.append(eform.key)
        wizard.save(request.session, code, submission)
        if valid:
            if index + 1 < len(forms_list):
                return HttpResponseRedirect(reverse("portal:submit_form_n", args=[code, index + 1]))
            return HttpResponseRedirect(reverse("portal:submit_documents", args=[code]))
    view = (
        eforms.form_view(eform.schema, eform.layout, values=values, errors=errors, id_prefix="eform")
        if eform is not None
        else None
    )
    # One error summary at the top of the page: where-and-how first, then the e-form's fields.
    summary: list[tuple[str, str, str]] = []
    if place is not None and place.is_bound:
        summary += [
            (place[name].auto_id, str(place[name].label), " ".join(str(e) for e in errors))
            for name, errors in place.errors.items()
        ]
    if view is not None:
        summary += view.summary
        view.summary = []
    context = {
        "procedure": procedure,
        "version": version,
        "steps": _steps(version, "place"),
        "place": place,
        "place_choices": choices,
        "eform": eform,
        "form": view,
        "index": index,
        "count": len(forms_list),
        "summary": summary,
    }
    return render(
        request, "portal/submit_form.html", context, status=400 if request.method == "POST" else 200
    )


def _document_rows(
    request: HttpRequest, documents: list[RequiredDocument], submission: wizard.Submission
) -> list[dict[str, Any]]:
    candidates = selectors.reuse_candidates(user=request.user, documents=documents)
    rows = []
    for document in documents:
        key = str(document.pk)
        rows.append(
            {
                "document": document,
                "key": key,
                "required": selectors.must_submit(document),
                "candidates": candidates.get(document.pk, []),
                "upload": submission.uploads.get(key),
                "reused": submission.reused.get(key, ""),
                "error": "",
            }
        )
    return rows


def _first_missing_step(code: str, version: ProcedureVersion, submission: wizard.Submission) -> str | None:
    if not submission.placed():
        return reverse("portal:submit_form", args=[code])
    for index, eform in enumerate(_eforms(version)):
        if eform.key not in submission.forms_done:
            return reverse("portal:submit_form_n", args=[code, index])
    return None


@login_required
@require_http_methods(["GET", "POST"])
def submit_documents(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: each document to submit, uploaded (stored at once, kept across errors) or taken from the
    applicant's data store."""
    _applicant_only(request)
    target = _submission_target(request, code)
    if isinstance(target, HttpResponse):
        return target
    procedure, version = target
    submission = wizard.load(request.session, code, version)
    missing = _first_missing_step(code, version, submission)
    if missing:
        return HttpResponseRedirect(missing)
    documents = selectors.submittable_documents(version=version)
    rows = _document_rows(request, documents, submission)
    general = ""
    if request.method == "POST":
        for row in rows:
            key, document = row["key"], row["document"]
            upload = request.FILES.get(f"file-{key}")
            choice = request.POST.get(f"source-{key}", "")
            if upload is not None:
                try:
                    submission.uploads[key] = row["upload"] = _stored_upload(upload)
                except ApplicationError as error:
                    row["error"] = _upload_error(error)
                    continue
                submission.reused.pop(key, None)
                row["reused"] = ""
            elif choice.startswith("store:"):
                item = selectors.store_item_of(
                    user=request.user, public_id=choice.removeprefix("store:"), document=document
                )
                if item is None:
                    row["error"] = _("This document of your data store cannot be used; choose another.")
                    continue
                submission.reused[key] = row["reused"] = str(item.public_id)
            elif choice == "upload" and key in submission.reused:
                submission.reused.pop(key)
                row["reused"] = ""
            if row["required"] and not row["reused"] and not row["upload"]:
                row["error"] = _("Upload this document or choose one from your data store.")
        wizard.save(request.session, code, submission)
        if not any(row["error"] for row in rows):
            return HttpResponseRedirect(reverse("portal:submit_review", args=[code]))
        general = _("Correct the documents marked.")
    context = {
        "procedure": procedure,
        "version": version,
        "steps": _steps(version, "documents"),
        "rows": rows,
        "general": general,
        "back": reverse("portal:submit_form", args=[code]),
    }
    return render(request, "portal/submit_documents.html", context, status=400 if general else 200)


def _review_context(
    request: HttpRequest, procedure: Procedure, version: ProcedureVersion, submission: wizard.Submission
) -> dict[str, Any]:
    choices = {choice.unit.pk: choice for choice in selectors.receiving_choices(version=version)}
    place = choices.get(submission.receiving_unit or 0)
    documents = selectors.submittable_documents(version=version)
    rows = []
    for row in _document_rows(request, documents, submission):
        item = None
        if row["reused"]:
            item = next((c for c in row["candidates"] if str(c.public_id) == row["reused"]), None)
        if row["upload"] or item or row["required"]:
            rows.append({**row, "item": item})
    answers = []
    for eform in _eforms(version):
        view = eforms.form_view(eform.schema, eform.layout, values=submission.form_data.get(eform.key, {}))
        answers.append({"eform": eform, "form": view})
    estimate = (
        selectors.submission_estimate(version=version, competent=place.competent, at=queries.submission_now())
        if place is not None
        else None
    )
    methods = dict(_return_labels())
    return {
        "procedure": procedure,
        "version": version,
        "steps": _steps(version, "review"),
        "place": place,
        "return_label": methods.get(submission.return_method, ""),
        "rows": rows,
        "answers": answers,
        "estimate": estimate,
    }


def _return_labels() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Dossier.ReturnMethod.choices]


def _components(
    request: HttpRequest, version: ProcedureVersion, submission: wizard.Submission
) -> tuple[list[ComponentInput], list[tuple[Any, RequiredDocument]]]:
    """The uploads as the services take them, and the store items to reuse with their documents."""
    uploaded: list[ComponentInput] = []
    reused: list[tuple[Any, RequiredDocument]] = []
    for document in selectors.submittable_documents(version=version):
        key = str(document.pk)
        if key in submission.reused:
            item = selectors.store_item_of(
                user=request.user, public_id=submission.reused[key], document=document
            )
            if item is not None:
                reused.append((item, document))
                continue
        upload = submission.uploads.get(key)
        stored = upload.stored() if upload else None
        if upload is not None and stored is not None:
            uploaded.append(
                ComponentInput(
                    name=document.name,
                    provenance="uploaded",
                    file=stored,
                    filename=upload.filename,
                    required_document=document,
                )
            )
    return uploaded, reused


@login_required
@require_http_methods(["GET", "POST"])
def submit_review(request: HttpRequest, code: str) -> HttpResponse:
    """Step 3: everything once more, the fee and the expected return date; submit."""
    _applicant_only(request)
    target = _submission_target(request, code)
    if isinstance(target, HttpResponse):
        return target
    procedure, version = target
    submission = wizard.load(request.session, code, version)
    missing = _first_missing_step(code, version, submission)
    if missing:
        return HttpResponseRedirect(missing)
    context = _review_context(request, procedure, version, submission)
    if context["place"] is None:
        return HttpResponseRedirect(reverse("portal:submit_form", args=[code]))
    if request.method == "POST":
        uploaded, reused = _components(request, version, submission)
        try:
            dossier = online_submission(
                actor=_user(request),
                procedure=procedure,
                receiving_unit=context["place"].unit,
                form_data=submission.form_data,
                components=uploaded,
                reused=reused,
                return_method=submission.return_method,
                key=submission.key,
            )
        except ApplicationError as error:
            context["error"] = str(error.message)
            context["error_fields"] = list((error.fields or {}).values())
            return render(request, "portal/submit_review.html", context, status=400)
        wizard.forget(request.session, code)
        messages.success(
            request,
            _(
                "Your dossier was submitted. The receiving unit checks it, then gives it a code and an "
                "appointment."
            ),
        )
        return HttpResponseRedirect(reverse("portal:dossier", args=[dossier.public_id]))
    return render(request, "portal/submit_review.html", context)


@login_required
@require_http_methods(["GET"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything motcua holds about the signed-in person, as a JSON download (ND 13/2023)."""
    document = personal_data_export(user=request.user)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan-motcua.json"'
    response["Cache-Control"] = "no-store"
    return response


# --- public lookup ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Anyone with the code and the 6-character secret of Form 01 sees where the dossier stands (nothing
    personal). Every attempt counts against the client's address, as the API's lookup does."""
    # The QR code of Form 01 and the SMS open this page with `?code=` (motcua/dossiers/slips/qr.py).
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("code", "")[:64]})
    context: dict[str, Any] = {"form": form, "result": None, "problem": ""}
    if request.method != "POST":
        return render(request, "portal/lookup.html", context)
    wait = lookup_retry_after(request)
    if wait is not None:
        context["problem"] = _("Too many lookups from your address; try again in %(seconds)d seconds.") % {
            "seconds": wait
        }
        response = render(request, "portal/lookup.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return render(request, "portal/lookup.html", context, status=400)
    result = public_status(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
    if result is None:
        context["problem"] = _(
            "No dossier matches this code and secret; check both on the receipt (Form 01)."
        )
        return render(request, "portal/lookup.html", context, status=404)
    context["result"] = result
    return render(request, "portal/lookup.html", context)
