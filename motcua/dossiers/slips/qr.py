"""The QR code of the slips: its payload is defined here, once (LEGAL.md §1.10).

TT 01/2023 (LEGAL.md §1.10): receipts and results carry, top-left, a QR code (TCVN 7322:2009, i.e.
ISO/IEC 18004) encoding the dossier code, the procedure (TTHC) code, the applicant's ID number, the
document's name, the system's name and the time; receipts add the appointment. motcua adds the public
verification address (`settings.SITE_URL` + `/tra-cuu?code=…`, the status lookup), so that a phone opens it.

The payload is compact JSON (UTF-8, announced by an ECI header), keys in the national sync spelling:

    {"MaHoSo": "H44.103.50-261207-0001", "MaTTHC": "1.001193", "SoDinhDanh": "025085001234",
     "TenGiayTo": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "HeThong": "…",
     "ThoiGian": "2026-12-07T09:00:00+07:00", "NgayHenTra": "2026-12-08T09:00:00+07:00",
     "XacMinh": "https://…/tra-cuu?code=H44.103.50-261207-0001"}

`NgayHenTra` is present on receipts only (Form 01) and on the apology's new appointment (Form 04).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.utils import timezone

# Error correction M (15 %): a printed slip may be folded or stamped.
ERROR_LEVEL = "m"
PUBLIC_LOOKUP_PATH = "/tra-cuu"
KEYS = ("MaHoSo", "MaTTHC", "SoDinhDanh", "TenGiayTo", "HeThong", "ThoiGian", "NgayHenTra", "XacMinh")


def verification_url(code: str | None) -> str:
    """The public status lookup of a dossier code (the page asks for the Form 01 secret)."""
    base = settings.SITE_URL + PUBLIC_LOOKUP_PATH
    return f"{base}?code={quote(code, safe='')}" if code else base


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


@dataclass(frozen=True, slots=True)
class SlipPayload:
    """What a slip's QR code says (LEGAL.md §1.10)."""

    dossier_code: str | None
    procedure_code: str
    applicant_identifier: str
    document_name: str
    system_name: str
    issued_at: datetime
    appointment_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "MaHoSo": self.dossier_code or "",
            "MaTTHC": self.procedure_code,
            "SoDinhDanh": self.applicant_identifier,
            "TenGiayTo": self.document_name,
            "HeThong": self.system_name,
            "ThoiGian": _iso(self.issued_at),
        }
        if self.appointment_at is not None:
            data["NgayHenTra"] = _iso(self.appointment_at)
        data["XacMinh"] = verification_url(self.dossier_code)
        return data

    def encode(self) -> str:
        """The text the QR code carries."""
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> dict[str, Any]:
    """The fields of a scanned payload (the inverse of `SlipPayload.encode`)."""
    data = json.loads(text)
    if not isinstance(data, dict) or not set(data) <= set(KEYS):
        raise ValueError("not a motcua slip payload")
    return data


def make_qr(payload: str) -> segno.QRCode:
    return segno.make(payload, error=ERROR_LEVEL, encoding="utf-8", eci=True, micro=False, boost_error=False)


def qr_png(payload: str, *, scale: int = 4) -> bytes:
    """The QR code as a black-and-white PNG, `scale` pixels per module, with the 4-module quiet zone."""
    out = io.BytesIO()
    make_qr(payload).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
