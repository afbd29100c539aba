"""Reads behind the public catalogue pages, the procedures API and the editor pages. They build on the
catalogue's selectors (`motcua.catalog.selectors`) and on the search index (`motcua.catalog.search`).

The public never sees a draft: a procedure is public once it has a published version, and its page shows
the version in force now (the one a dossier submitted now is bound to), or, for a retired procedure or
one whose first version does not apply yet, its latest published version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    AgencyRole,
    Channel,
    Procedure,
    ProcedureVersion,
    Sector,
    TimeLimitUnit,
    VersionStatus,
)
from motcua.catalog.search import parse_query, ranked_procedures
from motcua.catalog.selectors import (
    procedure_detail,
    procedure_expected_due,
    procedure_get,
    procedure_units,
    procedure_version_for_submission,
    procedures_editable_by,
    procedures_list,
    time_limit_of,
)
from motcua.core.errors import ApplicationError, NotFound, PermissionDenied
from motcua.organizations.models import Unit

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A local code (1.001193.000.00.00.H44) or a national one (2.000815): digits and dots first.
_CODE = re.compile(r"^\d+\.[0-9A-Za-z.]+$")


def submission_now() -> datetime:
    """The moment "if I submit now" is computed from. One function, so that a test can fix the clock of
    the pages and the API, including a live server's thread (monkeypatch this attribute)."""
    return timezone.now()


# --- lists and search -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcedurePage:
    """One page of procedures: the total that match, and the page's procedures in order."""

    count: int
    items: list[Procedure]


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text.strip()))


def public_procedures(
    *,
    sector: Sector | None = None,
    level: str | None = None,
    unit: Unit | None = None,
    include_retired: bool = False,
) -> QuerySet[Procedure]:
    """Published procedures, filtered, by code, with what a list row shows (the latest version's online
    level and time limit; its frozen snapshot is left in the database)."""
    return (
        procedures_list(sector=sector, level=level, owner_unit=unit, include_retired=include_retired)
        .select_related("latest_version")
        .defer("latest_version__snapshot", "latest_version__unconfirmed")
    )


