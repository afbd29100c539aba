from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizen portal: submission wizard, "my dossiers", supplements, results and public lookup."""

    name = "motcua.web.portal"
    label = "portal"
    verbose_name = _("Citizen portal")
