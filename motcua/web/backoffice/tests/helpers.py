"""Helpers of the back-office tests."""

import io

from reportlab.pdfgen import canvas


def result_pdf() -> bytes:
    """A real one-page PDF (the signature stamps it)."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pageCompression=0)
    sheet.drawString(100, 700, "Giay khai sinh")
    sheet.showPage()
    sheet.save()
    return out.getvalue()
