"""The Django admin shows the catalogue read-only: writes go through the services (the editor pages and
the import), which check the content, audit it and keep published versions frozen."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.catalog.models import (
    EForm,
    Fee,
    LegalBasis,
    Procedure,
    ProcedureAgency,
    ProcedureMethod,
    ProcedureResult,
    ProcedureVersion,
    ProcessStep,
    PublicationPosting,
    RequiredDocument,
    Sector,
    SequenceStep,
)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChildInline(ReadOnly, admin.TabularInline):
    extra = 0
    show_change_link = False


def _inline(child: type[Any], names: tuple[str, ...]) -> type[ChildInline]:
    return type(
        f"{child.__name__}Inline", (ChildInline,), {"model": child, "fields": names, "readonly_fields": names}
    )


@admin.register(Sector)
class SectorAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Procedure)
class ProcedureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "name", "level", "sector", "owner_unit", "latest_version", "retired_at")
    list_filter = ("level", "sector")
    search_fields = ("code", "national_code", "name")
    list_select_related = ("sector", "owner_unit", "latest_version")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("procedure", "number", "status", "decision_number", "decision_date", "effective_from")
    list_filter = ("status",)
    search_fields = ("procedure__code", "name", "decision_number")
    list_select_related = ("procedure",)
    inlines = [
        _inline(SequenceStep, ("position", "title")),
        _inline(ProcedureMethod, ("position", "channel", "time_limit_amount", "time_limit_unit")),
        _inline(ProcedureAgency, ("position", "role", "scope", "unit", "name", "confirmed")),
        _inline(RequiredDocument, ("position", "name", "kind", "originals", "copies", "eform", "confirmed")),
        _inline(Fee, ("position", "kind", "name", "amount_vnd", "channel", "payable_online", "confirmed")),
        _inline(ProcedureResult, ("position", "name", "code", "electronic", "confirmed")),
        _inline(LegalBasis, ("position", "kind", "number", "effective_on", "governs_publication")),
        _inline(EForm, ("position", "key", "title")),
        _inline(ProcessStep, ("position", "key", "name", "role", "unit_scope", "budget_minutes")),
    ]


@admin.register(PublicationPosting)
class PublicationPostingAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("version", "channel", "posted_on", "recorded_at")
    list_select_related = ("version__procedure",)
