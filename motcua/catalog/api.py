"""Procedures API: the public catalogue (ND 63/2010 art. 8(2) components), its search and the expected
return date of a dossier submitted at a given moment. Public reads: the catalogue is published by law.

    GET /api/v1/procedures?q=khai sinh          ranked search (diacritics and case optional)
    GET /api/v1/procedures?code=2.000815        exact local or national code
    GET /api/v1/procedures/{code}               the version a dossier submitted now is bound to
    GET /api/v1/procedures/{code}/expected-due  the expected return moment, per channel
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from motcua.catalog import queries
from motcua.catalog.models import (
    AgencyRole,
    AgencyScope,
    Channel,
    CountingConvention,
    DocumentKind,
    FeeKind,
    LegalKind,
    Level,
    LookupDatabase,
    OnlineLevel,
    OnlineReason,
    Procedure,
    ProcedureVersion,
    ReturnMethod,
    TimeLimitUnit,
)
from motcua.core.errors import ApplicationError

router = Router(tags=["procedures"])

MAX_OFFSET = 10_000


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


def decimal_text(value: Decimal | None) -> str | None:
    """An amount as people write it, with a dot: "3", "0.5" (never "3.00" or "1E+1")."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment in Asia/Ho_Chi_Minh (DESIGN.md: ISO 8601 with the offset people read)."""
    return timezone.localtime(moment) if moment is not None else None


# --- list -----------------------------------------------------------------------------------------------


class ProceduresQuery(Schema):
    q: str | None = Field(
        None, max_length=200, description="Words of the name, sector or result; diacritics and case optional"
    )
    code: str | None = Field(None, max_length=64, description="A local or national code, exactly")
    sector: str | None = Field(None, max_length=64, description="A sector code")
    level: Level | None = None
    unit: int | None = Field(None, ge=1, description="Procedures maintained by this unit or a unit below it")
    retired: bool = Field(False, description="Include retired procedures")
    limit: int = Field(queries.PAGE_SIZE, ge=1, le=queries.MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class SectorOut(Schema):
    code: str
    name: str


class UnitRef(Schema):
    id: int
    name: str


class ProcedureOut(Schema):
    code: str = Field(description="The local code (mã thủ tục)")
    national_code: str
    name: str
    sector: SectorOut
    level: str
    level_label: str
    owner_unit: UnitRef
    version: int = Field(description="The latest published version")
    online_level: str
    online_level_label: str
    time_limit_amount: str = Field(description="A decimal number written with a dot")
    time_limit_unit: str
    time_limit_unit_label: str
    retired_at: datetime.datetime | None

    @staticmethod
    def resolve_retired_at(procedure: Procedure) -> datetime.datetime | None:
        return local(procedure.retired_at)

    @staticmethod
    def resolve_level_label(procedure: Procedure) -> str:
        return _label(Level, procedure.level)

    @staticmethod
    def resolve_version(procedure: Procedure) -> int:
        return _latest(procedure).number

    @staticmethod
    def resolve_online_level(procedure: Procedure) -> str:
        return _latest(procedure).online_level

    @staticmethod
    def resolve_online_level_label(procedure: Procedure) -> str:
        return _label(OnlineLevel, _latest(procedure).online_level)

    @staticmethod
    def resolve_time_limit_amount(procedure: Procedure) -> str | None:
        return decimal_text(_latest(procedure).time_limit_amount)

    @staticmethod
    def resolve_time_limit_unit(procedure: Procedure) -> str:
        return _latest(procedure).time_limit_unit

    @staticmethod
    def resolve_time_limit_unit_label(procedure: Procedure) -> str:
        return _label(TimeLimitUnit, _latest(procedure).time_limit_unit)


def _latest(procedure: Procedure) -> ProcedureVersion:
    version = procedure.latest_version
    assert version is not None  # public procedures have a published version
    return version


class ProcedurePageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProcedureOut]


@router.get("", response=ProcedurePageOut, auth=None, summary="List and search procedures")
def list_procedures(request: HttpRequest, query: Query[ProceduresQuery]) -> dict[str, Any]:
    """Published procedures. With `q`: ranked by relevance (words of the name first, then adjacent words,
    then other fields). With `code`: the procedure with that local or national code. Otherwise by code."""
    page = queries.procedures_page(
        q=query.q,
        code=query.code,
        sector=queries.sector_by_code(query.sector) if query.sector else None,
        level=query.level,
        unit=queries.unit_by_id(query.unit) if query.unit else None,
        include_retired=query.retired,
        offset=query.offset,
        limit=query.limit,
    )
    return {"count": page.count, "limit": query.limit, "offset": query.offset, "items": page.items}


