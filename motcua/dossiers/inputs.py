"""The plain values the services take: who applies, and the components of a submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from motcua.catalog.models import RequiredDocument
    from motcua.dossiers.models import DossierComponent, StoredFile


@dataclass(frozen=True, slots=True)
class Applicant:
    """The applicant as Form 01 prints them. `user` is their account, if they have one (a walk-in at the
    counter may have none). `kind` is "citizen" or "organization"; `identifier` the 12-digit personal ID
    number or the tax code (never logged)."""

    name: str
    kind: str = "citizen"
    identifier: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    user: Any = None

    @classmethod
    def from_user(cls, user: Any) -> Applicant:
        """The applicant described by their account."""
        is_org = getattr(user, "kind", "") == "organization"
        return cls(
            name=user.full_name or user.get_username(),
            kind="organization" if is_org else "citizen",
            identifier=(user.tax_code if is_org else user.personal_id) or "",
            address=user.address,
            phone=user.phone,
            email=user.email,
            user=user,
        )


@dataclass(frozen=True, slots=True)
class Representative:
    """The authorised person (người được ủy quyền) acting for the applicant, and their authorisation."""

    name: str
    identifier: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    authorisation: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "identifier": self.identifier,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "authorisation": self.authorisation,
        }


@dataclass(frozen=True, slots=True)
class ComponentInput:
    """One component of a submission or a supplement.

    `provenance` is "digitised_at_intake" or "uploaded" with `file` (a `StoredFile` from
    `motcua.dossiers.storage.store_file`), or "reused" with `source_component` (a component of an earlier
    dossier of the same applicant) or `reference` (a document in another store).
    """

    name: str
    provenance: str
    file: StoredFile | None = None
    filename: str = ""
    source_component: DossierComponent | None = None
    reference: str = ""
    required_document: RequiredDocument | None = None
