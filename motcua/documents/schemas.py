from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema


class StoreItemOut(Schema):
    public_id: uuid.UUID
    origin: str
    title: str
    document_type_code: str
    number: str
    issuing_body: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    page_count: int | None
    content_type: str
    size: int
    added_at: dt.datetime
    deletable: bool


class SignedUrlOut(Schema):
    url: str
    expires_in: int


class ReuseIn(Schema):
    item: uuid.UUID
    required_document: int | None = None


class ComponentOut(Schema):
    position: int
    name: str
    provenance: str
    reference: str
    sha256: str


class DigitiseIn(Schema):
    required_document: int | None = None
    number: str = ""
    issuing_body: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


class DigitisedOut(Schema):
    position: int
    document_type_code: str
    page_count: int | None
    sha256: str
    store_item: uuid.UUID | None


class RequiredDocumentOut(Schema):
    id: int
    name: str
    document_type: str
