from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The dossiers' messages to applicants: an outbox consumer of the `dossier.*` events.
        from motcua.dossiers import notifications  # noqa: F401, PLC0415
