"""`motcua certificates`: install a unit's PKCS#12 and a trust root, then sign and verify with them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from motcua.documents import services, signing
from motcua.documents.models import UnitCertificate
from motcua.documents.pki import create_ca, issue_signing_certificate
from motcua.documents.storage import read_document
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.tests.helpers import World, at, counter_received


def test_an_installed_certificate_signs_and_its_root_verifies(
    world: World, procedure: Procedure, tmp_path: Path, monkeypatch: Any
) -> None:
    ca = create_ca(common_name="Root CA thử nghiệm")
    (tmp_path / "unit.p12").write_bytes(
        issue_signing_certificate(
            ca=ca, common_name="UBND xã Ea Kar", organization="UBND", passphrase=b"s3cret"
        )
    )
    (tmp_path / "root.pem").write_text(ca.pem)
    monkeypatch.setenv("EAKAR_P12", "s3cret")
    out = io.StringIO()

    call_command(
        "certificates", "install", "--unit", str(world.commune_a.pk), "--pkcs12", str(tmp_path / "unit.p12"),
        "--passphrase-env", "EAKAR_P12", "--signer-name", "UBND xã Ea Kar", stdout=out,
    )  # fmt: skip
    call_command("certificates", "trust", "--name", "Root", "--pem", str(tmp_path / "root.pem"), stdout=out)
    signed = services.result_issue(
        dossier=counter_received(world, procedure, when=at(7, 9)),
        actor=world.leader_a,
        pdf=pdf_bytes(),
        title="KQ",
    )

    assert signing.verify(read_document(signed.file), trust_roots_pem=services.trust_roots()).valid
    assert UnitCertificate.objects.get().passphrase_env == "EAKAR_P12"


def test_a_wrong_passphrase_or_a_bad_pem_is_refused(world: World, tmp_path: Path, monkeypatch: Any) -> None:
    ca = create_ca()
    p12 = str(tmp_path / "unit.p12")
    Path(p12).write_bytes(
        issue_signing_certificate(ca=ca, common_name="X", organization="Y", passphrase=b"right")
    )
    (tmp_path / "bad.pem").write_text("not a certificate")
    monkeypatch.setenv("P12_PASS", "wrong")

    with pytest.raises(CommandError):
        call_command(
            "certificates", "install", "--unit", str(world.commune_a.pk), "--pkcs12", p12,
            "--passphrase-env", "P12_PASS", "--signer-name", "X",
        )  # fmt: skip
    with pytest.raises(CommandError) as bad:
        call_command("certificates", "trust", "--name", "Bad", "--pem", str(tmp_path / "bad.pem"))

    assert str(bad.value) == "Đây không phải chứng thư định dạng PEM."
    assert UnitCertificate.objects.count() == 0
