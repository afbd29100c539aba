"""The dashboard as a file: Excel (XlsxWriter) and PDF (ReportLab, with the DejaVu Serif fonts vendored for
the slips, which cover Vietnamese). Both show what the page shows for the same selection: the index with
every indicator, target and colour, the child units' ranking, the months' trend and, for those who may see
dossiers, the forecast."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

import motcua.dossiers.slips
from motcua.kpi.bands import Band
from motcua.kpi.reports import IndicatorLine, UnitIndex

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# The colours of the bands in files (the page's own colours, docs/KPI.md "Colour bands").
BAND_FILL = {Band.GREEN: "#c8ebd0", Band.YELLOW: "#fff1b3", Band.ORANGE: "#ffd8b0", Band.RED: "#f7c5c5"}
FONTS_DIR = Path(motcua.dossiers.slips.__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "KpiDejaVuSerif", "KpiDejaVuSerif-Bold"
_fonts_lock = threading.Lock()
_fonts = {"registered": False}


def _number(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",")  # Vietnamese writing: 1 234,56


def _target(line: IndicatorLine) -> str:
    return f"{_number(line.target.rate)} %" if line.target is not None else "—"


def _ratio(line: IndicatorLine) -> str:
    result = line.result
    if not result.applicable:
        return _("not applicable")
    if result.no_data:
        return _("no data yet")
    if result.average is not None:
        return _("%(minutes)s working minutes") % {"minutes": _number(result.average)}
    return f"{_number(result.percent)} %" if result.percent is not None else "—"


def _band(line: IndicatorLine) -> str:
    return str(line.band.label) if line.band else ""


def _title(index: UnitIndex) -> str:
    return _("Service index (QĐ 766): %(unit)s, %(period)s") % {
        "unit": index.unit.name,
        "period": index.period.label,
    }


def _judged(index: UnitIndex) -> str:
    if index.judged_at is None:
        return _("The period has not begun.")
    moment = timezone.localtime(index.judged_at).strftime("%H:%M %d/%m/%Y")
    if index.running:
        return _("Running period, judged at %(moment)s.") % {"moment": moment}
    return _("Closed period, judged at its end (%(moment)s).") % {"moment": moment}


def indicator_rows(index: UnitIndex) -> list[list[Any]]:
    rows = []
    for line in index.lines.values():
        result, indicator = line.result, line.result.indicator
        rows.append(
            [
                indicator.id,
                indicator.official_name,
                result.numerator,
                result.denominator,
                _ratio(line),
                _number(result.points) if result.points is not None else "—",
                _number(indicator.max_points),
                _target(line),
                _band(line),
            ]
        )
    return rows


def _headers() -> list[str]:
    return [
        _("Indicator"),
        _("Indicator name"),
        _("Numerator"),
        _("Denominator"),
        _("Rate"),
        _("Points"),
        _("Maximum"),
        _("Target"),
        _("Colour"),
    ]


def _ranking_rows(context: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            row.rank,
            row.unit.name,
            _number(row.result.total),
            row.totals.received,
            *(_ratio(row.lines[i]) for i in context["ranking_ids"]),
        ]
        for row in context["ranking"]
    ]


def _ranking_headers(context: dict[str, Any]) -> list[str]:
    return [_("Rank"), _("Unit"), _("Points"), _("Dossiers received"), *context["ranking_ids"]]


def _trend_rows(context: dict[str, Any]) -> list[list[Any]]:
    return [
        [
            point.period.label,
            _number(point.total),
            point.received,
            *(_number(point.percents[i]) for i in context["trend_ids"]),
        ]
        for point in context["trend"]
    ]


def _trend_headers(context: dict[str, Any]) -> list[str]:
    return [_("Month"), _("Points"), _("Dossiers received"), *(f"{i} (%)" for i in context["trend_ids"])]


def _forecast_rows(context: dict[str, Any]) -> list[list[Any]]:
    found = context.get("forecast")
    if not found:
        return []
    return [
        [
            row.code,
            row.procedure_name,
            row.unit_name,
            timezone.localtime(row.due_at).strftime("%H:%M %d/%m/%Y"),
            _number(row.unit_cost),
            _number(row.cost),
            _("yes") if row.at_risk else "",
        ]
        for row in found.rows
    ]


def _forecast_headers() -> list[str]:
    return [
        _("Dossier"),
        _("Procedure"),
        _("Competent unit"),
        _("Due (2.1)"),
        _("Points lost by its unit"),
        _("Points lost here"),
        _("At risk"),
    ]


# --- Excel --------------------------------------------------------------------------------------------


def to_xlsx(context: dict[str, Any]) -> bytes:
    import xlsxwriter  # noqa: PLC0415 (only exports need it)

    index: UnitIndex = context["index"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#e4e7eb", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    fills = {band: book.add_format({"border": 1, "bg_color": colour}) for band, colour in BAND_FILL.items()}

    def table(
        sheet: Any,
        first_row: int,
        headers: list[str],
        rows: list[list[Any]],
        colours: list[Any] | None = None,
    ) -> int:
        sheet.write_row(first_row, 0, headers, head)
        for offset, row in enumerate(rows, start=1):
            sheet.write_row(first_row + offset, 0, row, cell)
            if colours and colours[offset - 1] is not None:
                sheet.write(first_row + offset, len(row) - 1, row[-1], fills[colours[offset - 1]])
        return first_row + len(rows) + 2

    sheet = book.add_worksheet(_("Index")[:31])
    sheet.set_column(0, 0, 9)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 8, 14)
    sheet.write(0, 0, _title(index), title)
    sheet.write(1, 0, _judged(index))
    sheet.write(2, 0, _("Total"), bold)
    sheet.write(2, 1, f"{_number(index.result.total)} / {_number(index.result.max_points)}", bold)
    row = 4
    sheet.write_row(row, 0, [_("Group"), _("Group name"), _("Points"), _("Maximum")], head)
    for group_id, group in index.result.groups.items():
        row += 1
        sheet.write_row(
            row,
            0,
            [group_id, group.group.official_name, _number(group.points), _number(group.max_points)],
            cell,
        )
    row += 2
    table(sheet, row, _headers(), indicator_rows(index), [line.band for line in index.lines.values()])

    ranking = book.add_worksheet(_("Units")[:31])
    ranking.set_column(0, 0, 8)
    ranking.set_column(1, 1, 50)
    ranking.set_column(2, 10, 14)
    table(ranking, 0, _ranking_headers(context), _ranking_rows(context))

    trend = book.add_worksheet(_("Trend")[:31])
    trend.set_column(0, 0, 18)
    trend.set_column(1, 10, 14)
    table(trend, 0, _trend_headers(context), _trend_rows(context))

    if context.get("forecast") is not None:
        risks = book.add_worksheet(_("Forecast")[:31])
        risks.set_column(0, 0, 26)
        risks.set_column(1, 2, 40)
        risks.set_column(3, 6, 16)
        table(risks, 0, _forecast_headers(), _forecast_rows(context))
    book.close()
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------------


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

    with _fonts_lock:
        if _fonts["registered"]:
            return
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSerif-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
        _fonts["registered"] = True


def to_pdf(context: dict[str, Any]) -> bytes:
    from reportlab.lib import colors  # noqa: PLC0415
    from reportlab.lib.pagesizes import A4, landscape  # noqa: PLC0415
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415
    from reportlab.lib.units import mm  # noqa: PLC0415
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: PLC0415

    _register_fonts()
    index: UnitIndex = context["index"]
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    bold = ParagraphStyle("bold", parent=body, fontName=FONT_BOLD)
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=4)
    subheading = ParagraphStyle("subheading", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8)

    def grid(
        headers: list[str], rows: list[list[Any]], widths: list[float], fills: list[Any] | None = None
    ) -> Table:
        data = [[Paragraph(str(h), bold) for h in headers]] + [
            [Paragraph(str(value), body) for value in row] for row in rows
        ]
        built = Table(data, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#7b8794")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for offset, band in enumerate(fills or [], start=1):
            if band is not None:
                style.append(("BACKGROUND", (-1, offset), (-1, offset), colors.HexColor(BAND_FILL[band])))
        built.setStyle(TableStyle(style))
        return built

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_title(index),
        author="motcua",
    )
    story: list[Any] = [
        Paragraph(_title(index), heading),
        Paragraph(_judged(index), body),
        Paragraph(
            _("Total: %(points)s / %(max)s points")
            % {"points": _number(index.result.total), "max": _number(index.result.max_points)},
            subheading,
        ),
        grid(
            [_("Group"), _("Points"), _("Maximum")],
            [
                [group.group.official_name, _number(group.points), _number(group.max_points)]
                for group in index.result.groups.values()
            ],
            [150 * mm, 30 * mm, 30 * mm],
        ),
        Paragraph(_("Indicators"), subheading),
        grid(
            _headers(),
            indicator_rows(index),
            [14 * mm, 105 * mm, 22 * mm, 22 * mm, 30 * mm, 18 * mm, 18 * mm, 20 * mm, 20 * mm],
            [line.band for line in index.lines.values()],
        ),
    ]
    if context["ranking"]:
        story += [
            Paragraph(_("Units below"), subheading),
            grid(
                _ranking_headers(context),
                _ranking_rows(context),
                [14 * mm, 95 * mm, 22 * mm, 28 * mm, *([28 * mm] * len(context["ranking_ids"]))],
            ),
        ]
    if context["trend"]:
        story += [
            Paragraph(_("Trend by month"), subheading),
            grid(
                _trend_headers(context),
                _trend_rows(context),
                [40 * mm, 25 * mm, 30 * mm, *([28 * mm] * len(context["trend_ids"]))],
            ),
        ]
    forecast_rows = _forecast_rows(context)
    if forecast_rows:
        story += [
            Paragraph(_("Dossiers to act on first"), subheading),
            grid(
                _forecast_headers(),
                forecast_rows,
                [48 * mm, 70 * mm, 55 * mm, 32 * mm, 26 * mm, 22 * mm, 18 * mm],
            ),
        ]
    story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()


WRITERS: dict[str, Callable[[dict[str, Any]], bytes]] = {"xlsx": to_xlsx, "pdf": to_pdf}


def filename(context: dict[str, Any], fmt: str) -> str:
    index: UnitIndex = context["index"]
    stem = (
        slugify(f"chi-so-766-{index.unit.short_name or index.unit.name}-{index.period.key}") or "chi-so-766"
    )
    return f"{stem}.{fmt}"


def response(fmt: str, context: dict[str, Any]) -> HttpResponse:
    content = WRITERS[fmt](context)
    reply = HttpResponse(content, content_type=FORMATS[fmt])
    reply["Content-Disposition"] = f'attachment; filename="{filename(context, fmt)}"'
    return reply
