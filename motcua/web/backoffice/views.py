"""Staff pages. Views validate input, call one service and render (DESIGN.md, rules of the house)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.web.permissions import can_open_workspace


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff member's dashboard: their queue, the dossiers at risk and late, counts."""
    if not can_open_workspace(request.user):
        raise PermissionDenied
    return render(request, "backoffice/dashboard.html", {})
