"""Read-only admin: notifications and alerts are written by the services and tasks only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.notifications.models import Alert, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "channel", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status", "kind")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("kind", "dossier", "unit", "due_at", "left_minutes", "raised_at", "resolved_at")
    list_filter = ("kind",)