# --- detail ---------------------------------------------------------------------------------------------


class StepOut(Schema):
    title: str
    description: str


class MethodOut(Schema):
    channel: str
    channel_label: str
    description: str
    time_limit_amount: str | None = Field(description="The channel's own time limit, if it has one")
    time_limit_unit: str
    note: str

    @staticmethod
    def resolve_channel_label(method: Any) -> str:
        return _label(Channel, method.channel)

    @staticmethod
    def resolve_time_limit_amount(method: Any) -> str | None:
        return decimal_text(method.time_limit_amount)


class AgencyOut(Schema):
    role: str
    role_label: str
    scope: str
    scope_label: str
    name: str
    unit_id: int | None
    confirmed: bool

    @staticmethod
    def resolve_role_label(agency: Any) -> str:
        return _label(AgencyRole, agency.role)

    @staticmethod
    def resolve_scope_label(agency: Any) -> str:
        return _label(AgencyScope, agency.scope)


class DocumentOut(Schema):
    name: str
    kind: str
    kind_label: str
    originals: int
    copies: int
    required: bool
    condition: str
    group: str
    digitisation_required: bool
    lookup_database: str
    lookup_database_label: str
    eform: str | None = Field(description="The key of the document's e-form")
    confirmed: bool

    @staticmethod
    def resolve_kind_label(document: Any) -> str:
        return _label(DocumentKind, document.kind)

    @staticmethod
    def resolve_lookup_database_label(document: Any) -> str:
        return _label(LookupDatabase, document.lookup_database)

    @staticmethod
    def resolve_eform(document: Any) -> str | None:
        return document.eform.key if document.eform_id else None


class FeeOut(Schema):
    kind: str
    kind_label: str
    name: str
    amount_vnd: int | None
    per: str
    channel: str = Field(description="Empty: every channel")
    exemptions: str
    payable_online: bool
    legal_basis: str
    confirmed: bool

    @staticmethod
    def resolve_kind_label(fee: Any) -> str:
        return _label(FeeKind, fee.kind)


class ResultOut(Schema):
    name: str
    code: str
    validity: str
    paper_required: bool
    electronic: bool
    confirmed: bool


class LegalBasisOut(Schema):
    kind: str
    kind_label: str
    number: str
    title: str
    issuer: str
    issued_on: datetime.date | None
    effective_on: datetime.date | None
    confirmed: bool

    @staticmethod
    def resolve_kind_label(basis: Any) -> str:
        return _label(LegalKind, basis.kind)


class EFormOut(Schema):
    key: str
    title: str
    form_reference: str


class VersionOut(Schema):
    number: int
    decision_number: str
    decision_date: datetime.date | None
    decision_signer: str
    effective_from: datetime.date | None
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_published_at(version: Any) -> datetime.datetime | None:
        return local(version.published_at)


class ProcedureDetailOut(Schema):
    code: str
    national_code: str
    name: str
    sector: SectorOut
    level: str
    level_label: str
    owner_unit: UnitRef
    retired_at: datetime.datetime | None
    retirement_reason: str
    in_force: bool = Field(
        description="False when no dossier can be submitted now (retired, not applied yet)"
    )
    version: VersionOut
    upcoming_version: VersionOut | None = Field(description="A newer version that applies from a later day")
    requirements: str
    dossier_sets: int
    subjects_citizens: bool
    subjects_organizations: bool
    subjects_note: str
    time_limit_amount: str
    time_limit_unit: str
    time_limit_unit_label: str
    time_limit_convention: str
    time_limit_convention_label: str
    cutoff_time: datetime.time | None
    online_level: str
    online_level_label: str
    online_reason: str
    online_reason_label: str
    online_reason_text: str
    return_methods: list[str]
    steps: list[StepOut]
    methods: list[MethodOut]
    agencies: list[AgencyOut]
    documents: list[DocumentOut]
    fees: list[FeeOut]
    results: list[ResultOut]
    legal_bases: list[LegalBasisOut]
    eforms: list[EFormOut]
    unconfirmed: dict[str, str]


