"""Dossiers API (issue 5 item 11): create, read, search, act, events, files and slips; the public status
lookup (item 10).

    POST /api/v1/dossiers                         a draft; channel=direct + receive=true: counter intake
    GET  /api/v1/dossiers?code=&status=&...       search the dossiers you may see (keyset pages)
    GET  /api/v1/dossiers/{id}                    one dossier (ETag: its version)
    POST /api/v1/dossiers/{id}/{action}           submit, receive, ... (If-Match required)
    GET  /api/v1/dossiers/{id}/events             what happened, in order
    GET  /api/v1/dossiers/{id}/slips[/{form}]     the slips issued (forms 01–07), PDF
    GET  /api/v1/dossiers/{id}/components/{n}/file   a component's file
    GET  /api/v1/dossiers/tracking-book?unit=...  Form 07, the unit's tracking book (PDF or Excel)
    GET  /api/v1/dossiers/queue?role=...          the work queue of one of your roles (keyset pages)
    GET  /api/v1/dossiers/queue/counts?role=...   dossiers per status in that queue's units
    POST /api/v1/dossiers/uploads                 store a file (multipart) for a later component
    POST /api/v1/dossiers/lookup                  public: status by code and Form 01 secret

Writes accept `Idempotency-Key` (`motcua.dossiers.idempotency`); actions require `If-Match`
(`motcua.dossiers.concurrency`). Every read goes through `Dossier.objects.visible_to(user)`: a dossier
the user may not see answers 404, as one that does not exist. Handlers only translate: the services
decide every rule.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core import signing
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from motcua.accounts.auth import api_auth
from motcua.accounts.models import User
from motcua.accounts.permissions import APPLICANT_KINDS
from motcua.catalog.models import Procedure, ProcedureVersion, Sector
from motcua.catalog.selectors import procedure_get, procedure_version_for_submission
from motcua.core.errors import ApplicationError, NotFound
from motcua.dossiers import services
from motcua.dossiers.concurrency import etag, expected_version
from motcua.dossiers.idempotency import idempotent
from motcua.dossiers.inputs import Applicant, ComponentInput, Representative
from motcua.dossiers.lookup import lookup_retry_after, public_status, public_status_json
from motcua.dossiers.models import Dossier, DossierComponent, DossierSlip, StoredFile
from motcua.dossiers.privacy import COMPONENT_FILE_FIELDS, SLIP_FIELDS, dossier_personal_data_read
from motcua.dossiers.queues import QueueFilters, queue_counts, queue_rows
from motcua.dossiers.schemas import (
    CHANNEL_CODE,
    CHANNEL_NAME,
    ApologyIn,
    ApproveIn,
    ComponentIn,
    ComponentsIn,
    DossierCreateIn,
    DossierOut,
    DossierPageOut,
    DossiersQuery,
    EventOut,
    ForwardIn,
    LookupIn,
    NoteIn,
    PublicStatusOut,
    QueueCountsQuery,
    QueuePageOut,
    QueueQuery,
    ReasonIn,
    ReassignIn,
    ReturnIn,
    SlipOut,
    SupplementRequestIn,
    TrackingBookQuery,
    UploadOut,
    summary,
)
from motcua.dossiers.selectors import dossier_events, dossier_get
from motcua.dossiers.slips.selectors import dossier_slips
from motcua.dossiers.slips.services import slip_filename
from motcua.dossiers.slips.tracking_book import tracking_book_pdf, tracking_book_xlsx
from motcua.dossiers.storage import open_file, store_file
from motcua.organizations.models import Unit

router = Router(auth=api_auth, tags=["dossiers"])

UPLOAD_SALT = "motcua.dossiers.upload"
UPLOAD_MAX_AGE = 24 * 3600
CURSOR_PREFIX = "v1:"
ACTION_RESPONSES: dict[int, Any] = {200: DossierOut}


# --- helpers ------------------------------------------------------------------------------------------


def _invalid(fields: dict[str, str]) -> ApplicationError:
    """The 422 problem of a request whose fields do not name what they should."""
    return ApplicationError(
        _("Some fields are not valid; correct them and try again."),
        code="validation_error",
        status=422,
        fields=fields,
    )


def _detail(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(
        "procedure",
        "procedure_version",
        "receiving_unit",
        "competent_unit",
        "assignee",
        "current_step",
    ).get(pk=dossier.pk)


def _dossier_response(dossier: Dossier, *, status: int = 200, reload: bool = True) -> HttpResponse:
    """The dossier as DossierOut, with its ETag (and its Location when just created). `reload`: read it
    again with its relations (a service returns the bare locked row)."""
    if reload:
        dossier = _detail(dossier)
    response = JsonResponse(DossierOut.from_orm(dossier).model_dump(mode="json"), status=status)
    response["ETag"] = etag(dossier)
    if status == 201:
        response["Location"] = reverse("api:dossier_get", kwargs={"public_id": dossier.public_id})
    return response


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _procedure(code: str) -> Procedure:
    try:
        return procedure_get(code=code.strip())
    except NotFound:
        raise _invalid({"procedure": _("No procedure has this code.")}) from None


def _unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise _invalid({field: _("No unit has this identifier.")})
    return unit


def _assignee(user_id: int | None) -> User | None:
    """The user named as assignee; an unknown or deactivated account is refused like an unsuitable one
    (the service's "invalid_assignee"), so that account ids cannot be probed."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("This person cannot take the step."),
            code="invalid_assignee",
            fields={"assignee": _("Choose someone who holds the step's role in its unit.")},
        )
    return user


