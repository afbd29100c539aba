"""Writes of the documents app: digitisation at intake, the data store and reuse, signed results and
certified e-copies. Each service is atomic, takes the actor, and records the raw facts of QĐ 766 indicators
4.1–4.4 as outbox events `documents.<kind>` (docs/EVENTS.md, "Documents")."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.accounts.permissions import APPLICANT_KINDS, has_role, units_where
from motcua.catalog.models import DocumentKind, RequiredDocument
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.core.outbox import outbox_emit
from motcua.documents import signing
from motcua.documents.models import (
    CertifiedCopy,
    DataStore,
    DataStoreItem,
    DigitisationExemption,
    DigitisedDocument,
    ResultDraft,
    SignedDocument,
    TrustAnchor,
    UnitCertificate,
)
from motcua.documents.storage import JPEG, PDF, PNG, TIFF, read_document, store_document
from motcua.dossiers.idempotency import dossier_once
from motcua.dossiers.models import Dossier, DossierComponent, StoredFile
from motcua.dossiers.slips.qr import SlipPayload
from motcua.organizations.models import Unit
from motcua.worktime.selectors import calendar_for_unit

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# ND 23/2015 art. 7 as amended by ND 07/2025 (LEGAL.md §8.2): a request received after 15:00 is certified
# the next working day.
CERTIFICATION_CUTOFF = dt.time(15, 0)
SYSTEM_NAME = "motcua"
INTAKE_ROLES = (Role.INTAKE_OFFICER,)
RESULT_ROLES = (Role.LEADER, Role.SPECIALIST)


# --- events ----------------------------------------------------------------------------------------


def _emit(kind: str, *, dossier: Dossier | None, at: dt.datetime, aggregate: Any, **data: Any) -> None:
    """One raw fact for the indicators: `documents.<kind>` with the dossier's public id."""
    outbox_emit(
        kind=f"documents.{kind}",
        payload={
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "at": timezone.localtime(at).isoformat(),
            "dossier": str(dossier.public_id) if dossier is not None else None,
            "data": data,
        },
        aggregate=aggregate,
    )


# --- the data store --------------------------------------------------------------------------------


def data_store_for(*, owner_kind: str, identifier: str, account: User | None = None) -> DataStore:
    """The data store of the citizen or organisation `identifier` (created on first use, race-safe); the
    account is linked when given and the store has none yet."""
    if not identifier:
        raise ApplicationError(
            _("The applicant has no ID number or tax code; the data store cannot be used."),
            code="no_identifier",
        )
    try:
        with transaction.atomic():
            store, _created = DataStore.objects.get_or_create(
                owner_kind=owner_kind, identifier=identifier, defaults={"account": account}
            )
    except IntegrityError:
        store = DataStore.objects.get(owner_kind=owner_kind, identifier=identifier)
    if (
        account is not None
        and store.account_id is None
        and not DataStore.objects.filter(account=account).exists()
    ):
        store.account = account
        store.save(update_fields=["account"])
    return store


def data_store_of_user(user: User) -> DataStore | None:
    """The store of a citizen's or organisation's account (None for staff or an account without an ID)."""
    if user.kind not in APPLICANT_KINDS:
        return None
    identifier = user.personal_id if user.kind == User.Kind.CITIZEN else user.tax_code
    if not identifier:
        return DataStore.objects.filter(account=user).first()
    return data_store_for(owner_kind=user.kind, identifier=identifier, account=user)


def data_store_of_dossier(dossier: Dossier) -> DataStore:
    return data_store_for(
        owner_kind=dossier.applicant_kind, identifier=dossier.applicant_identifier, account=dossier.applicant
    )


def _push(
    *,
    store: DataStore,
    origin: str,
    file: StoredFile,
    title: str,
    at: dt.datetime,
    dossier: Dossier | None = None,
    document_type_code: str = "",
    number: str = "",
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    page_count: int | None = None,
) -> DataStoreItem:
    if valid_until is not None and issued_on is not None and valid_until < issued_on:
        raise ApplicationError(
            _("The validity date is before the issue date; check both dates."),
            code="invalid_dates",
            fields={"valid_until": _("The validity date is before the issue date; check both dates.")},
        )
    return DataStoreItem.objects.create(
        store=store,
        origin=origin,
        file=file,
        title=title,
        document_type_code=document_type_code,
        number=number,
        issuing_body=issuing_body,
        issued_on=issued_on,
        valid_until=valid_until,
        page_count=page_count,
        dossier=dossier,
        added_at=at,
    )


