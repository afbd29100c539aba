from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.core.outbox import register_consumer  # noqa: PLC0415 (apps are loaded)
        from motcua.documents.consumers import on_dossier_approved  # noqa: PLC0415

        register_consumer("dossier.approved", on_dossier_approved)