def upload_token(*, stored: StoredFile, user: User, filename: str) -> str:
    """A token naming an uploaded file for its uploader only, for `UPLOAD_MAX_AGE` seconds."""
    return signing.dumps({"file": stored.pk, "user": user.pk, "name": filename}, salt=UPLOAD_SALT)


def _uploaded(token: str, user: User) -> tuple[StoredFile, str] | None:
    try:
        value = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("user") != user.pk or not isinstance(value.get("file"), int):
        return None
    stored = StoredFile.objects.filter(pk=value["file"]).first()
    return (stored, str(value.get("name", ""))) if stored else None


def _components(
    items: Sequence[ComponentIn],
    *,
    user: User,
    version: Callable[[], ProcedureVersion],
) -> list[ComponentInput]:
    """The API's components as the services take them: upload tokens, reused components and required
    documents resolved (each to what this user may name)."""
    errors: dict[str, str] = {}
    resolved: list[ComponentInput] = []
    documents: dict[str, Any] | None = None
    for index, item in enumerate(items):
        key = f"components.{index}"
        file, filename, source, document = None, "", None, None
        if item.upload:
            found = _uploaded(item.upload, user)
            if found is None:
                errors[f"{key}.upload"] = _("The upload is unknown or has expired; upload the file again.")
            else:
                file, filename = found
        if item.source is not None:
            source = (
                DossierComponent.objects.filter(
                    dossier__in=Dossier.objects.visible_to(user).filter(public_id=item.source.dossier),
                    position=item.source.position,
                )
                .select_related("dossier")
                .first()
            )
            if source is None:
                errors[f"{key}.source"] = _("No component you may see is at this position of that dossier.")
        if item.required_document:
            if documents is None:
                documents = {doc.name: doc for doc in version().documents.all()}
            document = documents.get(item.required_document.strip())
            if document is None:
                errors[f"{key}.required_document"] = _("The procedure asks for no document of this name.")
        resolved.append(
            ComponentInput(
                name=item.name,
                provenance=item.provenance,
                file=file,
                filename=filename,
                source_component=source,
                reference=item.reference,
                required_document=document,
            )
        )
    if errors:
        raise ApplicationError(_("Correct the components marked."), code="invalid_components", fields=errors)
    return resolved


def _applicant(request: HttpRequest, payload: DossierCreateIn) -> Applicant | User:
    """An applicant's account applies in its own name; staff file for the applicant they describe."""
    user = _user(request)
    if user.kind in APPLICANT_KINDS:
        if payload.applicant is not None:
            raise _invalid({"applicant": _("You apply in your own name; leave this field out.")})
        return user
    if payload.applicant is None:
        raise _invalid({"applicant": _("Describe the applicant you file this dossier for.")})
    return Applicant(**payload.applicant.model_dump())


