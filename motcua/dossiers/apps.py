from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.dossiers import lookup_cache, queue_cache  # noqa: PLC0415
        from motcua.dossiers.slips import consumer  # noqa: F401, PLC0415 (registers the slips' outbox consumer)

        queue_cache.connect()  # the work-queue page cache forgets the pages a change could alter
        lookup_cache.connect()  # the public lookup's answer cache forgets a dossier's answer when it changes
