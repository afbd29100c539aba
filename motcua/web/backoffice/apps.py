from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The staff pages: queues, counter intake, the dossier page and its actions."""

    name = "motcua.web.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
