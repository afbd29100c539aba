from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "motcua.kpi"
    label = "kpi"
    verbose_name = _("Service index (QĐ 766)")

    def ready(self) -> None:
        from motcua.kpi import consumers  # noqa: PLC0415 (the outbox consumer of the counters)

        consumers.register()
