from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the `rules` permissions (accounts.manage_user, accounts.grant_role, ...).
        from motcua.accounts import permissions  # noqa: F401, PLC0415
