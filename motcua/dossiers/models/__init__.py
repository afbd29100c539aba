"""The dossier engine's models: the dossier and its code sequences (`dossier`), what happens to it
(`records`) and the stored files (`files`)."""

from motcua.dossiers.models.dossier import (
    LOOKUP_SECRET_ALPHABET,
    LOOKUP_SECRET_LENGTH,
    Dossier,
    DossierCodeSequence,
    DossierQuerySet,
    DossierStatusCounter,
)
from motcua.dossiers.models.files import StoredFile
from motcua.dossiers.models.idempotency import IdempotencyRecord
from motcua.dossiers.models.records import (
    EVENT_SCHEMA_VERSION,
    Apology,
    DossierComponent,
    DossierEvent,
    DossierSlip,
    DossierStep,
    IntakeNote,
    SupplementRequest,
)

__all__ = [
    "EVENT_SCHEMA_VERSION",
    "LOOKUP_SECRET_ALPHABET",
    "LOOKUP_SECRET_LENGTH",
    "Apology",
    "Dossier",
    "DossierCodeSequence",
    "DossierComponent",
    "DossierEvent",
    "DossierQuerySet",
    "DossierSlip",
    "DossierStatusCounter",
    "DossierStep",
    "IdempotencyRecord",
    "IntakeNote",
    "StoredFile",
    "SupplementRequest",
]
