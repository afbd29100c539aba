"""Reads of slips. The dossier comes from a scoped getter (`motcua.dossiers.selectors.dossier_get`):
whoever may see the dossier may download its slips."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier, DossierSlip


def dossier_slips(*, dossier: Dossier) -> QuerySet[DossierSlip]:
    """The dossier's slips, oldest first, with their files (the latest of a form is the current one)."""
    return (
        DossierSlip.objects.filter(dossier=dossier)
        .select_related("file", "event")
        .order_by("created_at", "id")
    )


def dossier_slip_get(*, dossier: Dossier, slip_id: int) -> DossierSlip | None:
    """One slip of the dossier, or None (never a slip of another dossier)."""
    return DossierSlip.objects.filter(dossier=dossier, pk=slip_id).select_related("file", "dossier").first()
