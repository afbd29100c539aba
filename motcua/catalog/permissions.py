"""Who may edit and publish the catalogue: catalogue editors and administrators granted on the
procedure's owner unit or above it (a grant covers its subtree), and superusers.

    user.has_perm("catalog.edit_procedure", procedure)
    user.has_perm("catalog.create_procedure", owner_unit)
"""

from typing import Any

import rules

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role, is_active_superuser
from motcua.organizations.models import Unit

EDITOR_ROLES = (Role.CATALOG_EDITOR, Role.ADMIN)


def edits_unit(user: Any, unit: Unit | None) -> bool:
    return unit is not None and any(has_role(user, role, unit) for role in EDITOR_ROLES)


@rules.predicate
def edits_owner_unit(user: Any, procedure: Any) -> bool:
    return procedure is not None and edits_unit(user, procedure.owner_unit)


@rules.predicate
def edits_this_unit(user: Any, unit: Unit | None) -> bool:
    return edits_unit(user, unit)


@rules.predicate
def edits_somewhere(user: Any) -> bool:
    return any(has_role(user, role) for role in EDITOR_ROLES)


rules.set_perm("catalog.manage_sectors", is_active_superuser | edits_somewhere)
rules.set_perm("catalog.edit_procedure", is_active_superuser | edits_owner_unit)
rules.set_perm("catalog.create_procedure", is_active_superuser | edits_this_unit)
