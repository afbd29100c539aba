"""Read-only admin of the documents app: certificates are installed with `motcua certificates`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.documents.models import (
    CertifiedCopy,
    DataStore,
    DataStoreItem,
    DigitisedDocument,
    SignedDocument,
    TrustAnchor,
    UnitCertificate,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitCertificate)
class UnitCertificateAdmin(ReadOnly):
    list_display = ("unit", "purpose", "signer_name", "passphrase_env", "active", "created_at")
    list_filter = ("purpose", "active")


@admin.register(TrustAnchor)
class TrustAnchorAdmin(ReadOnly):
    list_display = ("name", "active")


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnly):
    list_display = ("public_id", "kind", "title", "signed_at", "signatures")
    list_filter = ("kind",)


@admin.register(CertifiedCopy)
class CertifiedCopyAdmin(ReadOnly):
    list_display = ("title", "unit", "status", "received_at", "due_at", "issued_at")
    list_filter = ("status",)


# Data stores hold personal documents: counts only, no identifiers in the list.
@admin.register(DataStore)
class DataStoreAdmin(ReadOnly):
    list_display = ("pk", "owner_kind", "created_at")
    fields = ("owner_kind", "created_at")
    readonly_fields = ("owner_kind", "created_at")


@admin.register(DataStoreItem)
class DataStoreItemAdmin(ReadOnly):
    list_display = ("public_id", "origin", "document_type_code", "added_at")
    list_filter = ("origin",)
    fields = ("origin", "document_type_code", "issued_on", "valid_until", "page_count", "added_at")


@admin.register(DigitisedDocument)
class DigitisedDocumentAdmin(ReadOnly):
    list_display = ("component", "document_type_code", "page_count", "digitised_at")