def detail_data(procedure: Procedure, public: queries.PublicVersion) -> dict[str, Any]:
    version = public.version
    return {
        "code": procedure.code,
        "national_code": procedure.national_code,
        "name": version.name,
        "sector": procedure.sector,
        "level": procedure.level,
        "level_label": _label(Level, procedure.level),
        "owner_unit": procedure.owner_unit,
        "retired_at": local(procedure.retired_at),
        "retirement_reason": procedure.retirement_reason,
        "in_force": public.in_force,
        "version": version,
        "upcoming_version": public.upcoming,
        "requirements": version.requirements,
        "dossier_sets": version.dossier_sets,
        "subjects_citizens": version.subjects_citizens,
        "subjects_organizations": version.subjects_organizations,
        "subjects_note": version.subjects_note,
        "time_limit_amount": decimal_text(version.time_limit_amount),
        "time_limit_unit": version.time_limit_unit,
        "time_limit_unit_label": _label(TimeLimitUnit, version.time_limit_unit),
        "time_limit_convention": version.time_limit_convention,
        "time_limit_convention_label": _label(CountingConvention, version.time_limit_convention),
        "cutoff_time": version.cutoff_time,
        "online_level": version.online_level,
        "online_level_label": _label(OnlineLevel, version.online_level),
        "online_reason": version.online_reason,
        "online_reason_label": _label(OnlineReason, version.online_reason),
        "online_reason_text": version.online_reason_text,
        "return_methods": [ReturnMethod(method).value for method in version.return_methods],
        "steps": version.sequence_steps.all(),
        "methods": version.methods.all(),
        "agencies": version.agencies.all(),
        "documents": version.documents.all(),
        "fees": version.fees.all(),
        "results": version.results.all(),
        "legal_bases": version.legal_bases.all(),
        "eforms": version.eforms.all(),
        "unconfirmed": {str(key): str(value) for key, value in (version.unconfirmed or {}).items()},
    }


@router.get("/{code}", response=ProcedureDetailOut, auth=None, summary="One procedure")
def get_procedure(request: HttpRequest, code: str) -> dict[str, Any]:
    """Every published component of the procedure (ND 63/2010 art. 8(2)), from the version a dossier
    submitted now is bound to; never a draft."""
    procedure = queries.public_procedure(code=code)
    return detail_data(procedure, queries.public_version(procedure=procedure, at=queries.submission_now()))


# --- expected return date -------------------------------------------------------------------------------


class ExpectedDueQuery(Schema):
    submitted_at: datetime.datetime | None = Field(
        None, description="When the dossier is received (ISO 8601 with offset); now by default"
    )
    unit: int | None = Field(None, ge=1, description="The competent unit (the first one by default)")


class DueOut(Schema):
    channel: str
    channel_label: str
    time_limit_amount: str
    time_limit_unit: str
    due_at: datetime.datetime | None
    problem: str = Field(description="Why no date could be computed (empty when there is one)")

    @staticmethod
    def resolve_time_limit_amount(due: queries.ExpectedDue) -> str | None:
        return decimal_text(due.time_limit_amount)

    @staticmethod
    def resolve_due_at(due: queries.ExpectedDue) -> datetime.datetime | None:
        return local(due.due_at)


class ExpectedDueOut(Schema):
    code: str
    version: int
    submitted_at: datetime.datetime
    unit: UnitRef
    dues: list[DueOut]


# The moments an expected-due question may name; beyond them the date arithmetic itself overflows.
EARLIEST_SUBMISSION = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST_SUBMISSION = datetime.datetime(3000, 1, 1, tzinfo=datetime.UTC)


@router.get("/{code}/expected-due", response=ExpectedDueOut, auth=None, summary="Expected return date")
def expected_due(request: HttpRequest, code: str, query: Query[ExpectedDueQuery]) -> dict[str, Any]:
    """When the result is due for a dossier received at `submitted_at`, on each method of submission,
    computed on the competent unit's working calendar with the procedure's counting convention."""
    procedure = queries.public_procedure(code=code)
    start = query.submitted_at or queries.submission_now()
    if start.utcoffset() is None:
        raise ApplicationError(
            _("Give the moment with its UTC offset, e.g. 2026-03-02T08:00:00+07:00."),
            code="naive_datetime",
            fields={"submitted_at": _("Add the UTC offset, e.g. +07:00.")},
            status=422,
        )
    if not EARLIEST_SUBMISSION <= start < LATEST_SUBMISSION:
        # Converting year 1 or 9999 to local time overflows (a 500 schemathesis found).
        message = _("Give a moment between the years 1900 and 2999, e.g. 2026-03-02T08:00:00+07:00.")
        raise ApplicationError(message, code="out_of_range", fields={"submitted_at": message}, status=422)
    public = queries.public_version(procedure=procedure, at=start)
    units = queries.competent_units(version=public.version)
    unit = queries.chosen_unit(units, query.unit, fallback=procedure.owner_unit)
    return {
        "code": procedure.code,
        "version": public.version.number,
        "submitted_at": timezone.localtime(start),
        "unit": unit,
        "dues": queries.expected_dues(version=public.version, unit=unit, start=start),
    }
