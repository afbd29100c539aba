"""Typed shapes of the dossier API (`motcua.dossiers.api`): what comes in and what goes out.

Moments go out in ISO 8601 with the local offset (`2026-12-07T09:00:00+07:00`); moments coming in must
carry their offset. No rule lives here: the services decide.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import PlainSerializer

from motcua.dossiers.concurrency import etag
from motcua.dossiers.deadlines import dossier_at_risk, dossier_clock
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, DossierStep


def _local_iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


# A moment, written with the local offset.
LocalDateTime = Annotated[datetime, PlainSerializer(_local_iso, return_type=str)]

ChannelName = Literal["direct", "online", "postal"]
CHANNEL_CODE: dict[str, str] = {
    "direct": Dossier.Channel.DIRECT,
    "online": Dossier.Channel.ONLINE,
    "postal": Dossier.Channel.POSTAL,
}
CHANNEL_NAME = {code: name for name, code in CHANNEL_CODE.items()}
ReturnMethodName = Literal["counter", "post", "electronic", "authorised"]
ApplicantKindName = Literal["citizen", "organization"]
ProvenanceName = Literal["uploaded", "digitised_at_intake", "reused"]
MAX_TEXT = 4000
MAX_ITEMS = 50
MAX_COMPONENTS = 100


# --- in -------------------------------------------------------------------------------------------------


class ApplicantIn(Schema):
    """The applicant, when an officer files for someone (a walk-in at the counter, a postal dossier)."""

    name: str = Field(min_length=1, max_length=255)
    kind: ApplicantKindName = "citizen"
    identifier: str = Field("", max_length=14, description="12-digit personal ID number or tax code")
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class RepresentativeIn(Schema):
    """The authorised person acting for the applicant, and their authorisation."""

    name: str = Field(min_length=1, max_length=255)
    identifier: str = Field("", max_length=14)
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    authorisation: str = Field("", max_length=500, description="The authorisation document")


class ComponentSourceIn(Schema):
    dossier: uuid.UUID = Field(description="An earlier dossier of the same applicant")
    position: int = Field(ge=1, description="The component's position in that dossier")


class ComponentIn(Schema):
    name: str = Field("", max_length=1000, description="Empty: the required document's name")
    provenance: ProvenanceName = "uploaded"
    upload: str | None = Field(
        None, max_length=500, description="The token answered by POST /api/v1/dossiers/uploads"
    )
    source: ComponentSourceIn | None = Field(None, description="Reuse a component of an earlier dossier")
    reference: str = Field("", max_length=255, description="Reuse a document held elsewhere")
    required_document: str | None = Field(
        None, max_length=1000, description="The name of the procedure's document this component is"
    )


class DossierCreateIn(Schema):
    procedure: str = Field(min_length=1, max_length=64, description="The procedure's local code")
    channel: ChannelName
    receiving_unit: int = Field(ge=1, description="The unit that receives the dossier")
    competent_unit: int | None = Field(None, ge=1, description="Default: derived from the procedure")
    applicant: ApplicantIn | None = Field(
        None, description="Required from staff; an applicant's account applies in its own name"
    )
    representative: RepresentativeIn | None = None
    form_data: dict[str, Any] = Field(default_factory=dict, description="{e-form key: answers}")
    components: list[ComponentIn] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    return_method: ReturnMethodName
    postmarked_at: datetime | None = Field(None, description="Postal dossiers: the postmark")
    receive: bool = Field(False, description="Counter intake: create, submit and receive in one call")


class ComponentsIn(Schema):
    components: list[ComponentIn] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    form_data: dict[str, Any] | None = Field(None, description="Replaces the e-form data when given")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class SupplementRequestIn(Schema):
    items: list[str] = Field(min_length=1, max_length=MAX_ITEMS, description="What to add or correct")
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class ForwardIn(Schema):
    to_step: str | None = Field(None, max_length=64, description="One of the next steps, when several")
    assignee: int | None = Field(None, ge=1, description="The user who takes the next step")
    note: str = Field("", max_length=MAX_TEXT)


class NoteIn(Schema):
    note: str = Field(min_length=1, max_length=MAX_TEXT)


class ReassignIn(Schema):
    assignee: int = Field(ge=1)


class ApologyIn(Schema):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)
    new_appointment: datetime = Field(description="ISO 8601 with offset")


class ApproveIn(Schema):
    result_note: str = Field("", max_length=MAX_TEXT)


class ReturnIn(Schema):
    method: ReturnMethodName


class LookupIn(Schema):
    code: str = Field(min_length=1, max_length=64, description="The dossier code (mã hồ sơ)")
    secret: str = Field(min_length=1, max_length=16, description="The 6-character secret on Form 01")


class DossiersQuery(Schema):
    code: str | None = Field(None, max_length=64, description="Exactly this dossier code")
    status: list[Dossier.Status] | None = Field(None, description="One or more statuses")
    procedure: str | None = Field(None, max_length=64, description="A procedure's local code")
    unit: int | None = Field(None, ge=1, description="Received or decided in this unit or below it")
    channel: ChannelName | None = None
    received_from: date | None = Field(None, description="Received on or after this day")
    received_to: date | None = Field(None, description="Received on or before this day")
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page")
    limit: int = Field(20, ge=1, le=100)


QueueRole = Literal["intake_officer", "specialist", "leader", "supervisor"]


class QueueQuery(Schema):
    role: QueueRole = Field(description="Whose queue: the role the user holds")
    status: Dossier.Status | None = Field(None, description="One status of the queue")
    procedure: str | None = Field(None, max_length=64, description="A procedure's local code")
    channel: ChannelName | None = None
    due_before: datetime | None = Field(None, description="Due before this moment (ISO 8601 with offset)")
    order: Literal["due", "received"] = Field("due", description="Due first, or received first")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=200)


class QueueCountsQuery(Schema):
    role: QueueRole


class TrackingBookQuery(Schema):
    unit: int = Field(ge=1, description="The receiving unit whose book it is")
    date_from: date = Field(description="Received on or after this day")
    date_to: date = Field(description="Received on or before this day (at most one year in all)")
    sector: str | None = Field(None, max_length=64, description="Only this sector (its code)")
    format: Literal["pdf", "xlsx"] = "pdf"


# --- out ------------------------------------------------------------------------------------------------


class ProcedureRef(Schema):
    code: str
    name: str


class UnitRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(user: Any) -> str:
        return str(user)


class ApplicantOut(Schema):
    kind: str
    name: str
    identifier: str
    address: str
    phone: str
    email: str
    has_account: bool


class ClockOut(Schema):
    due_at: LocalDateTime
    used_minutes: int = Field(description="Working minutes used")
    left_minutes: int = Field(description="Working minutes left")
    late_by_minutes: int
    paused: bool
    at_risk: bool


class StepOut(Schema):
    sequence: int
    key: str
    name: str
    role: str
    unit: UnitRef
    assignee: PersonRef | None
    started_at: LocalDateTime
    due_at: LocalDateTime | None
    finished_at: LocalDateTime | None
    outcome: str
    timeliness: str
    note: str


class ComponentOut(Schema):
    position: int
    name: str
    provenance: str
    provenance_label: str
    filename: str
    content_type: str | None
    size: int | None
    reference: str
    required_document: str | None
    added_at: LocalDateTime

    @staticmethod
    def resolve_provenance_label(component: DossierComponent) -> str:
        return str(component.get_provenance_display())

    @staticmethod
    def resolve_content_type(component: DossierComponent) -> str | None:
        return component.file.content_type if component.file else None

    @staticmethod
    def resolve_size(component: DossierComponent) -> int | None:
        return component.file.size if component.file else None

    @staticmethod
    def resolve_required_document(component: DossierComponent) -> str | None:
        document = component.required_document
        return document.name if document else None


def _channel(dossier: Dossier) -> str:
    return CHANNEL_NAME[dossier.channel]


class DossierSummaryOut(Schema):
    id: uuid.UUID = Field(description="The public id")
    code: str | None = Field(description="The dossier code, from receipt")
    status: str
    status_label: str
    channel: str
    procedure: ProcedureRef
    applicant_name: str
    receiving_unit: UnitRef
    competent_unit: UnitRef
    created_at: LocalDateTime
    submitted_at: LocalDateTime | None
    received_at: LocalDateTime | None
    appointment_at: LocalDateTime | None
    due_at: LocalDateTime | None
    version: int

    @staticmethod
    def resolve_id(dossier: Dossier) -> uuid.UUID:
        return dossier.public_id

    @staticmethod
    def resolve_status_label(dossier: Dossier) -> str:
        return str(dossier.get_status_display())

    @staticmethod
    def resolve_channel(dossier: Dossier) -> str:
        return _channel(dossier)


def local_iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def summary(dossier: Dossier) -> dict[str, Any]:
    """`DossierSummaryOut` as plain JSON values, written out by hand: a list page serialises dozens of
    these, and pydantic's attribute resolution costs more than the page's query (a test keeps the two
    identical)."""
    return {
        "id": str(dossier.public_id),
        "code": dossier.code,
        "status": dossier.status,
        "status_label": str(Dossier.Status(dossier.status).label),
        "channel": CHANNEL_NAME[dossier.channel],
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name},
        "applicant_name": dossier.applicant_name,
        "receiving_unit": {"id": dossier.receiving_unit.pk, "name": dossier.receiving_unit.name},
        "competent_unit": {"id": dossier.competent_unit.pk, "name": dossier.competent_unit.name},
        "created_at": local_iso(dossier.created_at),
        "submitted_at": local_iso(dossier.submitted_at),
        "received_at": local_iso(dossier.received_at),
        "appointment_at": local_iso(dossier.appointment_at),
        "due_at": local_iso(dossier.due_at),
        "version": dossier.version,
    }


class DossierOut(DossierSummaryOut):
    channel_code: str = Field(description="KenhThucHien: 1 direct, 2 online, 3 postal")
    etag: str = Field(description="Send it back in If-Match to act on the dossier")
    return_method: str
    procedure_version: int | None
    applicant: ApplicantOut
    representative: dict[str, Any] | None
    coordinating_units: list[UnitRef]
    form_data: dict[str, Any]
    fees_due_vnd: int
    assignee: PersonRef | None
    current_step: str | None = Field(description="The key of the open step on the main line")
    system_received_at: LocalDateTime | None
    postmarked_at: LocalDateTime | None
    receive_due_at: LocalDateTime | None
    received_late: bool
    clock_started_at: LocalDateTime | None
    resolved_at: LocalDateTime | None
    returned_at: LocalDateTime | None
    stopped_at: LocalDateTime | None
    ended_at: LocalDateTime | None
    stop_kind: str
    end_reason: str
    result_note: str
    result_returned_by: str
    clock: ClockOut | None
    components: list[ComponentOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_channel_code(dossier: Dossier) -> str:
        return dossier.channel

    @staticmethod
    def resolve_etag(dossier: Dossier) -> str:
        return etag(dossier)

    @staticmethod
    def resolve_procedure_version(dossier: Dossier) -> int | None:
        return dossier.procedure_version.number if dossier.procedure_version else None

    @staticmethod
    def resolve_applicant(dossier: Dossier) -> dict[str, Any]:
        return {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "identifier": dossier.applicant_identifier,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "has_account": dossier.applicant_id is not None,
        }

    @staticmethod
    def resolve_coordinating_units(dossier: Dossier) -> list[Any]:
        return list(dossier.coordinating_units.all())

    @staticmethod
    def resolve_current_step(dossier: Dossier) -> str | None:
        return dossier.current_step.key if dossier.current_step else None

    @staticmethod
    def resolve_clock(dossier: Dossier) -> dict[str, Any] | None:
        state = dossier_clock(dossier=dossier)
        if state is None:
            return None
        return {
            "due_at": state.due,
            "used_minutes": state.used_minutes,
            "left_minutes": state.left_minutes,
            "late_by_minutes": state.late_by_minutes,
            "paused": state.paused,
            "at_risk": dossier_at_risk(dossier=dossier),
        }

    @staticmethod
    def resolve_components(dossier: Dossier) -> list[DossierComponent]:
        return list(dossier.components.select_related("file", "required_document").order_by("position"))

    @staticmethod
    def resolve_steps(dossier: Dossier) -> list[DossierStep]:
        return list(dossier.steps.select_related("unit", "assignee").order_by("sequence"))


class UrgencyOut(Schema):
    due_at: LocalDateTime | None = Field(description="The due moment, or the receipt limit")
    left_minutes: int | None = Field(description="Working minutes left; negative when late")
    late: bool
    at_risk: bool
    paused: bool


class QueueItemOut(Schema):
    dossier: DossierSummaryOut
    lane: str
    urgency: UrgencyOut


class QueuePageOut(Schema):
    items: list[QueueItemOut]
    next_cursor: str | None
    order: str
    statuses: list[str] = Field(description="The statuses this queue holds")


class DossierPageOut(Schema):
    items: list[DossierSummaryOut]
    next_cursor: str | None = Field(description="Pass it as `cursor` for the next page; null at the end")


class EventOut(Schema):
    sequence: int
    kind: str
    kind_label: str
    at: LocalDateTime
    actor: PersonRef | None
    from_status: str
    to_status: str
    data: dict[str, Any]
    schema_version: int

    @staticmethod
    def resolve_kind_label(event: DossierEvent) -> str:
        return str(event.get_kind_display())


class SlipOut(Schema):
    form: str
    form_label: str
    event: int | None = Field(description="The sequence of the event the slip records")
    created_at: LocalDateTime
    size: int
    url: str


class UploadOut(Schema):
    upload: str = Field(description="Name the file by this token in `components[].upload` (24 hours)")
    sha256: str
    size: int
    content_type: str
    filename: str


class StepDoneOut(Schema):
    name: str
    unit: str
    finished_at: LocalDateTime


class PublicStatusOut(Schema):
    code: str
    status: str
    status_label: str
    procedure: ProcedureRef
    receiving_unit: UnitRef
    competent_unit: UnitRef
    submitted_at: LocalDateTime | None
    received_at: LocalDateTime | None
    appointment_at: LocalDateTime | None
    resolved_at: LocalDateTime | None
    returned_at: LocalDateTime | None
    ended_at: LocalDateTime | None
    steps_done: list[StepDoneOut]
