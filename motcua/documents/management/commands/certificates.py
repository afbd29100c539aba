"""`motcua certificates install|trust|list`: configure the units' signing certificates and the trust roots.

    motcua certificates install --unit 12 --pkcs12 ubnd-ea-kar.p12 --passphrase-env EAKAR_P12_PASS \\
        --signer-name "Ủy ban nhân dân xã Ea Kar" [--purpose leader]
    motcua certificates trust --name "Root CA Ban Cơ yếu" --pem root.pem
    motcua certificates list
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import ApplicationError
from motcua.documents.models import TrustAnchor, UnitCertificate
from motcua.documents.services import certificate_install, trust_anchor_add
from motcua.organizations.models import Unit


class Command(BaseCommand):
    help = "Configure the units' signing certificates (PKCS#12) and the roots the verification trusts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        install = sub.add_parser("install", help="install a unit's PKCS#12 certificate")
        install.add_argument("--unit", type=int, required=True, help="unit id")
        install.add_argument("--pkcs12", required=True, help="path of the .p12/.pfx file")
        install.add_argument(
            "--passphrase-env", required=True, help="environment variable holding its passphrase"
        )
        install.add_argument("--signer-name", required=True)
        install.add_argument("--purpose", choices=UnitCertificate.Purpose.values, default="seal")
        trust = sub.add_parser("trust", help="trust a root certificate (PEM)")
        trust.add_argument("--name", required=True)
        trust.add_argument("--pem", required=True, help="path of the PEM file")
        sub.add_parser("list", help="list the active certificates and trust roots")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "install":
                unit = Unit.objects.filter(pk=options["unit"]).first()
                if unit is None:
                    raise CommandError(f"no unit {options['unit']}")
                certificate = certificate_install(
                    unit=unit,
                    pkcs12_data=Path(options["pkcs12"]).read_bytes(),
                    passphrase_env=options["passphrase_env"],
                    signer_name=options["signer_name"],
                    purpose=options["purpose"],
                )
                self.stdout.write(
                    f"installed certificate {certificate.pk} for unit {unit.pk} ({certificate.purpose})"
                )
            elif options["action"] == "trust":
                anchor = trust_anchor_add(
                    name=options["name"], certificate_pem=Path(options["pem"]).read_text()
                )
                self.stdout.write(f"trusted {anchor.name} ({anchor.pk})")
            else:
                for row in (
                    UnitCertificate.objects.filter(active=True).select_related("unit").order_by("unit_id")
                ):
                    self.stdout.write(
                        f"certificate {row.pk}\tunit {row.unit_id}\t{row.purpose}\t{row.signer_name}"
                    )
                for anchor in TrustAnchor.objects.filter(active=True).order_by("pk"):
                    self.stdout.write(f"trust root {anchor.pk}\t{anchor.name}")
        except (ApplicationError, OSError) as error:
            raise CommandError(str(error)) from error
