"""PAdES signatures (pyHanko): the visible Vietnamese stamp with the dossier's QR code, signing with a
unit's PKCS#12 certificate, and offline verification against the configured trust roots
(docs/adr/0010-signatures.md).

The stamp (QR code top-left, TT 01/2023 via LEGAL.md §1.10; the signer, the time and the verification
address in Vietnamese) is drawn into the first page before signing, so the signature covers it. Verification
never fetches anything: `ValidationContext(trust_roots=..., allow_fetching=False)`.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from motcua.core.errors import ApplicationError
from motcua.dossiers.slips.pdf import FONT, FONT_BOLD, register_fonts
from motcua.dossiers.slips.qr import qr_png

QR_SIZE = 25 * mm
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Verification:
    """What the verification page says about one PDF."""

    signed: bool
    valid: bool  # every signature intact, trusted, and the last one covers the whole file
    signers: Sequence[str] = field(default_factory=tuple)
    signed_at: Sequence[datetime] = field(default_factory=tuple)


def _off_the_event_loop(func: Callable[[], T]) -> T:
    """Run `func` here, or in a worker thread when this thread runs an event loop: pyHanko's synchronous
    API calls `asyncio.run`, which refuses to nest (an ASGI server, a Playwright test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()


def load_signer(*, pkcs12_data: bytes, passphrase_env: str) -> signers.SimpleSigner:
    """A pyHanko signer from a PKCS#12 archive whose passphrase is in the environment variable named."""
    passphrase = os.environ.get(passphrase_env)
    if passphrase is None:
        raise ApplicationError(
            _("The signing certificate's passphrase is not configured (environment variable %(name)s).")
            % {"name": passphrase_env},
            code="certificate_unavailable",
            status=409,
        )
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            pkcs12_data, other_certs=[], passphrase=passphrase.encode()
        )
    except ValueError:
        signer = None
    if signer is None:
        raise ApplicationError(
            _("The signing certificate cannot be opened; check the PKCS#12 file and its passphrase."),
            code="certificate_unavailable",
            status=409,
        )
    return signer


def stamp(pdf: bytes, *, qr_payload: str, lines: Sequence[str]) -> bytes:
    """`pdf` with the QR code top-left and the stamp text bottom-right of its first page."""
    register_fonts()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    first = writer.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    overlay = io.BytesIO()
    sheet = canvas.Canvas(overlay, pagesize=(width, height))
    sheet.drawImage(
        ImageReader(io.BytesIO(qr_png(qr_payload))), 8 * mm, height - 8 * mm - QR_SIZE, QR_SIZE, QR_SIZE
    )
    box_width, line_height = 95 * mm, 4.2 * mm
    box_height = line_height * len(lines) + 4 * mm
    left, bottom = width - box_width - 10 * mm, 10 * mm
    sheet.setStrokeColorRGB(0.75, 0.1, 0.1)
    sheet.setFillColorRGB(0.75, 0.1, 0.1)
    sheet.rect(left, bottom, box_width, box_height, stroke=1, fill=0)
    for index, line in enumerate(lines):
        sheet.setFont(FONT_BOLD if index == 0 else FONT, 8)
        sheet.drawString(left + 2 * mm, bottom + box_height - 2 * mm - line_height * (index + 0.8), line)
    sheet.save()
    first.merge_page(PdfReader(overlay).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(pdf: bytes, *, signer: signers.SimpleSigner, field_name: str, reason: str, location: str) -> bytes:
    """A PAdES baseline signature (incremental update, SHA-256) of `pdf`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    out = _off_the_event_loop(lambda: signers.sign_pdf(writer, metadata, signer=signer))
    return bytes(out.getvalue())


def trust_context(trust_roots_pem: Sequence[str]) -> ValidationContext:
    roots = []
    for text in trust_roots_pem:
        _kind, _headers, der = asn1_pem.unarmor(text.encode())
        roots.append(asn1_x509.Certificate.load(der))
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _validate(signature: EmbeddedPdfSignature, context: ValidationContext) -> PdfSignatureStatus:
    return _off_the_event_loop(lambda: validate_pdf_signature(signature, context))


def verify(pdf: bytes, *, trust_roots_pem: Sequence[str]) -> Verification:
    """Check every signature of `pdf` offline. One changed byte makes it invalid (or unreadable)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # noqa: BLE001 (a damaged file is simply not a valid signed document)
        return Verification(signed=False, valid=False)
    if not embedded:
        return Verification(signed=False, valid=False)
    names, times, valid = [], [], True
    for index, signature in enumerate(embedded):
        try:
            status = _validate(signature, trust_context(trust_roots_pem))
        except Exception:  # noqa: BLE001 (a mangled signature structure: invalid, not a server error)
            return Verification(signed=True, valid=False)
        names.append(status.signing_cert.subject.native.get("common_name", ""))
        if status.signer_reported_dt is not None:
            times.append(timezone.localtime(status.signer_reported_dt))
        last = index == len(embedded) - 1
        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
            not last and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        )
        valid = valid and status.bottom_line and covers
    return Verification(signed=True, valid=valid, signers=tuple(names), signed_at=tuple(times))
