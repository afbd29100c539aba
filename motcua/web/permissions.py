"""Who may open the pages of the web shell."""

from typing import Any

from motcua.accounts.permissions import GRANTABLE_KINDS, active_grants, is_superuser


def can_open_workspace(user: Any) -> bool:
    """Staff and integrator accounts (with or without a role yet), anyone holding a role, superusers.

    Citizens and organisations never: their pages are the portal's.
    """
    if is_superuser(user):
        return True
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.kind in GRANTABLE_KINDS or bool(active_grants(user))