def _act(
    request: HttpRequest, public_id: uuid.UUID, perform: Callable[[Dossier, int], Dossier]
) -> HttpResponse:
    """One action: the version the client saw (If-Match), the dossier it may see, once per key."""
    version = expected_version(request)
    dossier = dossier_get(user=_user(request), public_id=public_id)
    return idempotent(request, lambda: _dossier_response(perform(dossier, version)))


# --- create, read, search -----------------------------------------------------------------------------


@router.post("", response={201: DossierOut}, summary="Create a dossier, or receive one at the counter")
def create_dossier(request: HttpRequest, payload: DossierCreateIn) -> HttpResponse:
    """A draft (the applicant online, an officer for a paper dossier). With `channel=direct` and
    `receive=true`: counter intake, created, submitted and received in one transaction (code,
    appointment and Form 01). Components name files by the token of `POST /uploads`."""

    def perform() -> HttpResponse:
        user = _user(request)
        procedure = _procedure(payload.procedure)
        receiving_unit = _unit(payload.receiving_unit, "receiving_unit")
        assert receiving_unit is not None
        competent_unit = _unit(payload.competent_unit, "competent_unit")
        applicant = _applicant(request, payload)
        if payload.receive and payload.channel != "direct":
            raise _invalid({"receive": _("Only a dossier handed in at the counter is received in one call.")})
        components = _components(
            payload.components,
            user=user,
            version=lambda: procedure_version_for_submission(procedure=procedure, at=timezone.now()),
        )
        representative = (
            Representative(**payload.representative.model_dump()) if payload.representative else None
        )
        common: dict[str, Any] = {
            "actor": user,
            "procedure": procedure,
            "applicant": applicant,
            "receiving_unit": receiving_unit,
            "form_data": payload.form_data,
            "components": components,
            "return_method": payload.return_method,
            "representative": representative,
            "competent_unit": competent_unit,
        }
        if payload.receive:
            dossier = services.counter_intake(**common)
        else:
            dossier = services.dossier_create(
                channel=CHANNEL_CODE[payload.channel], postmarked_at=payload.postmarked_at, **common
            )
        return _dossier_response(dossier, status=201)

    return idempotent(request, perform)


