"""Citizen pages. Views validate input, call one service and render (DESIGN.md, rules of the house)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": the signed-in applicant's dossiers."""
    return render(request, "portal/my_dossiers.html", {"dossiers": []})
