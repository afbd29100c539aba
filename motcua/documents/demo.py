"""Demo certificates: a local test CA (trusted by the verification) and a seal certificate for every unit,
plus a leader certificate for every People's Committee (docs/adr/0010-signatures.md)."""

from __future__ import annotations

import os

from motcua.documents.models import TrustAnchor, UnitCertificate
from motcua.documents.pki import create_ca, issue_signing_certificate
from motcua.documents.storage import PKCS12, store_blob
from motcua.organizations.models import Unit

# The demo PKCS#12 files are protected by this passphrase, read from this variable when signing.
DEMO_PASSPHRASE_ENV = "MOTCUA_DEMO_CERT_PASSPHRASE"  # noqa: S105 (a variable name)
DEMO_PASSPHRASE = "motcua-demo"  # noqa: S105 (the demo PKI only, never production)


def load_demo_certificates(*, units: list[Unit] | None = None) -> int:
    """Create the demo CA and one certificate per unit (and purpose); the number of certificates made."""
    os.environ.setdefault(DEMO_PASSPHRASE_ENV, DEMO_PASSPHRASE)
    ca = create_ca()
    TrustAnchor.objects.create(name="motcua demo root CA", certificate_pem=ca.pem)
    made = 0
    for unit in units if units is not None else list(Unit.objects.order_by("path")):
        purposes = [UnitCertificate.Purpose.SEAL]
        if unit.kind == Unit.Kind.PEOPLES_COMMITTEE:
            purposes.append(UnitCertificate.Purpose.LEADER)
        for purpose in purposes:
            name = unit.name if purpose == UnitCertificate.Purpose.SEAL else f"Lãnh đạo {unit.name}"
            archive = issue_signing_certificate(
                ca=ca, common_name=name, organization=unit.name, passphrase=DEMO_PASSPHRASE.encode()
            )
            UnitCertificate.objects.create(
                unit=unit,
                purpose=purpose,
                signer_name=name,
                pkcs12=store_blob(archive, content_type=PKCS12),
                passphrase_env=DEMO_PASSPHRASE_ENV,
            )
            made += 1
    return made
