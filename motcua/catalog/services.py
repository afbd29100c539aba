"""Writes to the catalogue: keyword-only, atomic, audited, announced on the outbox.

A procedure is edited as a draft (`draft_save_content`, `draft_update`) and published as an immutable
version with its publication decision (`version_publish`); a new draft starts from the latest version
(`draft_start`). `actor=None` means the system (the demo loader, the import command); any other actor
must hold the `catalog.edit_procedure` permission on the procedure (`motcua.catalog.permissions`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.catalog import content as catalog_content
from motcua.catalog.content import Issue
from motcua.catalog.models import (
    ImmutableVersion,
    Level,
    PostingChannel,
    Procedure,
    ProcedureVersion,
    PublicationPosting,
    Sector,
    VersionStatus,
)
from motcua.catalog.selectors import procedure_detail
from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.outbox import outbox_emit
from motcua.organizations.models import Unit
from motcua.worktime.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

PROCEDURE_FIELDS = ("code", "national_code", "sector_id", "level", "owner_unit_id", "name", "retired_at")
VERSION_AUDIT_FIELDS = (
    "procedure_id",
    "number",
    "status",
    "decision_number",
    "decision_date",
    "decision_signer",
    "decision_note",
    "effective_from",
    "published_at",
    "snapshot_sha256",
)


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You may not edit the catalogue of this unit."))


def _day(value: date) -> str:
    return formats.date_format(value, "d/m/Y")


def issues_error(issues: list[Issue], *, code: str = "invalid_content") -> ApplicationError:
    """One ApplicationError for a list of issues, a message per field path (`documents.2.name`)."""
    fields: dict[str, str] = {}
    for issue in issues:
        key = ".".join(part for part in (issue.location, issue.field) if part)
        fields.setdefault(key or "content", issue.message)
    message = _("The procedure has %(count)d problem(s); correct the fields marked.") % {"count": len(issues)}
    return ApplicationError(message, code=code, fields=fields)


def content_sha256(data: Any) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- sectors and procedures ----------------------------------------------------------------------------


@transaction.atomic
def sector_upsert(*, code: str, name: str, actor: Any = None) -> Sector:
    """Create the sector `code`, or rename it."""
    code, name = code.strip(), " ".join(name.split())
    if not code or not name:
        raise ApplicationError(
            _("Give the sector's code and name."),
            code="required",
            fields={key: _("Required.") for key, value in (("code", code), ("name", name)) if not value},
        )
    _require(actor, "catalog.manage_sectors", None)
    sector, created = Sector.objects.select_for_update().get_or_create(code=code, defaults={"name": name})
    if not created and sector.name != name:
        before = snapshot(sector)
        sector.name = name
        sector.save(update_fields=["name"])
        audit_log(actor=actor, action="update", obj=sector, before=before, after=snapshot(sector))
    elif created:
        audit_log(actor=actor, action="create", obj=sector, before=None, after=snapshot(sector))
    return sector


def _check_identity(*, code: str, level: str, name: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not code:
        fields["code"] = _("Give the procedure's local code.")
    elif len(code) > 64:
        fields["code"] = _("At most %(max)d characters.") % {"max": 64}
    if level not in Level.values:
        fields["level"] = _("Choose province, commune or both.")
    if not name:
        fields["name"] = _("Give the procedure's name.")
    return fields


@transaction.atomic
def procedure_create(
    *,
    code: str,
    name: str,
    sector: Sector,
    level: str,
    owner_unit: Unit,
    actor: Any,
    national_code: str = "",
) -> Procedure:
    """Create a procedure with its first draft (version 1), holding only the name so far."""
    _require(actor, "catalog.create_procedure", owner_unit)
    code, name, national_code = code.strip(), " ".join(name.split()), national_code.strip()
    if fields := _check_identity(code=code, level=level, name=name):
        raise ApplicationError(_("Correct the fields marked."), code="invalid", fields=fields)
    if Procedure.objects.filter(code=code).exists():
        raise Conflict(
            _("A procedure with the local code %(code)s already exists.") % {"code": code},
            code="code_taken",
            fields={"code": _("Already used.")},
        )
    try:
        with transaction.atomic():
            procedure = Procedure.objects.create(
                code=code,
                national_code=national_code,
                name=name,
                sector=sector,
                level=level,
                owner_unit=owner_unit,
            )
    except IntegrityError:
        raise Conflict(
            _("A procedure with the local code %(code)s already exists.") % {"code": code}, code="code_taken"
        ) from None
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, name=name)
    audit_log(
        actor=actor, action="create", obj=procedure, before=None, after=snapshot(procedure), unit=owner_unit
    )
    audit_log(
        actor=actor,
        action="create",
        obj=version,
        before=None,
        after=snapshot(version, list(VERSION_AUDIT_FIELDS)),
        unit=owner_unit,
    )
    outbox_emit(kind="catalog.procedure_created", payload={"code": procedure.code}, aggregate=procedure)
    return procedure


@transaction.atomic
def procedure_update(
    *,
    procedure: Procedure,
    actor: Any,
    national_code: str | None = None,
    sector: Sector | None = None,
    level: str | None = None,
    owner_unit: Unit | None = None,
) -> Procedure:
    """Change a procedure's classification (not versioned: the content is, through drafts)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require(actor, "catalog.edit_procedure", procedure)
    if owner_unit is not None:
        _require(actor, "catalog.create_procedure", owner_unit)
    if level is not None and level not in Level.values:
        raise ApplicationError(
            _("Choose province, commune or both."),
            code="invalid",
            fields={"level": _("Choose one of the allowed values.")},
        )
    before = snapshot(procedure, list(PROCEDURE_FIELDS))
    changed = []
    for name, value in (
        ("national_code", national_code.strip() if national_code is not None else None),
        ("sector", sector),
        ("level", level),
        ("owner_unit", owner_unit),
    ):
        if value is not None and getattr(procedure, name) != value:
            setattr(procedure, name, value)
            changed.append(name)
    if changed:
        procedure.save(update_fields=[*changed, "updated_at"])
        audit_log(
            actor=actor,
            action="update",
            obj=procedure,
            before=before,
            after=snapshot(procedure, list(PROCEDURE_FIELDS)),
            unit=procedure.owner_unit_id,
        )
    return procedure