@transaction.atomic
def store_upload(
    *,
    actor: User,
    content: bytes | IO[bytes],
    filename: str,
    title: str,
    document_type_code: str = "",
    number: str = "",
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> DataStoreItem:
    """An owner adds a document of their own to their store."""
    store = data_store_of_user(actor)
    if store is None:
        raise PermissionDenied(_("Only citizens and organisations have a data store."))
    stored, checked = store_document(content=content, filename=filename)
    return _push(
        store=store,
        origin=DataStoreItem.Origin.UPLOADED,
        file=stored,
        title=title or filename,
        at=at or timezone.now(),
        document_type_code=document_type_code,
        number=number,
        issuing_body=issuing_body,
        issued_on=issued_on,
        valid_until=valid_until,
        page_count=checked.page_count,
    )


@transaction.atomic
def store_item_delete(*, item: DataStoreItem, actor: User) -> None:
    """Owners may delete what they uploaded; digitised papers, results and certified copies stay."""
    if item.store.account_id is None or item.store.account_id != actor.pk:
        raise PermissionDenied(_("You may only delete documents from your own data store."))
    if item.origin != DataStoreItem.Origin.UPLOADED:
        raise Conflict(
            _(
                "Results, certified copies and papers digitised by an agency stay in the data store; "
                "only your own uploads can be deleted."
            ),
            code="item_kept",
        )
    item.delete()


def _next_position(dossier: Dossier) -> int:
    return (dossier.components.aggregate(last=Max("position"))["last"] or 0) + 1


# The route under which an online submission's key is kept (the API's records use "METHOD path").
ONLINE_SUBMISSION_ROUTE = "portal online submission"


def online_submission(
    *,
    actor: User,
    procedure: Any,
    receiving_unit: Unit,
    form_data: dict[str, Any],
    components: Sequence[Any],
    reused: Sequence[tuple[DataStoreItem, RequiredDocument]],
    return_method: str,
    key: str,
) -> Dossier:
    """An online dossier from the portal's wizard, submitted in one transaction: the draft with its uploads,
    the documents reused from the applicant's data store (ND 45/2020 art. 9), then `submit`. `key` names the
    wizard's submission: sent twice (a double click, a retried POST), it gives back the first dossier."""
    from motcua.dossiers import services as dossier_services  # noqa: PLC0415 (documents builds on dossiers)

    def create() -> Dossier:
        dossier = dossier_services.dossier_create(
            actor=actor,
            procedure=procedure,
            applicant=actor,
            channel=Dossier.Channel.ONLINE,
            receiving_unit=receiving_unit,
            form_data=form_data,
            components=components,
            return_method=return_method,
        )
        for item, document in reused:
            component_reuse(dossier=dossier, item=item, actor=actor, required_document=document)
        return dossier_services.dossier_submit(dossier=dossier, actor=actor)

    return dossier_once(user=actor, route=ONLINE_SUBMISSION_ROUTE, key=key, create=create)


@transaction.atomic
def component_reuse(
    *,
    dossier: Dossier,
    item: DataStoreItem,
    actor: User,
    required_document: RequiredDocument | None = None,
    at: dt.datetime | None = None,
) -> DossierComponent:
    """A component that references a document of the applicant's store instead of a new upload (ND 45/2020
    art. 9): the same StoredFile, provenance "reused"."""
    at = at or timezone.now()
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == actor.pk
    if not (is_applicant or has_role(actor, Role.INTAKE_OFFICER, dossier.receiving_unit)):
        raise PermissionDenied(
            _("Only the applicant or an intake officer of the receiving unit can add components.")
        )
    if dossier.status in Dossier.FINAL_STATUSES or dossier.status in (Dossier.Status.RESOLVED,):
        raise Conflict(
            _("Components can no longer be added: the dossier is %(status)s.")
            % {"status": dossier.get_status_display()},
            code="invalid_state",
        )
    store = data_store_of_dossier(dossier)
    if item.store_id != store.pk:
        raise PermissionDenied(_("This document is not in the applicant's data store."))
    if item.valid_until is not None and item.valid_until < timezone.localtime(at).date():
        raise ApplicationError(
            _("This document expired on %(date)s; submit a valid one.")
            % {"date": item.valid_until.strftime("%d/%m/%Y")},
            code="document_expired",
        )
    component = DossierComponent.objects.create(
        dossier=dossier,
        position=_next_position(dossier),
        required_document=required_document,
        name=required_document.name if required_document is not None else item.title,
        provenance=DossierComponent.Provenance.REUSED,
        file=item.file,
        filename=item.title[:255],
        reference=f"kho:{item.public_id}",
        added_at=at,
        added_by=actor,
    )
    _emit(
        "component_reused",
        dossier=dossier,
        at=at,
        aggregate=component,
        component=component.position,
        store_item=str(item.public_id),
        document_type=item.document_type_code,
        from_store=True,
    )
    return component


# --- digitisation at intake ------------------------------------------------------------------------


@transaction.atomic
def digitise_component(
    *,
    actor: User,
    file: bytes | IO[bytes],
    filename: str,
    dossier_component: DossierComponent | None = None,
    dossier: Dossier | None = None,
    required_document: RequiredDocument | None = None,
    number: str = "",
    issuing_body: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> DigitisedDocument:
    """The intake officer scans a paper component (TT 01/2023/TT-VPCP): the scan is stored, the component
    points at it with provenance "digitised_at_intake", its metadata are kept and it lands in the
    applicant's data store for reuse."""
    at = at or timezone.now()
    if dossier_component is not None:
        dossier = dossier_component.dossier
        required_document = required_document or dossier_component.required_document
    if dossier is None:
        raise ApplicationError(_("Name the dossier or the component to digitise."), code="required")
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not has_role(actor, Role.INTAKE_OFFICER, dossier.receiving_unit):
        raise PermissionDenied(_("Only an intake officer of the receiving unit can digitise components."))
    if dossier.status in Dossier.FINAL_STATUSES:
        raise Conflict(
            _("Components can no longer be added: the dossier is %(status)s.")
            % {"status": dossier.get_status_display()},
            code="invalid_state",
        )
    version_id = dossier.procedure_version_id or dossier.procedure.latest_version_id
    if required_document is not None and required_document.version_id != version_id:
        raise ApplicationError(
            _("This document is not a component of the dossier's procedure."), code="invalid_components"
        )
    stored, checked = store_document(content=file, filename=filename)
    if dossier_component is None:
        component = DossierComponent.objects.create(
            dossier=dossier,
            position=_next_position(dossier),
            required_document=required_document,
            name=required_document.name if required_document is not None else filename,
            provenance=DossierComponent.Provenance.DIGITISED_AT_INTAKE,
            file=stored,
            filename=filename[:255],
            added_at=at,
            added_by=actor,
        )
    else:
        component = dossier_component
        if DigitisedDocument.objects.filter(component=component).exists():
            raise Conflict(_("This component has already been digitised."), code="already_digitised")
        component.file = stored
        component.filename = filename[:255]
        component.provenance = DossierComponent.Provenance.DIGITISED_AT_INTAKE
        component.save(update_fields=["file", "filename", "provenance"])
    code = required_document.document_type if required_document is not None else ""
    digitised = DigitisedDocument(
        component=component,
        document_type_code=code,
        number=number,
        issuing_body=issuing_body,
        issued_on=issued_on,
        valid_until=valid_until,
        page_count=checked.page_count,
        digitised_by=actor,
        digitised_at=at,
    )
    store_item = None
    if dossier.applicant_identifier:
        store_item = _push(
            store=data_store_of_dossier(dossier),
            origin=DataStoreItem.Origin.DIGITISED,
            file=stored,
            title=component.name,
            at=at,
            dossier=dossier,
            document_type_code=code,
            number=number,
            issuing_body=issuing_body,
            issued_on=issued_on,
            valid_until=valid_until,
            page_count=checked.page_count,
        )
    digitised.store_item = store_item
    digitised.save()
    _emit(
        "component_digitised",
        dossier=dossier,
        at=at,
        aggregate=digitised,
        component=component.position,
        document_type=code,
        pages=checked.page_count,
        pushed_to_store=store_item is not None,
    )
    return digitised


@transaction.atomic
def digitisation_exempt(
    *,
    dossier: Dossier,
    required_document: RequiredDocument,
    reason: str,
    actor: User,
    at: dt.datetime | None = None,
) -> DigitisationExemption:
    """Record that a mandatory component is not digitised: a verification result or a paper holding state
    secrets (TT 03/2025 art. 5)."""
    if not has_role(actor, Role.INTAKE_OFFICER, dossier.receiving_unit):
        raise PermissionDenied(_("Only an intake officer of the receiving unit can record an exemption."))
    if reason not in DigitisationExemption.Reason.values:
        raise ApplicationError(_("Choose a reason the law allows."), code="invalid_reason")
    exemption, _created = DigitisationExemption.objects.get_or_create(
        dossier=dossier,
        required_document=required_document,
        defaults={"reason": reason, "recorded_by": actor, "recorded_at": at or timezone.now()},
    )
    return exemption


def digitisation_missing(*, dossier: Dossier) -> list[RequiredDocument]:
    """The mandatory components (flagged by the catalogue, TT 01/2023) still to be digitised before receipt.

    Exempt (TT 03/2025 art. 5): online dossiers (already electronic), papers only shown for checking,
    verification results and state-secret papers (recorded with `digitisation_exempt`). A component taken
    from the data store or uploaded as a file is already digital.
    """
    if dossier.channel == Dossier.Channel.ONLINE or dossier.procedure_version_id is None:
        return []
    mandatory = RequiredDocument.objects.filter(
        version_id=dossier.procedure_version_id, digitisation_required=True
    ).exclude(kind=DocumentKind.SHOW)
    done = set(
        dossier.components.filter(required_document__isnull=False, file__isnull=False).values_list(
            "required_document_id", flat=True
        )
    ) | set(
        DigitisationExemption.objects.filter(dossier=dossier).values_list("required_document_id", flat=True)
    )
    return [document for document in mandatory.order_by("position") if document.pk not in done]


# --- signed results --------------------------------------------------------------------------------


def certificate_for(*, unit: Unit, purpose: str = UnitCertificate.Purpose.SEAL) -> UnitCertificate:
    """The active certificate of `unit` (or of its nearest ancestor that has one)."""
    ancestors = [unit.path[:length] for length in range(len(unit.path), 0, -1)]
    candidates = {
        certificate.unit.path: certificate
        for certificate in UnitCertificate.objects.filter(
            active=True, purpose=purpose, unit__path__in=ancestors
        ).select_related("unit")
    }
    for path in ancestors:
        if path in candidates:
            return candidates[path]
    raise ApplicationError(
        _("No signing certificate is configured for %(unit)s; ask the administrator to add one.")
        % {"unit": unit.name},
        code="certificate_unavailable",
        status=409,
    )


def trust_roots() -> list[str]:
    return list(TrustAnchor.objects.filter(active=True).values_list("certificate_pem", flat=True))


def verification_url(signed: SignedDocument) -> str:
    from django.conf import settings  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    return settings.SITE_URL + reverse("documents:verify", kwargs={"public_id": signed.public_id})


def _qr_payload(*, signed: SignedDocument, dossier: Dossier | None, identifier: str, at: dt.datetime) -> str:
    """D3's payload (TT 01/2023 fields) whose verification address is this document's /verify/ page."""
    import json  # noqa: PLC0415

    payload = SlipPayload(
        dossier_code=dossier.code if dossier is not None else None,
        procedure_code=(dossier.procedure.national_code or dossier.procedure.code)
        if dossier is not None
        else "",
        applicant_identifier=identifier,
        document_name=signed.title,
        system_name=SYSTEM_NAME,
        issued_at=at,
    ).as_dict()
    payload["XacMinh"] = verification_url(signed)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _sign_with(pdf: bytes, *, certificates: Sequence[UnitCertificate], reason: str, location: str) -> bytes:
    for index, certificate in enumerate(certificates, start=1):
        signer = signing.load_signer(
            pkcs12_data=read_document(certificate.pkcs12), passphrase_env=certificate.passphrase_env
        )
        pdf = signing.sign(
            pdf, signer=signer, field_name=f"Signature{index}", reason=reason, location=location
        )
    return pdf


def _signed_document(
    *,
    kind: str,
    pdf: bytes,
    title: str,
    dossier: Dossier | None,
    unit: Unit,
    identifier: str,
    actor: User,
    at: dt.datetime,
    stamp_heading: str,
    reason: str,
    leader_signs: bool = False,
) -> SignedDocument:
    certificates = [certificate_for(unit=unit)]
    if leader_signs:
        certificates.append(certificate_for(unit=unit, purpose=UnitCertificate.Purpose.LEADER))
    # The row first (its public id goes into the QR code), the file once it is signed.
    signed = SignedDocument(kind=kind, dossier=dossier, title=title, signed_by=actor, signed_at=at)
    local = timezone.localtime(at)
    lines = [
        stamp_heading,
        _("Signed by: %(signer)s") % {"signer": ", ".join(c.signer_name for c in certificates)},
        _("Signed at: %(moment)s") % {"moment": local.strftime("%H:%M %d/%m/%Y")},
        _("Verify at: %(url)s") % {"url": verification_url(signed)},
    ]
    stamped = signing.stamp(
        pdf, qr_payload=_qr_payload(signed=signed, dossier=dossier, identifier=identifier, at=at), lines=lines
    )
    signed_bytes = _sign_with(stamped, certificates=certificates, reason=reason, location=unit.name)
    signed.file, _checked = store_document(content=signed_bytes, filename=f"{signed.public_id}.pdf")
    signed.signatures = len(certificates)
    signed.save(force_insert=True)
    return signed


@transaction.atomic
def result_issue(
    *,
    dossier: Dossier,
    actor: User,
    pdf: bytes,
    title: str,
    leader_signs: bool = False,
    valid_until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> SignedDocument:
    """Issue the dossier's electronic result: stamped, signed with PAdES by the competent unit's seal (and
    the leader's certificate when the procedure requires it), pushed to the applicant's data store (ND
    45/2020; LEGAL.md §1.10)."""
    at = at or timezone.now()
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    unit = dossier.competent_unit or dossier.receiving_unit
    if not any(has_role(actor, role, unit) for role in RESULT_ROLES):
        raise PermissionDenied(
            _("Only the leader or a specialist of the competent unit can issue the result.")
        )
    if dossier.status not in (Dossier.Status.PROCESSING, Dossier.Status.RESOLVED, Dossier.Status.RETURNED):
        raise Conflict(
            _("A result cannot be issued: the dossier is %(status)s.")
            % {"status": dossier.get_status_display()},
            code="invalid_state",
        )
    signed = _signed_document(
        kind=SignedDocument.Kind.RESULT,
        pdf=_checked_pdf(pdf),
        title=title,
        dossier=dossier,
        unit=unit,
        identifier=dossier.applicant_identifier,
        actor=actor,
        at=at,
        stamp_heading=_("ELECTRONIC RESULT WITH A DIGITAL SIGNATURE"),
        reason=_("Result of the administrative procedure"),
        leader_signs=leader_signs,
    )
    _emit("result_issued", dossier=dossier, at=at, aggregate=signed, document=str(signed.public_id))
    if dossier.applicant_identifier:
        item = _push(
            store=data_store_of_dossier(dossier),
            origin=DataStoreItem.Origin.RESULT,
            file=signed.file,
            title=title,
            at=at,
            dossier=dossier,
            document_type_code=dossier.procedure.code,
            number=dossier.code or "",
            issuing_body=unit.name,
            issued_on=timezone.localtime(at).date(),
            valid_until=valid_until,
        )
        _emit(
            "result_pushed_to_store", dossier=dossier, at=at, aggregate=item, document=str(signed.public_id)
        )
    logger.info("documents_result_issued", extra={"document": str(signed.public_id)})
    return signed


@transaction.atomic
def result_prepare(
    *,
    dossier: Dossier,
    actor: User,
    pdf: bytes,
    title: str,
    leader_signs: bool = False,
    valid_until: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ResultDraft:
    """Attach the result PDF while the dossier is processed; it is signed and issued when the dossier is
    approved (`consumers.on_dossier_approved`). A later draft replaces an earlier one."""
    at = at or timezone.now()
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    unit = dossier.competent_unit or dossier.receiving_unit
    if not any(has_role(actor, role, unit) for role in RESULT_ROLES):
        raise PermissionDenied(
            _("Only the leader or a specialist of the competent unit can issue the result.")
        )
    if dossier.status != Dossier.Status.PROCESSING:
        raise Conflict(
            _("A result cannot be issued: the dossier is %(status)s.")
            % {"status": dossier.get_status_display()},
            code="invalid_state",
        )
    stored, _checked = store_document(content=_checked_pdf(pdf), filename="result.pdf")
    draft, _created = ResultDraft.objects.update_or_create(
        dossier=dossier,
        defaults={
            "file": stored,
            "title": title,
            "leader_signs": leader_signs,
            "valid_until": valid_until,
            "prepared_by": actor,
            "prepared_at": at,
        },
    )
    return draft


@transaction.atomic
def result_draft_issue(*, draft: ResultDraft, actor: User, at: dt.datetime | None = None) -> ResultDraft:
    """Sign and issue a prepared result (once: a second call returns the draft unchanged)."""
    draft = ResultDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.signed_id is not None:
        return draft
    draft.signed = result_issue(
        dossier=draft.dossier,
        actor=actor,
        pdf=read_document(draft.file),
        title=draft.title,
        leader_signs=draft.leader_signs,
        valid_until=draft.valid_until,
        at=at,
    )
    draft.save(update_fields=["signed"])
    return draft


def _checked_pdf(pdf: bytes) -> bytes:
    from motcua.documents.storage import check_document  # noqa: PLC0415

    if check_document(pdf, filename="result.pdf").content_type != PDF:
        raise ApplicationError(_("The result must be a PDF file."), code="invalid_file")
    return pdf


def _officer_of(actor: User, unit: Unit, *roles: str) -> bool:
    """Whether `actor` holds one of `roles` on `unit` or on a unit under it: the commune's service centre
    receives and hands out the copies the commune People's Committee certifies."""
    return any(has_role(actor, role, unit) for role in roles) or (
        units_where(actor, *roles).filter(path__startswith=unit.path).exists()
    )


# --- certified electronic copies from originals ----------------------------------------------------


def certified_copy_due(*, unit: Unit, received_at: dt.datetime) -> dt.datetime:
    """ND 23/2015 art. 7 as amended by ND 07/2025: the same working day, the next one after 15:00."""
    calendar = calendar_for_unit(unit=unit)
    day = calendar.add_working_days(received_at, 0, cutoff=CERTIFICATION_CUTOFF)
    return calendar.end_of_day(dt.datetime.combine(day, dt.time(12), tzinfo=calendar.tz))


@transaction.atomic
def certified_copy_receive(
    *,
    actor: User,
    unit: Unit,
    owner_kind: str,
    identifier: str,
    title: str,
    scan: bytes | IO[bytes],
    filename: str,
    account: User | None = None,
    dossier: Dossier | None = None,
    at: dt.datetime | None = None,
) -> CertifiedCopy:
    """The officer receives the request and scans the original (chứng thực bản sao điện tử từ bản chính)."""
    at = at or timezone.now()
    if not _officer_of(actor, unit, Role.INTAKE_OFFICER):
        raise PermissionDenied(_("Only an intake officer of the unit can receive a certification request."))
    stored, checked = store_document(content=scan, filename=filename)
    if checked.content_type not in (PDF, JPEG, PNG, TIFF):
        raise ApplicationError(_("Scan the original as a PDF or an image."), code="invalid_file")
    copy = CertifiedCopy.objects.create(
        unit=unit,
        dossier=dossier,
        store=data_store_for(owner_kind=owner_kind, identifier=identifier, account=account),
        title=title,
        scan=stored,
        received_at=at,
        due_at=certified_copy_due(unit=unit, received_at=at),
        received_by=actor,
    )
    _emit("certified_copy_received", dossier=dossier, at=at, aggregate=copy, due=copy.due_at.isoformat())
    return copy


@transaction.atomic
def certified_copy_compare(*, copy: CertifiedCopy, actor: User, matches: bool) -> CertifiedCopy:
    """The officer attests that the scan matches the original (an unchecked box refuses)."""
    copy = CertifiedCopy.objects.select_for_update().get(pk=copy.pk)
    if not _officer_of(actor, copy.unit, Role.INTAKE_OFFICER):
        raise PermissionDenied(_("Only an officer of the certifying unit can compare the copy."))
    if not matches:
        raise ApplicationError(
            _("Confirm that the scan matches the original before certifying it."),
            code="not_compared",
            fields={"matches": _("Confirm that the scan matches the original before certifying it.")},
        )
    copy.compared_with_original = True
    copy.compared_by = actor
    copy.save(update_fields=["compared_with_original", "compared_by"])
    return copy


def _as_pdf(data: bytes, content_type: str) -> bytes:
    if content_type == PDF:
        return data
    from PIL import Image  # noqa: PLC0415

    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGB"))
        frames[0].save(out, format="PDF", save_all=True, append_images=frames[1:], resolution=200.0)
    return out.getvalue()


@transaction.atomic
def certified_copy_issue(*, copy: CertifiedCopy, actor: User, at: dt.datetime | None = None) -> CertifiedCopy:
    """Sign the compared copy with the unit's seal and the certifier's certificate and put it in the
    applicant's data store (LEGAL.md §8.2)."""
    at = at or timezone.now()
    copy = CertifiedCopy.objects.select_for_update().get(pk=copy.pk)
    if not _officer_of(actor, copy.unit, Role.INTAKE_OFFICER, Role.LEADER):
        raise PermissionDenied(_("Only an officer of the certifying unit can issue the certified copy."))
    if copy.status == CertifiedCopy.Status.ISSUED:
        raise Conflict(_("This certified copy has already been issued."), code="already_issued")
    if not copy.compared_with_original:
        raise Conflict(
            _("Confirm that the scan matches the original before certifying it."), code="not_compared"
        )
    scan = read_document(copy.scan)
    signed = _signed_document(
        kind=SignedDocument.Kind.CERTIFIED_COPY,
        pdf=_as_pdf(scan, copy.scan.content_type),
        title=copy.title,
        dossier=copy.dossier,
        unit=copy.unit,
        identifier=copy.store.identifier,
        actor=actor,
        at=at,
        stamp_heading=_("CERTIFIED COPY, TRUE TO THE ORIGINAL"),
        reason=_("Certified electronic copy from the original"),
    )
    copy.signed = signed
    copy.status = CertifiedCopy.Status.ISSUED
    copy.issued_at = at
    copy.save(update_fields=["signed", "status", "issued_at"])
    item = _push(
        store=copy.store,
        origin=DataStoreItem.Origin.CERTIFIED_COPY,
        file=signed.file,
        title=copy.title,
        at=at,
        dossier=copy.dossier,
        issuing_body=copy.unit.name,
        issued_on=timezone.localtime(at).date(),
    )
    _emit(
        "certified_copy_issued",
        dossier=copy.dossier,
        at=at,
        aggregate=signed,
        document=str(signed.public_id),
        on_time=at <= copy.due_at,
    )
    _emit(
        "result_pushed_to_store", dossier=copy.dossier, at=at, aggregate=item, document=str(signed.public_id)
    )
    return copy


# --- configuration of certificates ----------------------------------------------------------------------


@transaction.atomic
def certificate_install(
    *, unit: Unit, pkcs12_data: bytes, passphrase_env: str, signer_name: str, purpose: str = "seal"
) -> UnitCertificate:
    """Install a unit's PKCS#12 certificate (checked to open with the passphrase the variable holds); it
    replaces the unit's active certificate of the same purpose."""
    from motcua.documents.storage import PKCS12, store_blob  # noqa: PLC0415

    if purpose not in UnitCertificate.Purpose.values:
        raise ApplicationError(_("Choose the seal or the leader's signature."), code="invalid_purpose")
    signing.load_signer(pkcs12_data=pkcs12_data, passphrase_env=passphrase_env)
    UnitCertificate.objects.filter(unit=unit, purpose=purpose, active=True).update(active=False)
    return UnitCertificate.objects.create(
        unit=unit,
        purpose=purpose,
        signer_name=signer_name,
        pkcs12=store_blob(pkcs12_data, content_type=PKCS12),
        passphrase_env=passphrase_env,
    )


@transaction.atomic
def trust_anchor_add(*, name: str, certificate_pem: str) -> TrustAnchor:
    """Trust a root certificate for verification (PEM, checked to parse)."""
    from cryptography import x509  # noqa: PLC0415

    try:
        x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        raise ApplicationError(_("This is not a PEM certificate."), code="invalid_certificate") from None
    return TrustAnchor.objects.create(name=name, certificate_pem=certificate_pem)
