"""Django admin for units and agency codes. Every write goes through the services: the tree path stays
consistent, the rules hold (district level, code format, overlapping validity) and each change is audited.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.organizations import services
from motcua.organizations.models import AgencyCode, Unit, UnitImport


def _as_validation_error(error: ApplicationError) -> ValidationError:
    if error.fields:
        return ValidationError({name: str(text) for name, text in error.fields.items()})
    return ValidationError(str(error.message))


class UnitForm(forms.ModelForm):
    """Checks the service rules before saving, so that a broken rule shows next to its field."""

    class Meta:
        model = Unit
        fields = ["parent", "external_key", "name", "short_name", "level", "kind", "replaced_by"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["external_key"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit = self.instance if self.instance.pk else None
        try:
            services.check_name(cleaned.get("name") or "")
            if unit is None:
                services.check_level_and_kind(
                    level=cleaned.get("level") or "",
                    kind=cleaned.get("kind") or "",
                    on=timezone.localdate(),
                    legacy=False,
                )
                services.check_move(unit=None, new_parent=cleaned.get("parent"), subtree_height=0)
            else:
                if cleaned.get("parent") != unit.parent:
                    services.check_move(
                        unit=unit,
                        new_parent=cleaned.get("parent"),
                        subtree_height=services.subtree_height(unit),
                    )
                services.check_replaced_by(unit=unit, replaced_by=cleaned.get("replaced_by"))
                if cleaned.get("level") != unit.level:
                    services.check_level_and_kind(
                        level=cleaned.get("level") or "",
                        kind=cleaned.get("kind") or "",
                        on=timezone.localdate(),
                        legacy=False,
                    )
        except ApplicationError as error:
            raise _as_validation_error(error) from error
        return cleaned


class AgencyCodeInline(admin.TabularInline):
    """The code history, read-only: codes are added with the agency code admin (overlaps are checked)."""

    model = AgencyCode
    fk_name = "unit"
    fields = ("code", "valid_from", "valid_to", "replaced_by")
    readonly_fields = ("code", "valid_from", "valid_to", "replaced_by")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = ["name", "short_name", "level", "kind", "external_key", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["name", "short_name", "search_text", "external_key", "codes__code"]
    fields = (*UnitForm.Meta.fields, "path", "depth", "is_active", "created_at", "updated_at")
    readonly_fields = ("path", "depth", "is_active", "created_at", "updated_at")
    raw_id_fields = ["parent", "replaced_by"]
    inlines = [AgencyCodeInline]
    actions = ["deactivate_units"]
    ordering = ["path"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are deactivated or merged, never deleted: dossiers and history point to them

    def save_model(self, request: HttpRequest, obj: Unit, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.unit_create(
                name=data["name"],
                short_name=data.get("short_name") or "",
                level=data["level"],
                kind=data["kind"],
                parent=data.get("parent"),
                external_key=data.get("external_key") or "",
                actor=request.user,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            if data.get("replaced_by"):
                services.unit_update(unit=created, actor=request.user, replaced_by=data["replaced_by"])
            return
        stored = Unit.objects.get(pk=obj.pk)
        if data.get("parent") != stored.parent:
            services.unit_move(unit=stored, new_parent=data.get("parent"), actor=request.user)
        changes = {
            name: data.get(name) if name == "replaced_by" else data.get(name) or ""
            for name in ("name", "short_name", "level", "kind", "external_key", "replaced_by")
        }
        if not changes["external_key"]:
            changes.pop("external_key")
        services.unit_update(unit=stored, actor=request.user, **changes)

    @admin.action(description=_("Deactivate the selected units"))
    def deactivate_units(self, request: HttpRequest, queryset: QuerySet[Unit]) -> None:
        done = 0
        for unit in queryset.order_by("-depth"):
            try:
                services.unit_deactivate(unit=unit, actor=request.user)
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{unit.name}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request, gettext("%(count)d unit(s) deactivated.") % {"count": done}, messages.SUCCESS
            )


class AgencyCodeForm(forms.ModelForm):
    class Meta:
        model = AgencyCode
        fields = ["unit", "code", "valid_from", "valid_to"]

    def _post_clean(self) -> None:
        """No model-level constraint check: the service closes the unit's previous open code before the
        new one is written, which "one open code per unit" cannot foresee. `clean` checked every overlap."""
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit, valid_from = cleaned.get("unit"), cleaned.get("valid_from")
        try:
            cleaned["code"] = services.check_agency_code(
                cleaned.get("code") or "", valid_to=cleaned.get("valid_to")
            )
            if unit is not None and valid_from is not None:
                services.check_code_dates(
                    unit_level=unit.level, valid_from=valid_from, valid_to=cleaned.get("valid_to")
                )
                services.check_code_fits(
                    unit=unit, code=cleaned["code"], valid_from=valid_from, valid_to=cleaned.get("valid_to")
                )
        except ApplicationError as error:
            raise _as_validation_error(error) from error
        return cleaned


@admin.register(AgencyCode)
class AgencyCodeAdmin(admin.ModelAdmin):
    """Codes are added here (the previous open code is closed and linked); recorded codes are history."""

    form = AgencyCodeForm
    list_display = ["code", "unit", "valid_from", "valid_to", "replaced_by"]
    list_select_related = ["unit", "replaced_by"]
    search_fields = ["code", "unit__name", "unit__search_text"]
    raw_id_fields = ["unit"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request: HttpRequest, obj: AgencyCode | None = None) -> list[str]:
        return ["unit", "code", "valid_from", "valid_to", "replaced_by"] if obj else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AgencyCode, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        created = services.agency_code_assign(
            unit=data["unit"],
            code=data["code"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            actor=request.user,
        )
        obj.pk = created.pk


@admin.register(UnitImport)
class UnitImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "imported_at", "rows", "units_created", "codes_created"]
    readonly_fields = ["file_name", "file_sha256", "rows", "units_created", "codes_created", "imported_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
