"""Where a dossier of the drill-down leads: its own page when the back office has one (issue 6), its events
in the API, and the KPI timeline (`views.dossier_timeline`: the events and how 2.1 judges it)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

# The URL names a dossier page may be published under; the first that exists is used.
DOSSIER_PAGE_NAMES = ("dossiers:detail", "dossiers:dossier", "web:dossier")


def dossier_page_url(public_id: Any) -> str | None:
    for name in DOSSIER_PAGE_NAMES:
        try:
            return reverse(name, args=[public_id])
        except NoReverseMatch:
            continue
    return None


def dossier_links(public_id: Any) -> dict[str, str]:
    try:
        events = reverse("api:list_events", kwargs={"public_id": public_id})
    except NoReverseMatch:  # the dossiers API names its operations by their functions
        events = f"{reverse('api:api-root')}dossiers/{public_id}/events"
    links = {"events": events, "timeline": reverse("kpi:timeline", kwargs={"public_id": public_id})}
    page = dossier_page_url(public_id)
    if page:
        links["page"] = page
    return links
