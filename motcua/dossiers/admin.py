"""Read-only admin: every change to a dossier goes through the services (events, audit, outbox)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, IntakeNote, StoredFile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = DossierEvent
    fields = ("sequence", "kind", "at", "actor", "from_status", "to_status")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "public_id", "status", "channel", "receiving_unit", "competent_unit", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("code",)
    list_select_related = ("receiving_unit", "competent_unit")
    raw_id_fields = ("applicant", "assignee", "procedure", "procedure_version")
    # The applicant's identifier is personal data (ND 13/2023): not shown here.
    exclude = ("applicant_identifier", "lookup_secret_hash")
    inlines = [EventInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Dossier.objects.visible_to(request.user)


@admin.register(DossierStep)
class DossierStepAdmin(ReadOnlyAdmin):
    list_display = (
        "dossier",
        "sequence",
        "key",
        "unit",
        "assignee",
        "started_at",
        "finished_at",
        "timeliness",
    )
    list_select_related = ("dossier", "unit", "assignee")


@admin.register(IntakeNote)
class IntakeNoteAdmin(ReadOnlyAdmin):
    list_display = ("applicant_name", "receiving_unit", "procedure", "recorded_at")
    list_select_related = ("receiving_unit", "procedure")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "content_type", "size", "created_at")
    search_fields = ("sha256",)