@transaction.atomic
def procedure_retire(
    *, procedure: Procedure, actor: Any, reason: str, at: datetime | None = None
) -> Procedure:
    """Retire (bãi bỏ) a procedure: no new dossier from `at` (now by default); dossiers already submitted
    keep their version and run to the end."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require(actor, "catalog.edit_procedure", procedure)
    if procedure.retired_at is not None:
        raise Conflict(_("The procedure is already retired."), code="already_retired")
    reason = " ".join(reason.split())
    if not reason:
        raise ApplicationError(
            _("Give the reason, e.g. the decision that abolished the procedure."),
            code="required",
            fields={"reason": _("Required.")},
        )
    if len(reason) > 500:
        raise ApplicationError(
            _("At most %(max)d characters.") % {"max": 500},
            code="too_long",
            fields={"reason": _("Too long.")},
        )
    before = snapshot(procedure, list(PROCEDURE_FIELDS))
    procedure.retired_at = at or timezone.now()
    procedure.retirement_reason = reason
    procedure.save(update_fields=["retired_at", "retirement_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="retire",
        obj=procedure,
        before=before,
        after=snapshot(procedure, list(PROCEDURE_FIELDS)),
        unit=procedure.owner_unit_id,
    )
    outbox_emit(
        kind="catalog.procedure_retired",
        payload={"code": procedure.code, "retired_at": procedure.retired_at.isoformat()},
        aggregate=procedure,
    )
    return procedure


# --- drafts --------------------------------------------------------------------------------------------


def _lock_draft(version: ProcedureVersion) -> ProcedureVersion:
    locked = ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ImmutableVersion
    return locked


def parse_and_check(
    content: Any, *, procedure: Procedure, location: str = "", child: str = "{table}.{index}"
) -> tuple[catalog_content.ParsedContent, dict[str, Unit], list[Issue]]:
    """Parse and check a version's content for `procedure` (issues empty: it can be written)."""
    base, children, issues = catalog_content.content_records(content, location, child=child)
    parsed = catalog_content.parse_content(base, children, issues)
    units: dict[str, Unit] = {}
    if not issues:
        units = catalog_content.resolve_units(parsed.unit_keys())
        calendar = calendar_for_unit(unit=procedure.owner_unit_id)
        catalog_content.check_content(parsed, units=units, calendar=calendar, issues=issues)
    return parsed, units, issues


@transaction.atomic
def draft_save_content(
    *, version: ProcedureVersion, actor: Any, content: Mapping[str, Any]
) -> ProcedureVersion:
    """Replace the whole content of a draft (the structure `content.version_content` gives). Every problem
    is reported at once, by field path; nothing is written unless all is well."""
    version = _lock_draft(version)
    procedure = version.procedure
    _require(actor, "catalog.edit_procedure", procedure)
    parsed, units, issues = parse_and_check(content, procedure=procedure)
    if issues:
        raise issues_error(issues)
    before = catalog_content.version_content(procedure_detail(version=version))
    catalog_content.write_content(version, parsed, units)
    if procedure.latest_version_id is None and procedure.name != version.name:
        procedure.name = version.name
        procedure.save(update_fields=["name", "updated_at"])
    after = catalog_content.version_content(procedure_detail(version=version))
    audit_log(
        actor=actor, action="update", obj=version, before=before, after=after, unit=procedure.owner_unit_id
    )
    return version


