"""Reads of the documents app, always scoped to who asks."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import User
from motcua.core.errors import NotFound
from motcua.documents.models import DataStore, DataStoreItem, SignedDocument
from motcua.documents.services import data_store_of_user


def store_items(*, owner: User) -> QuerySet[DataStoreItem]:
    """The items of `owner`'s own data store (none for staff)."""
    store = data_store_of_user(owner)
    if store is None:
        return DataStoreItem.objects.none()
    return DataStoreItem.objects.filter(store=store).select_related("file")


def store_item_get(*, owner: User, public_id: uuid.UUID) -> DataStoreItem:
    item = store_items(owner=owner).filter(public_id=public_id).select_related("store").first()
    if item is None:
        raise NotFound(code="store_item_not_found")
    return item


def store_candidates(
    *, owner: DataStore | User, document_type_code: str, at: dt.datetime | None = None
) -> QuerySet[DataStoreItem]:
    """Documents of the owner's store of this type still valid at `at`, newest first: what the portal and
    the counter propose instead of a new upload (ND 45/2020 art. 9)."""
    store = owner if isinstance(owner, DataStore) else data_store_of_user(owner)
    if store is None or not document_type_code:
        return DataStoreItem.objects.none()
    day = timezone.localtime(at or timezone.now()).date()
    return (
        DataStoreItem.objects.filter(store=store, document_type_code=document_type_code)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("file")
    )


def signed_document_public(*, public_id: uuid.UUID) -> SignedDocument | None:
    """A signed document for the public verification page (anyone holding its QR code may check it)."""
    return SignedDocument.objects.select_related("file", "dossier").filter(public_id=public_id).first()
