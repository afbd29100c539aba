"""ND 13/2023 art. 27: staff reading an applicant's personal data is itself recorded (who, which fields,
when, from where; never the data), in the audit chain. One rule for the back-office page and the API.

The applicant reading their own dossier is not staff access and is not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.core.audit import personal_data_listed, personal_data_viewed
from motcua.core.models import AuditRecord
from motcua.dossiers.models import Dossier

# The applicant's personal data that a dossier's full view shows (the page and `GET /dossiers/{id}`).
DOSSIER_PERSONAL_FIELDS = (
    "applicant_name",
    "applicant_identifier",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "form_data",
    "components",
)
# A component's file (the applicant's documents) and a slip (Forms 01–07 name and address the applicant).
COMPONENT_FILE_FIELDS = ("components",)
SLIP_FIELDS = ("slips",)
# What a list of dossiers shows of each applicant (the service index's drill-down).
LISTED_FIELDS = ("applicant_name",)
# The applicant's data store as the counter proposes it (titles, numbers, issuing bodies of their papers).
DATA_STORE_FIELDS = ("data_store",)


def dossier_personal_data_read(
    *, reader: Any, dossier: Dossier, fields: Iterable[str] = DOSSIER_PERSONAL_FIELDS
) -> AuditRecord | None:
    """Record that `reader` read `fields` of the dossier's applicant, unless `reader` is the applicant."""
    if dossier.applicant_id is not None and dossier.applicant_id == getattr(reader, "pk", None):
        return None
    return personal_data_viewed(actor=reader, obj=dossier, fields=fields, unit=dossier.competent_unit_id)


def dossiers_listed(
    *, reader: Any, dossier_ids: Iterable[int], fields: Iterable[str] = LISTED_FIELDS
) -> list[AuditRecord]:
    """Record that `reader` was shown `fields` of each listed dossier's applicant (one record per dossier,
    in one transaction, a constant number of queries), except for the reader's own dossiers."""
    reader_id = getattr(reader, "pk", None)
    dossiers = Dossier.objects.filter(pk__in=list(dossier_ids)).only(
        "pk", "code", "applicant_id", "competent_unit_id"
    )
    objects = [
        (dossier, dossier.competent_unit_id)
        for dossier in dossiers.order_by("pk")
        if dossier.applicant_id is None or dossier.applicant_id != reader_id
    ]
    return personal_data_listed(actor=reader, objects=objects, fields=fields) if objects else []
