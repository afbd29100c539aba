"""Reads of the catalogue. The dossier engine calls `procedure_version_for_submission` when a dossier is
submitted (and keeps that version for the dossier's whole life) and `procedure_expected_due` for its
appointment; the pages and the API read `procedure_detail`."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.permissions import units_where
from motcua.catalog.models import (
    AgencyRole,
    AgencyScope,
    DocumentKind,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from motcua.catalog.permissions import EDITOR_ROLES
from motcua.core.errors import ApplicationError, NotFound
from motcua.organizations.models import PATH_STEP, Unit
from motcua.worktime.calendar import OutsideSpan
from motcua.worktime.selectors import calendar_for_unit, due_for, outside_calendar


def procedure_get(*, code: str) -> Procedure:
    """The procedure with the local code `code` (the catalogue is public)."""
    procedure = (
        Procedure.objects.select_related("sector", "owner_unit", "latest_version").filter(code=code).first()
    )
    if procedure is None:
        raise NotFound(_("No procedure has the code %(code)s.") % {"code": code})
    return procedure


def procedures_list(
    *,
    sector: Any = None,
    level: str | None = None,
    owner_unit: Unit | None = None,
    include_retired: bool = False,
) -> QuerySet[Procedure]:
    """Procedures with a published version, by code; retired ones only on request."""
    procedures = Procedure.objects.filter(latest_version__isnull=False).select_related("sector", "owner_unit")
    if not include_retired:
        procedures = procedures.filter(retired_at__isnull=True)
    if sector is not None:
        procedures = procedures.filter(sector=sector)
    if level is not None:
        procedures = procedures.filter(level=level)
    if owner_unit is not None:
        procedures = procedures.filter(owner_unit__in=Unit.objects.subtree_of(owner_unit))
    return procedures.order_by("code")


def procedures_editable_by(*, user: Any) -> QuerySet[Procedure]:
    """Procedures whose owner unit lies where `user` edits the catalogue (drafts included)."""
    return Procedure.objects.filter(owner_unit__in=units_where(user, *EDITOR_ROLES)).select_related(
        "sector", "owner_unit"
    )


def _with_components(versions: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return versions.select_related(
        "procedure__sector", "procedure__owner_unit", "published_by"
    ).prefetch_related(
        "sequence_steps",
        "methods",
        Prefetch("agencies", queryset=ProcedureAgency.objects.select_related("unit")),
        Prefetch("documents", queryset=RequiredDocument.objects.select_related("eform")),
        "fees",
        "results",
        "legal_bases",
        "eforms",
        Prefetch("process_steps", queryset=ProcessStep.objects.select_related("unit")),
        "postings",
    )


def procedure_detail(
    *, version: ProcedureVersion | None = None, procedure: Procedure | None = None
) -> ProcedureVersion:
    """A version with every component loaded, in a fixed number of queries whatever its size: `version`,
    or else the latest published version of `procedure` (its draft if it has never been published)."""
    if version is None:
        if procedure is None:
            raise TypeError("give a version or a procedure")
        candidates = ProcedureVersion.objects.filter(procedure=procedure)
        chosen = (
            candidates.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
            or candidates.first()
        )
        if chosen is None:
            raise NotFound(_("The procedure has no version."))
        version = chosen
    return _with_components(ProcedureVersion.objects.filter(pk=version.pk)).get()


def procedure_version_for_submission(*, procedure: Procedure, at: datetime) -> ProcedureVersion:
    """The published version in force at `at`: published by then, applying from a day on or before it,
    the latest such. Refused for a retired procedure (no new dossiers) and before any version applies."""
    if at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware")
    if procedure.retired_at is not None and procedure.retired_at <= at:
        raise ApplicationError(
            _("The procedure %(code)s was retired on %(date)s; it no longer accepts dossiers.")
            % {
                "code": procedure.code,
                "date": formats.date_format(timezone.localtime(procedure.retired_at), "d/m/Y"),
            },
            code="procedure_retired",
            status=409,
        )
    version = (
        ProcedureVersion.objects.filter(
            procedure=procedure,
            status=VersionStatus.PUBLISHED,
            effective_from__lte=timezone.localdate(at),
            published_at__lte=at,
        )
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise ApplicationError(
            _("The procedure %(code)s has no published version in force yet.") % {"code": procedure.code},
            code="procedure_not_in_force",
            status=409,
        )
    return version


def time_limit_of(version: ProcedureVersion, channel: str | None = None) -> tuple[Decimal, str]:
    """The time limit (amount, unit) of `version` on `channel`: the channel's own limit if it has one."""
    if channel:
        method = next((m for m in version.methods.all() if m.channel == channel), None)
        if method is not None and method.time_limit_amount is not None and method.time_limit_unit:
            return method.time_limit_amount, method.time_limit_unit
    return version.time_limit_amount, version.time_limit_unit


