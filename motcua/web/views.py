"""Pages of the web shell: the public home page and the staff workspace."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.web.permissions import can_open_workspace
from motcua.web.selectors import workspace_grants

# What each role does (DESIGN.md, "Who uses it"), shown on the workspace.
ROLE_DUTIES = {
    Role.INTAKE_OFFICER: gettext_lazy(
        "Receives dossiers at the counter, by post and online within the legal time, asks once for what is "
        "missing or refuses with reasons, digitises paper, issues the receipt slip and returns the results."
    ),
    Role.SPECIALIST: gettext_lazy(
        "Processes the unit's dossiers through the procedure's internal process, asks for a supplement at "
        "most once and drafts the result."
    ),
    Role.LEADER: gettext_lazy("Approves and signs results, and signs apology letters for late dossiers."),
    Role.SUPERVISOR: gettext_lazy(
        "Watches the on-time rate and the service index of every unit below, drills into late dossiers and "
        "runs the periodic reports."
    ),
    Role.CATALOG_EDITOR: gettext_lazy(
        "Maintains the unit's procedures: versions, required documents, fees, internal processes and e-forms."
    ),
    Role.ADMIN: gettext_lazy("Manages the units, accounts, roles and working calendars below the unit."),
    Role.INTEGRATOR: gettext_lazy(
        "Reads and writes through the REST API for a connected system, such as the national portal."
    ),
}


def home(request: HttpRequest) -> HttpResponse:
    """The public home page. Staff land on their workspace instead."""
    if can_open_workspace(request.user):
        return redirect("web:staff_home")
    return render(request, "web/home.html")


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff workspace: the person's roles, on which units, and what each role does."""
    if not can_open_workspace(request.user):
        raise PermissionDenied(
            _(
                "This page is for the staff of the agencies. Citizens and businesses follow their "
                "dossiers from the home page."
            )
        )
    grants = workspace_grants(user=request.user, day=timezone.localdate())
    held = {grant.role for grant in grants}
    duties = [(role.label, ROLE_DUTIES[role]) for role in Role if role in held]
    return render(request, "web/staff_home.html", {"grants": grants, "duties": duties})
