"""The page layout shared by the slips: fonts, styles, the national header, fields and signatures.

Administrative documents follow ND 30/2020 (the national motto top right, the issuing body top left, the
number and the place and date below them, the title centred). The QR code sits top-left (TT 01/2023,
LEGAL.md §1.10). Text is DejaVu Serif (vendored in `fonts/`, full Vietnamese coverage); every value that
comes from data is escaped before it enters ReportLab's paragraph markup.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from motcua.dossiers.slips.qr import qr_png
from motcua.organizations.models import PATH_STEP, Unit

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
FONT_BOLD = "DejaVuSerif-Bold"
FONT_ITALIC = "DejaVuSerif-Italic"
_registered = threading.Lock()
_done = {"fonts": False}

PAGE_MARGINS = {"leftMargin": 20 * mm, "rightMargin": 15 * mm, "topMargin": 15 * mm, "bottomMargin": 15 * mm}
QR_SIZE = 25 * mm


def register_fonts() -> None:
    """Register the vendored fonts with ReportLab (once per process)."""
    with _registered:
        if _done["fonts"]:
            return
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSerif-Bold.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(FONTS_DIR / "DejaVuSerif-Italic.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )
        _done["fonts"] = True


def _style(name: str, **values: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": FONT, "fontSize": 11, "leading": 14.5}
    return ParagraphStyle(name, **(base | values))


STYLES = {
    "body": _style("body", alignment=TA_JUSTIFY, spaceAfter=3),
    "small": _style("small", fontSize=9, leading=11.5),
    "cell": _style("cell", fontSize=9, leading=11.5),
    "book": _style("book", fontSize=7, leading=9),
    "book_head": _style("book_head", fontName=FONT_BOLD, fontSize=7, leading=9, alignment=TA_CENTER),
    "cell_head": _style("cell_head", fontName=FONT_BOLD, fontSize=9, leading=11.5, alignment=TA_CENTER),
    "center": _style("center", alignment=TA_CENTER),
    "center_small": _style("center_small", alignment=TA_CENTER, fontSize=10, leading=13),
    "head": _style("head", fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=9.5, leading=12),
    "head_light": _style("head_light", alignment=TA_CENTER, fontSize=9.5, leading=12),
    "left": _style("left", spaceAfter=3),
    "title": _style("title", fontName=FONT_BOLD, alignment=TA_CENTER, fontSize=13, leading=17, spaceBefore=8),
    "subtitle": _style("subtitle", alignment=TA_CENTER, fontSize=11, leading=14, spaceAfter=8),
    "date": _style("date", fontName=FONT_ITALIC, alignment=TA_CENTER, fontSize=10, leading=13),
}


def text(value: Any) -> str:
    """A data value made safe for paragraph markup (None and "" print as an ellipsis to fill by hand)."""
    if value is None or value == "":
        return "…"
    return escape(str(value))


def para(markup: str, style: str = "body") -> Paragraph:
    register_fonts()
    return Paragraph(markup, STYLES[style])


def field(label: str, value: Any) -> Paragraph:
    """`Label: value`, the label in bold (a line of a form)."""
    return para(f"<b>{escape(label)}:</b> {text(value)}")


def local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment is not None else None


def hour_and_date(moment: datetime | None) -> str:
    """Forms' wording of a moment: "9 giờ 05 phút, ngày 07/12/2026"."""
    moment = local(moment)
    if moment is None:
        return "…"
    return _("%(hour)d h %(minute)02d, on %(date)s") % {
        "hour": moment.hour,
        "minute": moment.minute,
        "date": moment.strftime("%d/%m/%Y"),
    }


def day_only(moment: datetime | None) -> str:
    moment = local(moment)
    return moment.strftime("%d/%m/%Y") if moment is not None else "…"


def place_name(unit: Unit) -> str:
    """The place written before the date: the province of `unit` ("Phú Thọ" for "Ủy ban nhân dân tỉnh
    Phú Thọ"), read from the name of the root of its tree."""
    root = Unit.objects.filter(path=unit.path[:PATH_STEP]).only("name").first() or unit
    name = root.name
    for prefix in ("Ủy ban nhân dân ", "UBND "):
        name = name.removeprefix(prefix)
    for prefix in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
        name = name.removeprefix(prefix)
    return name


def place_and_date(unit: Unit, moment: datetime) -> str:
    moment = local(moment) or moment
    return _("%(place)s, day %(day)02d month %(month)02d year %(year)d") % {
        "place": place_name(unit),
        "day": moment.day,
        "month": moment.month,
        "year": moment.year,
    }


def header(*, unit: Unit, number: str, issued_at: datetime, qr_payload: str | None) -> list[Flowable]:
    """The national header: QR code, issuing body, motto, number, place and date."""
    parent = unit.parent
    body = [para(text(parent.name.upper()), "head_light")] if parent is not None else []
    body.append(para(f"<b>{text(unit.name.upper())}</b>", "head"))
    body.append(para("———", "head_light"))
    body.append(para(text(number), "head_light"))
    motto = [
        para(f"<b>{escape(_('SOCIALIST REPUBLIC OF VIET NAM'))}</b>", "head"),
        para(f"<b><u>{escape(_('Independence - Freedom - Happiness'))}</u></b>", "head"),
        Spacer(1, 4 * mm),
        para(escape(place_and_date(unit, issued_at)), "date"),
    ]
    qr: Flowable | str = ""
    if qr_payload is not None:
        qr = Image(io.BytesIO(qr_png(qr_payload)), width=QR_SIZE, height=QR_SIZE)
    table = Table([[qr, body, motto]], colWidths=[QR_SIZE + 2 * mm, 50 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def title(main: str, subtitle: str = "") -> list[Flowable]:
    items: list[Flowable] = [para(escape(main.upper()), "title")]
    items.append(para(escape(subtitle), "subtitle") if subtitle else Spacer(1, 4 * mm))
    return items


def grid(
    head: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float | None], *, small: bool = False
) -> Table:
    """A ruled table: a bold header row, then the rows (strings are escaped, flowables kept)."""
    cell_style, head_style = ("book", "book_head") if small else ("cell", "cell_head")
    data: list[list[Any]] = [[para(escape(cell), head_style) for cell in head]]
    for row in rows:
        data.append(
            [
                cell if isinstance(cell, Flowable) else para(text(cell) if cell != "" else "", cell_style)
                for cell in row
            ]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return table


def signatures(columns: Sequence[tuple[str, str, str]]) -> Table:
    """Signature blocks side by side: (role in capitals, instruction in italics, printed name)."""
    cells = []
    for role, note, name in columns:
        cells.append(
            [
                para(f"<b>{escape(role.upper())}</b>", "center"),
                para(f"<i>{escape(note)}</i>", "center_small"),
                Spacer(1, 20 * mm),
                para(f"<b>{text(name) if name else ''}</b>", "center"),
            ]
        )
    table = Table([cells], colWidths=[None] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def render(
    story: Sequence[Flowable], *, title_text: str, subject: str, author: str, wide: bool = False
) -> bytes:
    """The PDF bytes of `story` on A4 (landscape when `wide`). Invariant: the same content gives the same
    bytes (no creation date or random id), so storing a slip twice stores one file."""
    register_fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4) if wide else A4,
        title=title_text,
        subject=subject,
        author=author,
        creator="motcua",
        invariant=1,
        **PAGE_MARGINS,
    )
    document.build(list(story))
    return out.getvalue()