def _cursor_id(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(cursor)
        return int(text.removeprefix(CURSOR_PREFIX))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid({"cursor": _("This cursor is not valid; start again from the first page.")}) from None


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{last_id}".encode()).decode().rstrip("=")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get("", response=DossierPageOut, summary="Search the dossiers you may see")
def list_dossiers(request: HttpRequest, query: Query[DossiersQuery]) -> HttpResponse:
    """Newest first, in pages of `limit` (at most 100) with an opaque `next_cursor`; never counted.
    `code` finds one dossier by its code. `unit`: received or decided in the unit or below it."""
    dossiers = Dossier.objects.visible_to(_user(request))
    if query.code:
        dossiers = dossiers.filter(code=query.code.strip())
    if query.status:
        dossiers = dossiers.filter(status__in=query.status)
    if query.procedure:
        dossiers = dossiers.filter(procedure__code=query.procedure.strip())
    if query.unit is not None:
        unit = _unit(query.unit, "unit")
        assert unit is not None
        subtree = Unit.objects.subtree_of(unit).values("pk")
        dossiers = dossiers.filter(Q(receiving_unit__in=subtree) | Q(competent_unit__in=subtree))
    if query.channel:
        dossiers = dossiers.filter(channel=CHANNEL_CODE[query.channel])
    if query.received_from:
        dossiers = dossiers.filter(received_at__gte=_day_start(query.received_from))
    if query.received_to:
        dossiers = dossiers.filter(received_at__lt=_day_start(query.received_to + dt.timedelta(days=1)))
    if query.cursor:
        dossiers = dossiers.filter(pk__lt=_cursor_id(query.cursor))
    page = list(
        dossiers.select_related("procedure", "receiving_unit", "competent_unit").order_by("-pk")[
            : query.limit + 1
        ]
    )
    more = len(page) > query.limit
    page = page[: query.limit]
    return JsonResponse(
        {
            "items": [summary(dossier) for dossier in page],
            "next_cursor": _cursor(page[-1].pk) if more else None,
        }
    )


@router.get("/queue", response=QueuePageOut, summary="A work queue")
def queue(request: HttpRequest, query: Query[QueueQuery]) -> HttpResponse:
    """The dossiers waiting on you in one of your roles, most pressing first (order "due") or oldest
    receipt first ("received"), with their urgency (due, working minutes left, late, at risk, paused),
    in keyset pages: a page costs the same at the end of a million dossiers as at the start."""
    procedure = _procedure(query.procedure) if query.procedure else None
    filters = QueueFilters(
        status=query.status,
        procedure=procedure.pk if procedure else None,
        channel=CHANNEL_CODE[query.channel] if query.channel else None,
        due_before=query.due_before,
    )
    try:
        page = queue_rows(
            user=_user(request),
            role=query.role,
            filters=filters,
            order=query.order,
            after=query.cursor,
            limit=query.limit,
            shape=_queue_dossier,
        )
    except ApplicationError as error:
        if "after" in error.fields:  # the selector's name for what the API calls `cursor`
            error.fields["cursor"] = error.fields.pop("after")
        raise
    tz = timezone.get_current_timezone()
    labels = _status_labels(translation.get_language())

    def iso(value: dt.datetime | None) -> str | None:  # `local_iso` without a time-zone lookup per value
        return value.astimezone(tz).isoformat() if value is not None else None

    items = [
        {
            "dossier": {**row.shaped, "status_label": labels[row.values["status"]]},
            "lane": row.lane,
            "urgency": {
                "due_at": iso(row.urgency.due_at),
                "left_minutes": row.urgency.left_minutes,
                "late": row.urgency.late,
                "at_risk": row.urgency.at_risk,
                "paused": row.urgency.paused,
            },
        }
        for row in page.rows
    ]
    response = JsonResponse(
        {
            "items": items,
            "next_cursor": page.next_cursor,
            "order": page.order,
            "statuses": list(page.statuses),
        }
    )
    response["X-Queue-Cache"] = "hit" if page.cached else "miss"  # what bench/dossiers.py counts
    return response


@functools.cache
def _status_labels(language: str | None) -> dict[str, str]:
    """The statuses' labels in a language (the view runs with the request's language active)."""
    return {status: str(label) for status, label in Dossier.Status.choices}


def _queue_dossier(row: dict[str, Any]) -> dict[str, Any]:
    """`schemas.summary` from a queue row's values (`queues.ROW_FIELDS`) instead of a model object, but its
    `status_label` (the language is the request's; the view sets it): computed once per cached page."""
    tz = timezone.get_default_timezone()  # the API answers in the installation's zone (`local_iso`)

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value is not None else None

    return {
        "id": str(row["public_id"]),
        "code": row["code"],
        "status": row["status"],
        "status_label": None,
        "channel": CHANNEL_NAME[row["channel"]],
        "procedure": {"code": row["procedure__code"], "name": row["procedure__name"]},
        "applicant_name": row["applicant_name"],
        "receiving_unit": {"id": row["receiving_unit_id"], "name": row["receiving_unit__name"]},
        "competent_unit": {"id": row["competent_unit_id"], "name": row["competent_unit__name"]},
        "created_at": iso(row["created_at"]),
        "submitted_at": iso(row["submitted_at"]),
        "received_at": iso(row["received_at"]),
        "appointment_at": iso(row["appointment_at"]),
        "due_at": iso(row["due_at"]),
        "version": row["version"],
    }


@router.get("/queue/counts", response=dict[str, int], summary="Dossiers per status in a queue's units")
def queue_status_counts(request: HttpRequest, query: Query[QueueCountsQuery]) -> dict[str, int]:
    """Per status, the dossiers of the units the role covers (receiving units for an intake officer,
    competent units otherwise), from the counters the services keep: never a COUNT over the dossiers."""
    return queue_counts(user=_user(request), role=query.role)


@router.get("/{uuid:public_id}", response=DossierOut, url_name="dossier_get", summary="One dossier")
def get_dossier(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The dossier with its components, internal-process steps and clock. Its ETag is its version:
    send it back in If-Match to act on it. Staff reading it is logged (ND 13/2023)."""
    dossier = dossier_get(user=_user(request), public_id=public_id)
    dossier_personal_data_read(reader=_user(request), dossier=dossier)
    return _dossier_response(dossier, reload=False)


@router.get("/{uuid:public_id}/events", response=list[EventOut], summary="The dossier's events")
def list_events(request: HttpRequest, public_id: uuid.UUID) -> Any:
    """Every event in order (docs/EVENTS.md describes each kind's data)."""
    dossier = dossier_get(user=_user(request), public_id=public_id)
    return list(dossier_events(dossier=dossier))


# --- actions ------------------------------------------------------------------------------------------


@router.post("/{uuid:public_id}/submit", response=ACTION_RESPONSES, summary="Submit a draft")
def submit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """draft → submitted: the applicant online; an intake officer for counter and postal dossiers."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_submit(dossier=d, actor=_user(request), expected_version=v),
    )


@router.post("/{uuid:public_id}/receive", response=ACTION_RESPONSES, summary="Receive officially")
def receive(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """submitted → processing: the code, the appointment and Form 01 (an intake officer)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_receive(dossier=d, actor=_user(request), expected_version=v),
    )


@router.post(
    "/{uuid:public_id}/ask_supplement_at_intake",
    response=ACTION_RESPONSES,
    summary="Ask for a supplement before receipt",
)
def ask_supplement_at_intake(
    request: HttpRequest, public_id: uuid.UUID, payload: SupplementRequestIn
) -> HttpResponse:
    """submitted → supplement_at_intake (Form 02)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_ask_supplement_at_intake(
            dossier=d, actor=_user(request), items=payload.items, reason=payload.reason, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/resubmit", response=ACTION_RESPONSES, summary="Resubmit, completed")
def resubmit(request: HttpRequest, public_id: uuid.UUID, payload: ComponentsIn) -> HttpResponse:
    """supplement_at_intake → submitted, with the added components."""

    def perform(dossier: Dossier, version: int) -> Dossier:
        components = _components(payload.components, user=_user(request), version=lambda: _bound(dossier))
        return services.dossier_resubmit(
            dossier=dossier,
            actor=_user(request),
            components=components,
            form_data=payload.form_data,
            expected_version=version,
        )

    return _act(request, public_id, perform)


def _bound(dossier: Dossier) -> ProcedureVersion:
    version = dossier.procedure_version
    assert version is not None  # bound at submission
    return version


@router.post("/{uuid:public_id}/refuse_intake", response=ACTION_RESPONSES, summary="Refuse at intake")
def refuse_intake(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> HttpResponse:
    """submitted → refused_at_intake, final (Form 03)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_refuse_intake(
            dossier=d, actor=_user(request), reason=payload.reason, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/forward", response=ACTION_RESPONSES, summary="Forward to the next step")
def forward(request: HttpRequest, public_id: uuid.UUID, payload: ForwardIn) -> HttpResponse:
    """processing → the next step of the internal process (the holder of the current step)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_forward(
            dossier=d,
            actor=_user(request),
            to_step=payload.to_step,
            assignee=_assignee(payload.assignee),
            note=payload.note,
            expected_version=v,
        ),
    )


@router.post("/{uuid:public_id}/send_back", response=ACTION_RESPONSES, summary="Send back a step")
def send_back(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn) -> HttpResponse:
    """processing → the previous step, to the person who forwarded it."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_send_back(
            dossier=d, actor=_user(request), note=payload.note, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/reassign", response=ACTION_RESPONSES, summary="Give the step to another")
def reassign(request: HttpRequest, public_id: uuid.UUID, payload: ReassignIn) -> HttpResponse:
    """processing → the same step, another assignee (a leader or supervisor of the step's unit)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_reassign(
            dossier=d, actor=_user(request), assignee=_assignee(payload.assignee), expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/ask_supplement", response=ACTION_RESPONSES, summary="Ask for a supplement")
def ask_supplement(request: HttpRequest, public_id: uuid.UUID, payload: SupplementRequestIn) -> HttpResponse:
    """processing → waiting_supplement (Form 02; the clock pauses or will restart)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_ask_supplement(
            dossier=d, actor=_user(request), items=payload.items, reason=payload.reason, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/supplement", response=ACTION_RESPONSES, summary="Supplement the dossier")
def supplement(request: HttpRequest, public_id: uuid.UUID, payload: ComponentsIn) -> HttpResponse:
    """waiting_supplement → processing; the due moment moves by the working time waited."""

    def perform(dossier: Dossier, version: int) -> Dossier:
        components = _components(payload.components, user=_user(request), version=lambda: _bound(dossier))
        return services.dossier_supplement(
            dossier=dossier,
            actor=_user(request),
            components=components,
            form_data=payload.form_data,
            expected_version=version,
        )

    return _act(request, public_id, perform)


@router.post("/{uuid:public_id}/apologize", response=ACTION_RESPONSES, summary="Apologise, new appointment")
def apologize(request: HttpRequest, public_id: uuid.UUID, payload: ApologyIn) -> HttpResponse:
    """A new appointment (Form 04): once, at least one working day before the due moment."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_apologize(
            dossier=d,
            actor=_user(request),
            reason=payload.reason,
            new_appointment=payload.new_appointment,
            expected_version=v,
        ),
    )


@router.post("/{uuid:public_id}/reject", response=ACTION_RESPONSES, summary="Reject")
def reject(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> HttpResponse:
    """processing → rejected, final (a leader of the competent unit, with the reasons)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_reject(
            dossier=d, actor=_user(request), reason=payload.reason, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/approve", response=ACTION_RESPONSES, summary="Approve the result")
def approve(request: HttpRequest, public_id: uuid.UUID, payload: ApproveIn) -> HttpResponse:
    """processing → resolved (the leader at the approval step)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_approve(
            dossier=d, actor=_user(request), result_note=payload.result_note, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/return_result", response=ACTION_RESPONSES, summary="Return the result")
def return_result(request: HttpRequest, public_id: uuid.UUID, payload: ReturnIn) -> HttpResponse:
    """resolved → returned, final (an intake officer)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_return_result(
            dossier=d, actor=_user(request), method=payload.method, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/stop", response=ACTION_RESPONSES, summary="Stop at the applicant's request")
def stop(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> HttpResponse:
    """any non-final → stopped (Form 05; an intake officer)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_stop(
            dossier=d, actor=_user(request), reason=payload.reason, expected_version=v
        ),
    )


@router.post("/{uuid:public_id}/withdraw", response=ACTION_RESPONSES, summary="Withdraw (the applicant)")
def withdraw(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> HttpResponse:
    """submitted, supplement_at_intake or waiting_supplement → stopped (withdrawn)."""
    return _act(
        request,
        public_id,
        lambda d, v: services.dossier_withdraw(
            dossier=d, actor=_user(request), reason=payload.reason, expected_version=v
        ),
    )


# --- files and slips ----------------------------------------------------------------------------------


@router.post("/uploads", response={201: UploadOut}, summary="Upload a file for a component")
def upload(request: HttpRequest, file: File[UploadedFile | None] = None) -> Status[dict[str, Any]]:
    """Store a file (PDF, JPEG, PNG, TIFF scans; Word, Excel; at most 20 MB; the type is read from the
    content). The answer's `upload` token names it in `components[].upload` for 24 hours."""
    if file is None:
        raise _invalid({"file": _("Attach the file, in the multipart field “file”.")})
    filename = (file.name or "").rsplit("/", 1)[-1][:255]
    stored = store_file(content=file, filename=filename, content_type=file.content_type or "")
    return Status(
        201,
        {
            "upload": upload_token(stored=stored, user=_user(request), filename=filename),
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "filename": filename,
        },
    )


def _download(stored: StoredFile, filename: str) -> FileResponse:
    response = FileResponse(open_file(stored), as_attachment=True, filename=filename)
    response["Content-Type"] = stored.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/{uuid:public_id}/components/{int:position}/file", summary="Download a component's file")
def component_file(request: HttpRequest, public_id: uuid.UUID, position: int) -> FileResponse:
    dossier = dossier_get(user=_user(request), public_id=public_id)
    component = dossier.components.select_related("file").filter(position=position).first()
    if component is None or component.file is None:
        raise NotFound(_("This dossier has no file at this position."), code="component_not_found")
    dossier_personal_data_read(reader=_user(request), dossier=dossier, fields=COMPONENT_FILE_FIELDS)
    return _download(component.file, component.filename or f"{dossier}-{position}")


def _slip_url(slip: DossierSlip, public_id: uuid.UUID) -> str:
    url = reverse("api:dossier_slip", kwargs={"public_id": public_id, "number": slip.form})
    return f"{url}?event={slip.event.sequence}" if slip.event else url


@router.get("/{uuid:public_id}/slips", response=list[SlipOut], summary="The slips issued")
def list_slips(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    """The slips (forms 01–07) issued for the dossier, oldest first."""
    dossier = dossier_get(user=_user(request), public_id=public_id)
    slips = dossier_slips(dossier=dossier)
    return [
        {
            "form": slip.form,
            "form_label": str(slip.get_form_display()),
            "event": slip.event.sequence if slip.event else None,
            "created_at": slip.created_at,
            "size": slip.file.size,
            "url": _slip_url(slip, dossier.public_id),
        }
        for slip in slips
    ]


@router.get(
    "/{uuid:public_id}/slips/{number}",
    url_name="dossier_slip",
    summary="Download a slip (PDF)",
)
def download_slip(
    request: HttpRequest, public_id: uuid.UUID, number: DossierSlip.Form, event: int | None = None
) -> FileResponse:
    """The latest slip of form `number` ("01".."07"), or the one of the event with sequence `event`."""
    dossier = dossier_get(user=_user(request), public_id=public_id)
    slips = DossierSlip.objects.filter(dossier=dossier, form=number).select_related("file")
    if event is not None:
        slips = slips.filter(event__sequence=event)
    slip = slips.order_by("-created_at", "-pk").first()
    if slip is None:
        raise NotFound(_("No slip of this form has been issued for the dossier."), code="slip_not_found")
    dossier_personal_data_read(reader=_user(request), dossier=dossier, fields=SLIP_FIELDS)
    return _download(slip.file, slip_filename(slip))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/tracking-book", summary="The tracking book of a unit (Form 07)")
def tracking_book(request: HttpRequest, query: Query[TrackingBookQuery]) -> HttpResponse:
    """Form 07, Sổ theo dõi hồ sơ: the dossiers a unit received in a period (at most a year), for its
    staff, as PDF or as an Excel workbook."""
    unit = _unit(query.unit, "unit")
    assert unit is not None
    sector = None
    if query.sector:
        sector = Sector.objects.filter(code=query.sector.strip()).first()
        if sector is None:
            raise _invalid({"sector": _("No sector has this code.")})
    render, kind = (
        (tracking_book_xlsx, XLSX) if query.format == "xlsx" else (tracking_book_pdf, "application/pdf")
    )
    content = render(
        user=_user(request), unit=unit, date_from=query.date_from, date_to=query.date_to, sector=sector
    )
    response = HttpResponse(content, content_type=kind)
    name = f"so-theo-doi-{unit.pk}-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}.{query.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- public status lookup -----------------------------------------------------------------------------


# motcua.dossiers.middleware.PublicLookupMiddleware calls this view first, before the session, CSRF and
# authentication middleware it does not need; what it cannot answer reaches it here
# (test_lookup_fast_path.py keeps the two answers equal).
@router.post("/lookup", auth=None, response={200: PublicStatusOut}, summary="Public status lookup")
def lookup(request: HttpRequest, payload: LookupIn) -> Any:
    """Anyone with the code and the 6-character secret printed on Form 01 sees the status, the
    appointment and the steps done; nothing personal. Rate-limited per client address (429)."""
    wait = lookup_retry_after(request)
    if wait is not None:
        body = ApplicationError(
            _("Too many lookups from your address; try again in %(seconds)d seconds.") % {"seconds": wait},
            code="throttled",
            status=429,
            extra={"retry_after": wait},
        ).as_problem()
        throttled = JsonResponse(body, status=429)
        throttled["Retry-After"] = str(wait)
        return throttled
    status = public_status(code=payload.code, secret=payload.secret)
    if status is None:
        raise NotFound(
            _("No dossier matches this code and secret; check both on the receipt (Form 01)."),
            code="dossier_not_found",
        )
    return JsonResponse(public_status_json(status))
