"""Django admin for targets and KPI settings. Every write goes through `motcua.kpi.services` (checked,
audited); a broken rule shows next to its field."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.kpi import services
from motcua.kpi.models import CentralTarget, KpiSettings, UnitTarget


def _as_validation_error(error: ApplicationError) -> ValidationError:
    if error.fields:
        return ValidationError({name: str(text) for name, text in error.fields.items()})
    return ValidationError(str(error.message))


class YearlyTargetForm(forms.ModelForm):
    """Checks the service rules for year and rate, so that a broken rule shows next to its field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            if cleaned.get("rate") is not None:
                services.check_rate(cleaned["rate"])
            if cleaned.get("year") is not None:
                services.check_year(cleaned["year"])
        except ApplicationError as error:
            raise _as_validation_error(error) from error
        return cleaned


class CentralTargetForm(YearlyTargetForm):
    class Meta:
        model = CentralTarget
        fields = ["year", "metric", "scope", "rate", "legal_basis"]


@admin.register(CentralTarget)
class CentralTargetAdmin(admin.ModelAdmin):
    form = CentralTargetForm
    list_display = ["year", "metric", "scope", "rate", "carried_over", "legal_basis"]
    list_filter = ["year", "metric", "scope", "carried_over"]
    readonly_fields = ["carried_over", "updated_at", "updated_by"]
    actions = ["carry_over_to_next_year"]

    def get_readonly_fields(self, request: HttpRequest, obj: CentralTarget | None = None) -> list[str]:
        fixed = ["year", "metric", "scope"] if obj else []
        return [*fixed, *self.readonly_fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a target is changed, not removed: reports of past periods refer to it

    def save_model(
        self, request: HttpRequest, obj: CentralTarget, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = services.central_target_set(
            actor=request.user,
            year=obj.year,
            metric=obj.metric,
            scope=obj.scope,
            rate=data["rate"],
            legal_basis=data.get("legal_basis") or "",
        )
        obj.pk = saved.pk

    @admin.action(description=_("Carry the selected years' targets over to the following year"))
    def carry_over_to_next_year(self, request: HttpRequest, queryset: QuerySet[CentralTarget]) -> None:
        for year in sorted(set(queryset.values_list("year", flat=True))):
            try:
                created = services.central_targets_carry_over(actor=request.user, to_year=year + 1)
            except ApplicationError as error:
                self.message_user(request, str(error.message), messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("%(count)d target(s) carried over to %(year)d.")
                % {"count": len(created), "year": year + 1},
                messages.SUCCESS,
            )


class UnitTargetForm(YearlyTargetForm):
    class Meta:
        model = UnitTarget
        fields = ["unit", "year", "metric", "rate", "note"]


@admin.register(UnitTarget)
class UnitTargetAdmin(admin.ModelAdmin):
    form = UnitTargetForm
    list_display = ["unit", "year", "metric", "rate", "note", "set_by", "set_at"]
    list_filter = ["year", "metric"]
    list_select_related = ["unit", "set_by"]
    search_fields = ["unit__name", "unit__search_text"]
    raw_id_fields = ["unit"]
    readonly_fields = ["set_at", "set_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: UnitTarget | None = None) -> list[str]:
        fixed = ["unit", "year", "metric"] if obj else []
        return [*fixed, *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: UnitTarget, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        saved = services.unit_target_set(
            actor=request.user,
            unit=obj.unit,
            year=obj.year,
            metric=obj.metric,
            rate=data["rate"],
            note=data.get("note") or "",
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: UnitTarget) -> None:
        services.unit_target_clear(actor=request.user, unit=obj.unit, year=obj.year, metric=obj.metric)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UnitTarget]) -> None:
        for target in queryset.select_related("unit"):
            self.delete_model(request, target)


class KpiSettingsForm(forms.ModelForm):
    class Meta:
        model = KpiSettings
        fields = KpiSettings.EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fractions = [cleaned.get(f"{name}_fraction") for name in ("green", "yellow", "orange")]
        try:
            if None not in fractions:
                services.check_band_fractions(green=fractions[0], yellow=fractions[1], orange=fractions[2])
            if cleaned.get("target_increase") is not None:
                services.check_rate(cleaned["target_increase"], field="target_increase")
        except ApplicationError as error:
            raise _as_validation_error(error) from error
        return cleaned

    def _post_clean(self) -> None:
        """The ordering of the fractions was checked in `clean` with a message next to the field; the
        model-level check of the same constraint would only repeat it as a form-wide error."""
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)


@admin.register(KpiSettings)
class KpiSettingsAdmin(admin.ModelAdmin):
    form = KpiSettingsForm
    list_display = ["__str__", "green_fraction", "yellow_fraction", "orange_fraction", "target_increase_mode"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row, seeded by the migrations

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: KpiSettings, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        services.kpi_settings_update(
            actor=request.user, **{name: data[name] for name in KpiSettings.EDITABLE_FIELDS}
        )
