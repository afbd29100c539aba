"""Helpers of the edges tests (slips, notifications, queues, generate): reading slips back, running the
after-commit work the services schedule."""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pypdf
import zxingcpp

from motcua.dossiers.models import Dossier, DossierSlip
from motcua.dossiers.storage import open_file


def slip_bytes(slip: DossierSlip) -> bytes:
    with open_file(slip.file) as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed (lines wrap anywhere a space is)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).strip()


def pdf_qr_codes(data: bytes) -> list[str]:
    """The QR codes printed on the first page, decoded from the image embedded in the PDF."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    found = []
    for image in page.images:
        pixels = np.array(image.image.convert("L"))
        found += [result.text for result in zxingcpp.read_barcodes(pixels)]
    return found


def slips_of(dossier: Dossier, form: str | None = None) -> list[DossierSlip]:
    slips = DossierSlip.objects.filter(dossier=dossier).select_related("file", "event").order_by("id")
    return list(slips.filter(form=form) if form else slips)


def one(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]
