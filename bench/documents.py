"""What does a PAdES signature cost? Signatures per second for a 2-page result, against a raw signature.

    .venv/bin/python bench/documents.py            # BENCH_SIGNATURES=200 by default

Three measures in the same run, with the same P-256 key (a PKCS#12 archive from the demo PKI):
- raw: `cryptography` ECDSA-SHA256 over the SHA-256 digest of the 2-page PDF (the floor: one signature);
- PAdES: pyHanko signs the PDF (incremental update, CMS with the certificate chain, byte-range digest);
- stamp + PAdES: what `result_issue` does to a PDF: the Vietnamese stamp and the QR code, then the signature.
The ratio says how many raw signatures one signed result costs. No database is used.
"""

import hashlib
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.test_settings")

import django

django.setup()

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, utils  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from motcua.documents import signing  # noqa: E402
from motcua.documents.pki import create_ca, issue_signing_certificate  # noqa: E402

SIGNATURES = int(os.environ.get("BENCH_SIGNATURES", "200"))
PASSPHRASE_ENV = "BENCH_DOCUMENTS_PASSPHRASE"
QR = '{"MaHoSo":"H15.50.05.13-261207-0001","XacMinh":"https://motcua.example/verify/0"}'
STAMP = [
    "KẾT QUẢ ĐIỆN TỬ CÓ CHỮ KÝ SỐ",
    "Ký bởi: Ủy ban nhân dân xã Ea Kar",
    "Thời gian ký: 09:00 07/12/2026",
]


def two_page_pdf() -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    for page in (1, 2):
        sheet.drawString(100, 750, f"GIAY KHAI SINH - trang {page}")
        for line in range(40):
            sheet.drawString(72, 700 - line * 15, f"Dong {line + 1}: noi dung cua ket qua giai quyet thu tuc")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def rate(name: str, func: Callable[[], object], count: int) -> float:
    func()  # warm up
    started = time.perf_counter()
    for _ in range(count):
        func()
    per_second = count / (time.perf_counter() - started)
    print(f"{name:<34} {per_second:10.1f} /s")
    return per_second


def main() -> None:
    os.environ[PASSPHRASE_ENV] = "bench"
    ca = create_ca()
    archive = issue_signing_certificate(
        ca=ca, common_name="Ủy ban nhân dân xã Ea Kar", organization="motcua bench", passphrase=b"bench"
    )
    key, _certificate, _chain = pkcs12.load_key_and_certificates(archive, b"bench")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    signer = signing.load_signer(pkcs12_data=archive, passphrase_env=PASSPHRASE_ENV)
    pdf = two_page_pdf()
    digest = hashlib.sha256(pdf).digest()

    def raw() -> bytes:
        return key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

    def pades() -> bytes:
        return signing.sign(pdf, signer=signer, field_name="Signature1", reason="bench", location="bench")

    def stamped() -> bytes:
        return pades_of(signing.stamp(pdf, qr_payload=QR, lines=STAMP))

    def pades_of(data: bytes) -> bytes:
        return signing.sign(data, signer=signer, field_name="Signature1", reason="bench", location="bench")

    check = signing.verify(pades(), trust_roots_pem=[ca.pem])
    assert check.valid, "the benchmark's signature does not verify"
    print(f"2-page result: {len(pdf)} bytes; {SIGNATURES} signatures per measure; key ECDSA P-256")
    raw_rate = rate("raw cryptography ECDSA (digest)", raw, SIGNATURES * 10)
    pades_rate = rate("PAdES (pyHanko)", pades, SIGNATURES)
    stamped_rate = rate("stamp + QR + PAdES", stamped, max(SIGNATURES // 4, 10))
    print(f"ratio raw / PAdES:              {raw_rate / pades_rate:10.1f}x")
    print(f"ratio raw / stamp + PAdES:      {raw_rate / stamped_rate:10.1f}x")


if __name__ == "__main__":
    main()