def draft_update(*, version: ProcedureVersion, actor: Any, **changes: Any) -> ProcedureVersion:
    """Change some fields or whole tables of a draft (`name=...`, `fees=[...]`), keeping the rest."""
    unknown = (
        set(changes)
        - {spec.name for spec in catalog_content.VERSION_FIELDS}
        - set(catalog_content.TABLES_BY_NAME)
    )
    if unknown:
        raise TypeError(f"unknown content fields: {sorted(unknown)}")
    current = catalog_content.version_content(procedure_detail(version=version))
    return draft_save_content(version=version, actor=actor, content={**current, **changes})


@transaction.atomic
def draft_start(*, procedure: Procedure, actor: Any) -> ProcedureVersion:
    """A new draft holding a copy of the latest version, to edit and publish as the next version."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require(actor, "catalog.edit_procedure", procedure)
    if procedure.retired_at is not None:
        raise Conflict(_("The procedure is retired; it cannot get a new version."), code="retired")
    if procedure.versions.filter(status=VersionStatus.DRAFT).exists():
        raise Conflict(_("The procedure already has a draft; edit that draft."), code="draft_exists")
    latest = procedure.versions.order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    draft = ProcedureVersion.objects.create(procedure=procedure, number=number, name=procedure.name)
    if latest is not None:
        source = (
            latest.snapshot
            if latest.is_published
            else catalog_content.version_content(procedure_detail(version=latest))
        )
        base, children, issues = catalog_content.content_records(source, "")
        parsed = catalog_content.parse_content(base, children, issues)
        units = catalog_content.resolve_units(parsed.unit_keys()) if not issues else {}
        missing = parsed.unit_keys() - set(units)
        if issues or missing:
            raise ApplicationError(
                _("The latest version cannot be copied: it names units that no longer exist (%(keys)s).")
                % {"keys": ", ".join(sorted(missing)) or "-"},
                code="copy_failed",
            )
        catalog_content.write_content(draft, parsed, units)
    audit_log(
        actor=actor,
        action="create",
        obj=draft,
        before=None,
        after=snapshot(draft, list(VERSION_AUDIT_FIELDS)),
        unit=procedure.owner_unit_id,
    )
    return draft


@transaction.atomic
def draft_discard(*, version: ProcedureVersion, actor: Any) -> None:
    """Delete a draft. The first draft of a never-published procedure takes the procedure with it."""
    version = _lock_draft(version)
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    _require(actor, "catalog.edit_procedure", procedure)
    audit_log(
        actor=actor,
        action="delete",
        obj=version,
        before=snapshot(version, list(VERSION_AUDIT_FIELDS)),
        after=None,
        unit=procedure.owner_unit_id,
    )
    version.delete()
    if not procedure.versions.exists():
        audit_log(
            actor=actor,
            action="delete",
            obj=procedure,
            before=snapshot(procedure, list(PROCEDURE_FIELDS)),
            after=None,
            unit=procedure.owner_unit_id,
        )
        procedure.delete()


# --- publication -------------------------------------------------------------------------------------


def _decision_problems(
    *,
    decision_number: str,
    decision_date: date | None,
    decision_signer: str,
    effective_from: date,
    published_at: datetime,
    previous: ProcedureVersion | None,
) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not decision_number:
        fields["decision_number"] = _("Give the number of the publication decision, e.g. 1234/QĐ-UBND.")
    elif len(decision_number) > 100:
        fields["decision_number"] = _("At most %(max)d characters.") % {"max": 100}
    if not decision_signer:
        fields["decision_signer"] = _("Give who signed the decision.")
    if decision_date is None:
        fields["decision_date"] = _("Give the date of the decision.")
        return fields
    if decision_date > timezone.localdate(published_at):
        fields["decision_date"] = _("The decision cannot be dated after the day it is recorded.")
    if effective_from < decision_date:
        fields["effective_from"] = _(
            "A version cannot apply before the decision that publishes it (%(date)s)."
        ) % {"date": _day(decision_date)}
    if previous is not None and previous.effective_from and effective_from < previous.effective_from:
        fields["effective_from"] = _(
            "Version %(number)d already applies from %(date)s; a newer version cannot apply earlier."
        ) % {"number": previous.number, "date": _day(previous.effective_from)}
    return fields


@transaction.atomic
def version_publish(
    *,
    version: ProcedureVersion,
    actor: Any,
    decision_number: str,
    decision_date: date,
    decision_signer: str,
    effective_from: date | None = None,
    decision_note: str = "",
    published_at: datetime | None = None,
) -> ProcedureVersion:
    """Publish a draft with its publication decision (quyết định công bố): check every component
    (ND 63/2010 art. 8(2)), freeze the content as a snapshot, and make it the version new dossiers get
    from `effective_from` (the decision date by default). `published_at` is for imports of history."""
    version = _lock_draft(version)
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    _require(actor, "catalog.edit_procedure", procedure)
    if procedure.retired_at is not None:
        raise Conflict(_("The procedure is retired; it cannot get a new version."), code="retired")
    published_at = published_at or timezone.now()
    decision_number, decision_signer = decision_number.strip(), " ".join(decision_signer.split())
    effective_from = effective_from or decision_date
    previous = (
        procedure.versions.filter(status=VersionStatus.PUBLISHED)
        .order_by("-effective_from", "-number")
        .first()
    )
    if fields := _decision_problems(
        decision_number=decision_number,
        decision_date=decision_date,
        decision_signer=decision_signer,
        effective_from=effective_from,
        published_at=published_at,
        previous=previous,
    ):
        raise ApplicationError(_("Correct the publication decision."), code="invalid_decision", fields=fields)
    detail = procedure_detail(version=version)
    frozen = catalog_content.version_content(detail)
    parsed, _units, issues = parse_and_check(frozen, procedure=procedure)
    if not issues:
        issues = catalog_content.publication_problems(parsed)
    if issues:
        raise issues_error(issues, code="incomplete")
    version.status = VersionStatus.PUBLISHED
    version.decision_number, version.decision_date, version.decision_signer = (
        decision_number,
        decision_date,
        decision_signer,
    )
    version.decision_note = decision_note.strip()
    version.effective_from = effective_from
    version.published_at = published_at
    version.published_by = actor if actor is not None and actor.is_authenticated else None
    version.snapshot = frozen
    version.snapshot_sha256 = content_sha256(frozen)
    version.save(
        update_fields=[
            "status",
            "decision_number",
            "decision_date",
            "decision_signer",
            "decision_note",
            "effective_from",
            "published_at",
            "published_by",
            "snapshot",
            "snapshot_sha256",
            "updated_at",
        ]
    )
    version.procedure = procedure
    newest = procedure.versions.filter(status=VersionStatus.PUBLISHED).aggregate(newest=Max("number"))[
        "newest"
    ]
    if newest == version.number:
        procedure.latest_version = version
        procedure.name = version.name
        procedure.save(update_fields=["latest_version", "name", "updated_at"])
    audit_log(
        actor=actor,
        action="publish",
        obj=version,
        before=None,
        after=snapshot(version, list(VERSION_AUDIT_FIELDS)),
        unit=procedure.owner_unit_id,
    )
    logger.info(
        "catalog_version_published",
        extra={
            "code": procedure.code,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
        },
    )
    outbox_emit(
        kind="catalog.version_published",
        payload={
            "code": procedure.code,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            "decision_number": decision_number,
        },
        aggregate=procedure,
    )
    return version


@transaction.atomic
def posting_record(
    *, version: ProcedureVersion, actor: Any, channel: str, posted_on: date, reference: str = ""
) -> PublicationPosting:
    """Record that a published version was made public on `posted_on` (indicator 1.2 counts the national
    database: it must be within 5 working days of the decision; `motcua.catalog.publication`)."""
    version = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
    _require(actor, "catalog.edit_procedure", version.procedure)
    if not version.is_published:
        raise Conflict(_("Only a published version can be posted."), code="not_published")
    if channel not in PostingChannel.values:
        raise ApplicationError(
            _("Choose where the version was posted."),
            code="invalid",
            fields={"channel": _("Choose one of the allowed values.")},
        )
    assert version.decision_date is not None
    if posted_on < version.decision_date:
        raise ApplicationError(
            _("A version cannot be posted before its decision (%(date)s).")
            % {"date": _day(version.decision_date)},
            code="invalid",
            fields={"posted_on": _("On or after the decision date.")},
        )
    if posted_on > timezone.localdate():
        raise ApplicationError(
            _("The posting date cannot be in the future."),
            code="invalid",
            fields={"posted_on": _("Not in the future.")},
        )
    try:
        with transaction.atomic():
            posting = PublicationPosting.objects.create(
                version=version,
                channel=channel,
                posted_on=posted_on,
                reference=reference.strip()[:500],
                recorded_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        raise Conflict(_("This posting is already recorded."), code="posting_exists") from None
    audit_log(
        actor=actor,
        action="create",
        obj=posting,
        before=None,
        after=snapshot(posting),
        unit=version.procedure.owner_unit_id,
    )
    return posting
