from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from motcua.accounts.forms import AdminLoginForm
from motcua.accounts.models import ApiToken, RoleGrant, User

# The admin site signs in through the same throttle as the pages and the API.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "motcua",
            {
                "fields": (
                    "kind",
                    "full_name",
                    "personal_id",
                    "tax_code",
                    "representative",
                    "phone",
                    "address",
                    "email_verified_at",
                )
            },
        ),
    )


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "granted_at", "revoked_at")
    list_filter = ("role",)
    raw_id_fields = ("user", "unit", "granted_by", "revoked_by")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created and revoked through the API and the services (audited)."""

    list_display = ("name", "prefix", "owner", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("owner", "name", "prefix", "created_at", "created_by", "expires_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