def procedure_expected_due(
    *, version: ProcedureVersion, unit: Unit, start: datetime, channel: str | None = None
) -> datetime:
    """The due moment of a dossier of `version` received at `start`, on the competent `unit`'s calendar,
    with the procedure's unit and counting convention (LEGAL.md §3.2). A procedure with a cut-off time
    counts a dossier received after it from the next working day (ND 23/2015 art. 7 as amended)."""
    amount, time_unit = time_limit_of(version, channel)
    if version.cutoff_time is not None:
        calendar = calendar_for_unit(unit=unit)
        try:
            day = calendar.add_working_days(start, 0, cutoff=version.cutoff_time)
            if day != timezone.localtime(start, calendar.tz).date():
                start = calendar.first_working_moment(datetime.combine(day, time(0), tzinfo=calendar.tz))
        except (OutsideSpan, OverflowError):
            raise outside_calendar() from None
    return due_for(
        start=start,
        amount=amount,
        time_unit=time_unit,
        convention=version.time_limit_convention,
        unit=unit,
    )


def procedure_units(*, version: ProcedureVersion, role: str) -> QuerySet[Unit]:
    """The active units playing `role` in `version`: named units, and for "each commune" scopes every
    commune people's committee (or centre) of the owner unit's province."""
    agencies = list(version.agencies.filter(role=role).only("scope", "unit_id"))
    condition = Q(pk__in=[agency.unit_id for agency in agencies if agency.scope == AgencyScope.UNIT])
    kinds = {
        AgencyScope.EACH_COMMUNE_COMMITTEE: Unit.Kind.PEOPLES_COMMITTEE,
        AgencyScope.EACH_COMMUNE_CENTRE: Unit.Kind.SERVICE_CENTER,
    }
    wanted = {kinds[AgencyScope(agency.scope)] for agency in agencies if agency.scope != AgencyScope.UNIT}
    if wanted:
        owner = version.procedure.owner_unit
        province = Unit.objects.get(path=owner.path[:PATH_STEP])
        condition |= Q(
            pk__in=Unit.objects.subtree_of(province).filter(level=Unit.Level.COMMUNE, kind__in=wanted)
        )
    return Unit.objects.filter(condition, is_active=True).order_by("path")


def missing_components(*, version: ProcedureVersion) -> list[str]:
    """The letters of ND 63/2010 art. 8(2) (a)–(g) the version lacks (QĐ 766 indicator 1.3 checks them)."""
    missing = []
    if not version.name:
        missing.append("a")
    if not version.sequence_steps.all():
        missing.append("b")
    if not version.methods.all():
        missing.append("c")
    if (
        not [doc for doc in version.documents.all() if doc.kind == DocumentKind.SUBMIT]
        or version.dossier_sets < 1
    ):
        missing.append("d")
    if version.time_limit_unit == "" or version.time_limit_amount is None:
        missing.append("đ")
    if not (version.subjects_citizens or version.subjects_organizations):
        missing.append("e")
    if not [agency for agency in version.agencies.all() if agency.role == AgencyRole.IMPLEMENTING]:
        missing.append("g")
    return missing
