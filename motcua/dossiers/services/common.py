"""What every dossier service shares: the guards (lock, version, state, role), the end of an action
(version, counters, event, audit, outbox), and the checks against the procedure version."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role
from motcua.accounts.validators import validate_personal_id, validate_tax_code
from motcua.catalog import eforms
from motcua.catalog.models import AgencyRole, DocumentKind, ProcedureVersion
from motcua.catalog.selectors import procedure_units
from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.outbox import outbox_emit
from motcua.dossiers.deadlines import (
    CATALOG_CHANNEL,
)
from motcua.dossiers.events import OUTBOX_PREFIX, event_payload, record_event
from motcua.dossiers.inputs import Applicant, ComponentInput
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStatusCounter,
    StoredFile,
    SupplementRequest,
)
from motcua.organizations.models import Unit

logger = logging.getLogger(__name__)


Status = Dossier.Status


Kind = DossierEvent.Kind


Provenance = DossierComponent.Provenance


AUDIT_FIELDS = [
    "status",
    "stop_kind",
    "code",
    "version",
    "procedure_version",
    "competent_unit",
    "assignee",
    "current_step",
    "submitted_at",
    "received_at",
    "received_late",
    "clock_started_at",
    "appointment_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "stopped_at",
    "ended_at",
]


WITHDRAWABLE = (Status.SUBMITTED, Status.SUPPLEMENT_AT_INTAKE, Status.WAITING_SUPPLEMENT)


MAX_TEXT = 4000


def action_moment(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware")
    return at


def lock_dossier(dossier: Dossier, expected_version: int | None) -> Dossier:
    """The dossier's row, locked for the transaction, at the version the caller saw."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed the dossier after you opened it (it is now at version %(current)d, "
                "you saw version %(expected)d). Reload it and try again."
            )
            % {"current": locked.version, "expected": expected_version},
            code="stale_version",
            extra={"version": locked.version},
        )
    return locked


def require_status(dossier: Dossier, *allowed: str) -> None:
    if dossier.status not in allowed:
        raise Conflict(
            _("This action is not possible while the dossier is in the state “%(status)s”.")
            % {"status": dossier.get_status_display()},
            code="invalid_state",
            extra={"status": dossier.status},
        )


