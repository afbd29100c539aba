"""ND 13/2023 art. 27: staff reading an applicant's personal data is itself recorded (who, which fields,
when, from where; never the data), in the audit chain. One rule for the back-office page and the API.

The applicant reading their own dossier is not staff access and is not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.core.audit import personal_data_viewed
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
# The applicant's data store as the counter proposes it (titles, numbers, issuing bodies of their papers).
DATA_STORE_FIELDS = ("data_store",)


def dossier_personal_data_read(
    *, reader: Any, dossier: Dossier, fields: Iterable[str] = DOSSIER_PERSONAL_FIELDS
) -> AuditRecord | None:
    """Record that `reader` read `fields` of the dossier's applicant, unless `reader` is the applicant."""
    if dossier.applicant_id is not None and dossier.applicant_id == getattr(reader, "pk", None):
        return None
    return personal_data_viewed(actor=reader, obj=dossier, fields=fields, unit=dossier.competent_unit_id)
