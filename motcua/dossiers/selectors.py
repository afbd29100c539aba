"""Reads of dossiers, always scoped to the reader (`Dossier.objects.visible_to`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, DossierStatusCounter, DossierStep


def _not_found() -> NotFound:
    return NotFound(_("No dossier you may see has this identifier."), code="dossier_not_found")


def dossier_get(*, user: Any, public_id: uuid.UUID | str) -> Dossier:
    """The dossier with this public id, if `user` may see it (else NotFound: never say it exists)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise _not_found() from None
    dossier = (
        Dossier.objects.visible_to(user)
        .select_related("procedure", "procedure_version", "receiving_unit", "competent_unit", "assignee")
        .filter(public_id=key)
        .first()
    )
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_get_by_code(*, user: Any, code: str) -> Dossier:
    """The dossier with this legal code (mã hồ sơ), if `user` may see it."""
    dossier = Dossier.objects.visible_to(user).filter(code=code.strip()).first()
    if dossier is None:
        raise _not_found()
    return dossier


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("sequence")


def dossier_steps(*, dossier: Dossier) -> QuerySet[DossierStep]:
    """Every visit of the internal process, in order (Form 06 rows)."""
    return (
        DossierStep.objects.filter(dossier=dossier)
        .select_related("unit", "assignee", "finished_by")
        .order_by("sequence")
    )


def dossier_components(*, dossier: Dossier) -> QuerySet[DossierComponent]:
    return DossierComponent.objects.filter(dossier=dossier).select_related("file").order_by("position")


def dossier_for_public_lookup(*, code: str, secret: str) -> Dossier | None:
    """The dossier whose code and Form 01 secret both match (the public status lookup), else None."""
    if parse_code(code) is None:
        return None
    dossier = Dossier.objects.filter(code=code.strip()).first()
    if dossier is None or not dossier.lookup_secret_matches(secret):
        return None
    return dossier


def status_counts(*, unit_ids: list[int], part: str) -> dict[str, int]:
    """Dossiers per status over `unit_ids` as receiving or competent unit, from the counters."""
    counts = dict.fromkeys(Dossier.Status.values, 0)
    rows = DossierStatusCounter.objects.filter(unit_id__in=unit_ids, part=part).values_list("status", "value")
    for status, value in rows:
        counts[status] = counts.get(status, 0) + value
    return counts