def is_active(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_intake_officer(actor: Any, dossier: Dossier) -> bool:
    return has_role(actor, Role.INTAKE_OFFICER, dossier.receiving_unit)


def require_intake_officer(actor: Any, dossier: Dossier) -> None:
    require(
        is_intake_officer(actor, dossier),
        _("Only an intake officer of %(unit)s can do this.") % {"unit": dossier.receiving_unit.name},
    )


def require_leader(actor: Any, dossier: Dossier) -> None:
    require(
        has_role(actor, Role.LEADER, dossier.competent_unit),
        _("Only a leader of %(unit)s can do this.") % {"unit": dossier.competent_unit.name},
    )


def is_applicant(actor: Any, dossier: Dossier) -> bool:
    return is_active(actor) and dossier.applicant_id is not None and dossier.applicant_id == actor.pk


def clean_text(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(message, code="required", fields={field: _("Required.")})
    if len(text) > MAX_TEXT:
        raise ApplicationError(
            _("The text is too long."),
            code="too_long",
            fields={field: _("At most %(max)d characters.") % {"max": MAX_TEXT}},
        )
    return text


def clean_items(items: Sequence[str]) -> list[str]:
    cleaned = [" ".join(str(item).split()) for item in items or ()]
    if isinstance(items, str) or not cleaned or any(not item for item in cleaned):
        raise ApplicationError(
            _("List what the applicant must add or correct, one item per line."),
            code="required",
            fields={"items": _("Give at least one item; no item may be empty.")},
        )
    return cleaned


def local_moment(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y") if moment else ""


def move_counters(dossier: Dossier, old: str, new: str) -> None:
    """Keep `DossierStatusCounter` in step, rows touched in one order (no deadlock between actions)."""
    changes: list[tuple[int, str, str, int]] = []
    part: str
    for part, unit_id in (
        (DossierStatusCounter.Part.RECEIVING, dossier.receiving_unit_id),
        (DossierStatusCounter.Part.COMPETENT, dossier.competent_unit_id),
    ):
        if old:
            changes.append((unit_id, part, old, -1))
        if new:
            changes.append((unit_id, part, new, 1))
    for unit_id, part, status, delta in sorted(changes):
        rows = DossierStatusCounter.objects.filter(unit_id=unit_id, part=part, status=status)
        if not rows.update(value=F("value") + delta):
            DossierStatusCounter.objects.bulk_create(
                [DossierStatusCounter(unit_id=unit_id, part=part, status=status, value=0)],
                ignore_conflicts=True,
            )
            rows.update(value=F("value") + delta)


def finish_action(
    dossier: Dossier,
    *,
    kind: str,
    actor: Any,
    at: datetime,
    from_status: str,
    before: dict[str, Any] | None,
    fields: Sequence[str],
    data: dict[str, Any],
    bump: bool = True,
    save: bool = True,
    count: bool = True,
) -> Dossier:
    """Save the change, bump the version, count, append the event, audit, and write the outbox row.

    For actions chained in one transaction on a dossier created in it (`counter_intake`): `save=False`
    leaves the row to be saved once at the end, `count=False` leaves the counters to one move from the
    first state to the last."""
    if bump:
        dossier.version += 1
        if save:
            dossier.save(update_fields=sorted({*fields, "version", "updated_at"}))
    if count and from_status != dossier.status:
        move_counters(dossier, from_status, dossier.status)
    event = record_event(dossier=dossier, kind=kind, actor=actor, at=at, from_status=from_status, data=data)
    audit_log(
        actor=actor if is_active(actor) else None,
        action=kind,
        obj=dossier,
        before=before,
        after=snapshot(dossier, AUDIT_FIELDS),
        unit=dossier.receiving_unit_id,
    )
    outbox_emit(kind=OUTBOX_PREFIX + kind, payload=event_payload(event, dossier), aggregate=dossier)
    logger.info(
        "dossier_%s",
        kind,
        extra={"dossier": str(dossier.public_id), "code": dossier.code, "event": event.sequence},
    )
    return dossier


def check_channel(version: ProcedureVersion, channel: str) -> None:
    offered = {method.channel for method in version.methods.all()}
    if offered and CATALOG_CHANNEL[channel] not in offered:
        raise ApplicationError(
            _("The procedure %(code)s cannot be submitted this way.") % {"code": version.procedure.code},
            code="channel_not_offered",
            fields={"channel": _("Choose a channel the procedure offers.")},
        )


def check_return_method(version: ProcedureVersion, return_method: str) -> None:
    offered = {
        Dossier.ReturnMethod.COUNTER: version.return_at_counter,
        Dossier.ReturnMethod.AUTHORISED: version.return_at_counter,
        Dossier.ReturnMethod.POST: version.return_by_post,
        Dossier.ReturnMethod.ELECTRONIC: version.return_electronically,
    }
    if not offered[Dossier.ReturnMethod(return_method)]:
        raise ApplicationError(
            _("The procedure does not return its result this way."),
            code="return_method_not_offered",
            fields={"return_method": _("Choose a way of return the procedure offers.")},
        )


def check_form_data(version: ProcedureVersion, form_data: Any) -> None:
    """Each e-form of the version validated against its schema; data is {e-form key: answers}."""
    if not isinstance(form_data, dict):
        raise ApplicationError(
            _("The form data must be a set of named fields."),
            code="invalid_form",
            fields={"form_data": _("The form data must be a set of named fields.")},
        )
    forms = list(version.eforms.all())
    errors: dict[str, str] = {}
    known = {form.key for form in forms}
    for key in form_data:
        if key not in known:
            errors[f"form_data.{key}"] = _("This form is not part of the procedure.")
    for form in forms:
        for path, message in eforms.validate(form.schema, form_data.get(form.key, {})).items():
            errors[f"form_data.{form.key}.{path}".rstrip(".")] = message
    if errors:
        raise ApplicationError(_("Correct the form fields marked."), code="invalid_form", fields=errors)


def check_required_components(
    version: ProcedureVersion, dossier: Dossier, *, components: Sequence[DossierComponent] | None = None
) -> None:
    """Every document the version always requires (not case-specific, not replaceable by a national
    database lookup) is among the components (`components`: all of them, when the caller has them)."""
    given = list(dossier.components.select_related("required_document")) if components is None else components
    ids = {c.required_document_id for c in given}
    names = {c.required_document.name for c in given if c.required_document is not None}
    missing = [
        document.name
        for document in version.documents.filter(kind=DocumentKind.SUBMIT, required=True, group="")
        if not document.lookup_database and document.pk not in ids and document.name not in names
    ]
    if missing:
        raise ApplicationError(
            _("The dossier lacks required components: %(names)s.") % {"names": "; ".join(missing)},
            code="missing_components",
            fields={"components": _("Add: %(names)s.") % {"names": "; ".join(missing)}},
        )


def competent_unit_for(version: ProcedureVersion, receiving_unit: Unit, chosen: Unit | None) -> Unit:
    """The chosen competent unit (one the procedure names), or the one that covers the receiving unit.

    ND 118/2025 art. 14: provincial and commune centres accept dossiers whatever the commune, so the
    receiving unit may lie outside the competent unit's tree; then the competent unit must be chosen."""
    candidates = list(procedure_units(version=version, role=AgencyRole.COMPETENT)) or list(
        procedure_units(version=version, role=AgencyRole.IMPLEMENTING)
    )
    if chosen is not None:
        if candidates and chosen.pk not in {unit.pk for unit in candidates}:
            raise ApplicationError(
                _("%(unit)s does not decide on this procedure.") % {"unit": chosen.name},
                code="invalid_competent_unit",
                fields={"competent_unit": _("Choose a unit the procedure names as competent.")},
            )
        return chosen
    if not candidates:
        return receiving_unit
    if len(candidates) == 1:
        return candidates[0]
    covering = [
        unit
        for unit in candidates
        if receiving_unit.path.startswith(unit.path) or unit.path.startswith(receiving_unit.path)
    ]
    if len(covering) == 1:
        return covering[0]
    raise ApplicationError(
        _("Several units decide on this procedure; choose the competent unit."),
        code="competent_unit_required",
        fields={"competent_unit": _("Required.")},
    )


def fees_due(version: ProcedureVersion, channel: str) -> int:
    wanted = CATALOG_CHANNEL[channel]
    return sum(fee.amount_vnd or 0 for fee in version.fees.all() if not fee.channel or fee.channel == wanted)


def clean_applicant(applicant: Applicant | Any) -> Applicant:
    person = applicant if isinstance(applicant, Applicant) else Applicant.from_user(applicant)
    fields: dict[str, str] = {}
    if not person.name.strip():
        fields["applicant.name"] = _("Give the applicant's name.")
    if person.kind not in Dossier.ApplicantKind.values:
        fields["applicant.kind"] = _("Choose citizen or organisation.")
    elif person.identifier:
        validator = (
            validate_tax_code if person.kind == Dossier.ApplicantKind.ORGANIZATION else validate_personal_id
        )
        try:
            validator(person.identifier)
        except ValidationError as error:
            fields["applicant.identifier"] = " ".join(error.messages)
    if fields:
        raise ApplicationError(_("Correct the applicant's details."), code="invalid_applicant", fields=fields)
    return person


def add_components(
    dossier: Dossier,
    components: Sequence[ComponentInput],
    *,
    actor: Any,
    at: datetime,
    supplement_request: SupplementRequest | None = None,
    fresh: bool = False,
) -> list[DossierComponent]:
    """Check every component, then add them after the existing ones (nothing is added on any problem).
    `fresh`: the dossier was just created and has none yet."""
    fields: dict[str, str] = {}
    for index, item in enumerate(components):
        key = f"components.{index}"
        if item.provenance not in Provenance.values:
            fields[key] = _("Say whether the component was digitised at intake, uploaded or reused.")
        elif item.provenance == Provenance.REUSED:
            source = item.source_component
            if source is None and not item.reference.strip():
                fields[key] = _("Name the document that is reused.")
            elif source is not None and (
                dossier.applicant_id is None or source.dossier.applicant_id != dossier.applicant_id
            ):
                fields[key] = _("Only the applicant's own documents can be reused.")
        elif not isinstance(item.file, StoredFile) or item.file.pk is None:
            fields[key] = _("Attach the file of this component.")
        elif item.provenance == Provenance.DIGITISED_AT_INTAKE and (
            dossier.channel == Dossier.Channel.ONLINE or not is_intake_officer(actor, dossier)
        ):
            # TT 03/2025 art. 5: paper dossiers are digitised by the counter; online ones need not be.
            fields[key] = _("Only an intake officer digitises paper components at the counter.")
        document = item.required_document
        if document is not None and document.version.procedure_id != dossier.procedure_id:
            fields[key] = _("This document belongs to another procedure.")
        if not (item.name or (document.name if document else "")).strip():
            fields[key] = _("Give the component's name.")
    if fields:
        raise ApplicationError(_("Correct the components marked."), code="invalid_components", fields=fields)
    if not components:
        return []
    last = (
        0
        if fresh
        else dossier.components.order_by("-position").values_list("position", flat=True).first() or 0
    )
    created = []
    for offset, item in enumerate(components, start=1):
        document = item.required_document
        created.append(
            DossierComponent.objects.create(
                dossier=dossier,
                position=last + offset,
                required_document=document,
                name=(item.name or (document.name if document else "")).strip()[:1000],
                provenance=item.provenance,
                file=item.file if item.provenance != Provenance.REUSED else None,
                filename=item.filename[:255],
                source_component=item.source_component,
                reference=item.reference.strip()[:255],
                supplement_request=supplement_request,
                added_at=at,
                added_by=actor if is_active(actor) else None,
            )
        )
    return created


def update_form_data(dossier: Dossier, form_data: dict[str, Any] | None) -> list[str]:
    if form_data is None:
        return []
    assert dossier.procedure_version is not None
    check_form_data(dossier.procedure_version, form_data)
    dossier.form_data = form_data
    return ["form_data"]