def procedures_page(
    *,
    q: str | None = None,
    code: str | None = None,
    sector: Sector | None = None,
    level: str | None = None,
    unit: Unit | None = None,
    include_retired: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> ProcedurePage:
    """A page of the public catalogue: by code when `code` is given (local or national code, exactly),
    ranked by relevance when `q` is given, by code otherwise. Two queries."""
    procedures = public_procedures(sector=sector, level=level, unit=unit, include_retired=include_retired)
    q = (q or "").strip()
    if q and looks_like_code(q) and not code:
        code = q
    if code:
        procedures = procedures.filter(Q(code=code.strip()) | Q(national_code=code.strip()))
    elif q:
        query = parse_query(q)
        if query is None:
            return ProcedurePage(0, [])
        filtered = sector is not None or level is not None or unit is not None
        ranked = ranked_procedures(
            query=query, within=procedures if filtered else None, include_retired=include_retired
        )
        ids = [item.procedure_id for item in ranked[offset : offset + limit]]
        found = procedures.in_bulk(ids)
        return ProcedurePage(len(ranked), [found[pk] for pk in ids if pk in found])
    return ProcedurePage(procedures.count(), list(procedures[offset : offset + limit]))


def sectors_with_counts(*, level: str | None = None, unit: Unit | None = None) -> list[Sector]:
    """Sectors holding public procedures (with `level` and under `unit`), each with `.count`, by name."""
    public = public_procedures(level=level, unit=unit)
    return list(
        Sector.objects.annotate(count=Count("procedures", filter=Q(procedures__in=public.values("pk"))))
        .filter(count__gt=0)
        .order_by("name")
    )


def owner_units() -> list[Unit]:
    """Units that maintain at least one public procedure, in tree order."""
    public = public_procedures()
    return list(Unit.objects.filter(pk__in=public.values("owner_unit_id")).order_by("path"))


def sector_by_code(code: str) -> Sector:
    """The sector a filter names; a problem on the field `sector` if none has that code."""
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise ApplicationError(
            _("No sector has the code %(code)s.") % {"code": code},
            code="unknown_sector",
            status=422,
            fields={"sector": _("Choose one of the sectors of the catalogue.")},
        )
    return sector


def unit_by_id(unit_id: int) -> Unit:
    """The unit a filter names; a problem on the field `unit` if none has that id."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ApplicationError(
            _("No unit has this identifier."),
            code="unknown_unit",
            status=422,
            fields={"unit": _("Choose one of the units of the catalogue.")},
        )
    return unit


# --- one procedure ----------------------------------------------------------------------------------------


def public_procedure(*, code: str) -> Procedure:
    """A procedure of the public catalogue by its local code: 404 for an unknown code and for a procedure
    that has never been published (its draft is not public)."""
    procedure = procedure_get(code=code)
    if procedure.latest_version_id is None:
        raise NotFound(_("No procedure has the code %(code)s.") % {"code": code})
    return procedure


@dataclass(frozen=True, slots=True)
class PublicVersion:
    """The version the public sees, with every component loaded, and what to say about it."""

    version: ProcedureVersion
    # A newer published version that applies from a later day (shown as a notice).
    upcoming: ProcedureVersion | None
    # False for a retired procedure and before the first version applies: no dossier can be bound now.
    in_force: bool


def public_version(*, procedure: Procedure, at: datetime) -> PublicVersion:
    """The version a dossier submitted at `at` is bound to (`procedure_version_for_submission`); for a
    retired procedure or one not in force yet, its latest published version. Never a draft."""
    try:
        bound = procedure_version_for_submission(procedure=procedure, at=at)
        in_force = True
    except ApplicationError:
        latest = procedure.latest_version
        if latest is None:
            raise NotFound(_("No procedure has the code %(code)s.") % {"code": procedure.code}) from None
        bound, in_force = latest, False
    upcoming = None
    if in_force and procedure.latest_version_id not in (None, bound.pk):
        upcoming = procedure.latest_version
    return PublicVersion(procedure_detail(version=bound), upcoming, in_force)


def competent_units(*, version: ProcedureVersion) -> list[Unit]:
    """The units that decide dossiers of `version` (their calendars give the expected dates)."""
    return list(procedure_units(version=version, role=AgencyRole.COMPETENT))


def chosen_unit(units: list[Unit], unit_id: int | None, *, fallback: Unit | None = None) -> Unit:
    """The competent unit whose calendar counts: `unit_id` if it is one of `units`, else the first of
    them (`fallback`, the owner unit, when the version names none that exists)."""
    if unit_id is not None:
        chosen = next((unit for unit in units if unit.pk == unit_id), None)
        if chosen is None:
            raise ApplicationError(
                _("This unit does not decide dossiers of the procedure."),
                code="not_competent",
                status=422,
                fields={"unit": _("Choose one of the competent units of the procedure.")},
            )
        return chosen
    if units:
        return units[0]
    if fallback is None:
        raise ApplicationError(
            _("The procedure names no competent unit; its expected date cannot be computed."),
            code="no_competent_unit",
            status=409,
        )
    return fallback


@dataclass(frozen=True, slots=True)
class ExpectedDue:
    """The expected return moment on one channel (None when the time engine cannot give one)."""

    channel: str
    channel_label: str
    time_limit_amount: Decimal
    time_limit_unit: str
    due_at: datetime | None
    problem: str = ""

    @property
    def time_limit_unit_label(self) -> str:
        return str(TimeLimitUnit(self.time_limit_unit).label) if self.time_limit_unit else ""


def expected_dues(*, version: ProcedureVersion, unit: Unit, start: datetime) -> list[ExpectedDue]:
    """For each method of submission of `version` (prefetched), the due moment of a dossier received at
    `start` by `unit` (`procedure_expected_due`: the unit's calendar, the procedure's time unit, counting
    convention and cut-off time; a channel's own time limit where it has one)."""
    channels = [method.channel for method in version.methods.all()] or [""]
    dues = []
    for channel in channels:
        amount, time_unit = time_limit_of(version, channel or None)
        label = str(Channel(channel).label) if channel else ""
        try:
            due_at = procedure_expected_due(version=version, unit=unit, start=start, channel=channel or None)
        except ApplicationError as error:
            dues.append(ExpectedDue(channel, label, amount, time_unit, None, str(error.message)))
        else:
            dues.append(ExpectedDue(channel, label, amount, time_unit, due_at))
    return dues


# --- editors ----------------------------------------------------------------------------------------------


def editor_procedures(*, user: Any, q: str | None = None) -> QuerySet[Procedure]:
    """The procedures `user` edits (drafts included), by code, each with `.draft_count`; `q` filters by
    code or by name (folded, as the search folds)."""
    procedures = procedures_editable_by(user=user).annotate(
        draft_count=Count("versions", filter=Q(versions__status=VersionStatus.DRAFT))
    )
    q = (q or "").strip()
    if q:
        query = parse_query(q)
        # Drafts are not in the search index: their names are matched as typed.
        by_code = Q(code__startswith=q) | Q(national_code=q) | Q(name__icontains=q)
        if query is not None and not looks_like_code(q):
            ranked = ranked_procedures(query=query, within=procedures, include_retired=True)
            procedures = procedures.filter(by_code | Q(pk__in=[item.procedure_id for item in ranked]))
        else:
            procedures = procedures.filter(by_code)
    return procedures.order_by("code")


def editor_procedure(*, user: Any, code: str) -> Procedure:
    """A procedure `user` edits, by code: 404 if unknown, 403 if its owner unit is not theirs."""
    procedure = procedure_get(code=code)
    if not user.has_perm("catalog.edit_procedure", procedure):
        raise PermissionDenied(_("You may not edit the catalogue of this unit."))
    return procedure


def procedure_versions(*, procedure: Procedure) -> list[ProcedureVersion]:
    """Every version of `procedure`, newest first (the editor's history)."""
    return list(
        ProcedureVersion.objects.filter(procedure=procedure)
        .select_related("published_by")
        .defer("snapshot", "unconfirmed")
        .order_by("-number")
    )


def procedure_draft(*, procedure: Procedure) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.DRAFT).first()
