"""The documents API (`/api/v1/documents`): the owner's data store, scoped to the owner."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.accounts.auth import api_auth
from motcua.accounts.models import Role, User
from motcua.accounts.permissions import has_role
from motcua.catalog.models import RequiredDocument
from motcua.core.errors import ApplicationError, NotFound, PermissionDenied
from motcua.documents import selectors, services
from motcua.documents.models import DataStoreItem
from motcua.documents.schemas import (
    ComponentOut,
    DigitisedOut,
    DigitiseIn,
    RequiredDocumentOut,
    ReuseIn,
    SignedUrlOut,
    StoreItemOut,
)
from motcua.documents.storage import signed_url, signed_url_seconds
from motcua.dossiers.models import Dossier
from motcua.dossiers.privacy import DATA_STORE_FIELDS, dossier_personal_data_read
from motcua.dossiers.selectors import dossier_get

router = Router(auth=api_auth, tags=["documents"])


class StoreQuery(Schema):
    document_type: str = ""


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _out(item: DataStoreItem) -> StoreItemOut:
    return StoreItemOut(
        public_id=item.public_id,
        origin=item.origin,
        title=item.title,
        document_type_code=item.document_type_code,
        number=item.number,
        issuing_body=item.issuing_body,
        issued_on=item.issued_on,
        valid_until=item.valid_until,
        page_count=item.page_count,
        content_type=item.file.content_type,
        size=item.file.size,
        added_at=item.added_at,
        deletable=item.origin == DataStoreItem.Origin.UPLOADED,
    )


@router.get("/store", response=list[StoreItemOut], summary="Your data store (kho quản lý dữ liệu điện tử)")
def store_list(request: HttpRequest, query: Query[StoreQuery]) -> list[StoreItemOut]:
    items = selectors.store_items(owner=_user(request))
    if query.document_type:
        items = items.filter(document_type_code=query.document_type)
    return [_out(item) for item in items]


@router.get("/store/candidates", response=list[StoreItemOut], summary="Your documents still valid of a type")
def store_candidates(request: HttpRequest, query: Query[StoreQuery]) -> list[StoreItemOut]:
    """What the portal proposes instead of a new upload (ND 45/2020 art. 9)."""
    items = selectors.store_candidates(owner=_user(request), document_type_code=query.document_type)
    return [_out(item) for item in items]


@router.get("/store/{uuid:public_id}/url", response=SignedUrlOut, summary="A short-lived download link")
def store_item_url(request: HttpRequest, public_id: uuid.UUID) -> SignedUrlOut:
    item = selectors.store_item_get(owner=_user(request), public_id=public_id)
    return SignedUrlOut(
        url=signed_url(item.file, filename=item.title[:100]),
        expires_in=signed_url_seconds(),
    )


@router.delete("/store/{uuid:public_id}", response={204: None}, summary="Delete one of your own uploads")
def store_item_delete(request: HttpRequest, public_id: uuid.UUID) -> Status[None]:
    item = selectors.store_item_get(owner=_user(request), public_id=public_id)
    services.store_item_delete(item=item, actor=_user(request))
    return Status(204, None)


# --- a dossier's components: proposals, reuse, digitisation at intake -------------------------------------


def _for_intake(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    """A dossier the user sees and may add components to: its applicant or an intake officer of its
    receiving unit (others get the same 404 as for an unknown dossier, or 403 when they see it)."""
    user = _user(request)
    dossier = dossier_get(user=user, public_id=public_id)
    is_applicant = dossier.applicant_id is not None and dossier.applicant_id == user.pk
    if not (is_applicant or has_role(user, Role.INTAKE_OFFICER, dossier.receiving_unit)):
        raise PermissionDenied(
            _("Only the applicant or an intake officer of the receiving unit can add components.")
        )
    return dossier


def _required_document(dossier: Dossier, document_id: int | None) -> RequiredDocument | None:
    if document_id is None:
        return None
    # A draft is bound to a version at submission: until then, the procedure's latest.
    version_id = dossier.procedure_version_id or dossier.procedure.latest_version_id
    document = RequiredDocument.objects.filter(pk=document_id, version_id=version_id).first()
    if document is None:
        message = _("This document is not a component of the dossier's procedure.")
        raise ApplicationError(message, code="invalid_components", fields={"required_document": message})
    return document


@router.get(
    "/dossiers/{uuid:public_id}/candidates",
    response=list[StoreItemOut],
    summary="Documents of the applicant's store that a component may reuse",
)
def dossier_candidates(
    request: HttpRequest, public_id: uuid.UUID, query: Query[StoreQuery]
) -> list[StoreItemOut]:
    dossier = _for_intake(request, public_id)
    if not dossier.applicant_identifier:
        return []
    store = services.data_store_of_dossier(dossier)
    items = [
        _out(item) for item in selectors.store_candidates(owner=store, document_type_code=query.document_type)
    ]
    if items:  # an officer sees the applicant's papers: logged (ND 13/2023); the applicant is not
        dossier_personal_data_read(reader=_user(request), dossier=dossier, fields=DATA_STORE_FIELDS)
    return items


@router.post(
    "/dossiers/{uuid:public_id}/reuse", response={201: ComponentOut}, summary="Reuse a document of the store"
)
def dossier_reuse(request: HttpRequest, public_id: uuid.UUID, body: ReuseIn) -> Status[ComponentOut]:
    dossier = _for_intake(request, public_id)
    store = services.data_store_of_dossier(dossier)
    item = DataStoreItem.objects.filter(store=store, public_id=body.item).select_related("file").first()
    if item is None:
        raise NotFound(code="store_item_not_found")
    component = services.component_reuse(
        dossier=dossier,
        item=item,
        actor=_user(request),
        required_document=_required_document(dossier, body.required_document),
    )
    return Status(
        201,
        ComponentOut(
            position=component.position,
            name=component.name,
            provenance=component.provenance,
            reference=component.reference,
            sha256=item.file.sha256,
        ),
    )


@router.post(
    "/dossiers/{uuid:public_id}/digitise",
    response={201: DigitisedOut},
    summary="Digitise a paper component at intake (multipart: file + metadata)",
)
def dossier_digitise(
    request: HttpRequest,
    public_id: uuid.UUID,
    meta: Form[DigitiseIn],
    file: File[UploadedFile | None] = None,
) -> Status[DigitisedOut]:
    dossier = dossier_get(user=_user(request), public_id=public_id)
    if file is None:
        message = _("Attach the scanned file.")
        raise ApplicationError(message, code="required", fields={"file": message})
    digitised = services.digitise_component(
        actor=_user(request),
        file=file.read(),
        filename=(file.name or "scan").rsplit("/", 1)[-1][:255],
        dossier=dossier,
        required_document=_required_document(dossier, meta.required_document),
        number=meta.number,
        issuing_body=meta.issuing_body,
        issued_on=meta.issued_on,
        valid_until=meta.valid_until,
    )
    return Status(
        201,
        DigitisedOut(
            position=digitised.component.position,
            document_type_code=digitised.document_type_code,
            page_count=digitised.page_count,
            sha256=digitised.component.file.sha256 if digitised.component.file else "",
            store_item=digitised.store_item.public_id if digitised.store_item else None,
        ),
    )


@router.get(
    "/dossiers/{uuid:public_id}/digitisation-missing",
    response=list[RequiredDocumentOut],
    summary="Mandatory components still to digitise before receipt (TT 01/2023)",
)
def dossier_digitisation_missing(request: HttpRequest, public_id: uuid.UUID) -> list[RequiredDocumentOut]:
    dossier = dossier_get(user=_user(request), public_id=public_id)
    return [
        RequiredDocumentOut(id=document.pk, name=document.name, document_type=document.document_type)
        for document in services.digitisation_missing(dossier=dossier)
    ]
