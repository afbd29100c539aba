"""Form 07, Sổ theo dõi hồ sơ (STD): the tracking book of a receiving unit, per sector, for a period
(TT 03/2025, Phụ lục I; LEGAL.md §1.12: kept per sector, an electronic book is allowed).

The rows are the dossiers the unit received in the period (receipt day in local time), in the order of
receipt; printed as PDF (landscape A4) or exported to Excel with XlsxWriter. Only staff who hold a role
on the unit may open its book; they see the dossiers they may see (`Dossier.objects.visible_to`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from motcua.accounts.permissions import has_role
from motcua.catalog.models import Sector
from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.dossiers.models import Dossier, DossierSlip
from motcua.dossiers.permissions import DOSSIER_STAFF_ROLES
from motcua.dossiers.slips import pdf
from motcua.dossiers.slips.forms import NUMBER_SUFFIX, SLIP_LANGUAGE, form_title, system_name
from motcua.dossiers.slips.pdf import field
from motcua.organizations.models import Unit
from motcua.worktime.calendar import TZ

# A printed book longer than this is refused (the Excel export has no such limit).
MAX_PDF_ROWS = 5000
# An Excel book longer than this is refused (a year of a busy provincial centre fits).
MAX_XLSX_ROWS = 500_000
MAX_PERIOD_DAYS = 366
# Column widths of the printed book (landscape A4, 262 mm between the margins); None takes the rest.
BOOK_WIDTHS = [w * mm if w else None for w in (10, 42, None, 26, 28, 26, 20, 20, 20, 20, 11)]


@dataclass(frozen=True, slots=True)
class BookRow:
    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    lead_agency: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    returned_at: dt.datetime | None
    delivery: str


def _check(*, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date) -> None:
    if not any(has_role(user, role, unit) for role in DOSSIER_STAFF_ROLES):
        raise PermissionDenied(
            _("Only the staff of %(unit)s can open its tracking book.") % {"unit": unit.name}
        )
    if date_to < date_from or (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise ApplicationError(
            _("Choose a period of at most one year whose end is not before its start."),
            code="invalid_period",
            fields={"date_to": _("At most 366 days after the start, and not before it.")},
        )


def _dossiers(*, user: Any, unit: Unit, sector: Sector | None, date_from: dt.date, date_to: dt.date) -> Any:
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    rows = Dossier.objects.visible_to(user).filter(
        receiving_unit=unit, received_at__gte=start, received_at__lt=end
    )
    if sector is not None:
        rows = rows.filter(procedure__sector=sector)
    return rows.order_by("received_at", "id")


def _delivery(dossier: Dossier) -> str:
    if dossier.result_returned_by:
        return str(Dossier.ReturnMethod(dossier.result_returned_by).label)
    return str(Dossier.ReturnMethod(dossier.return_method).label)


def book_rows(
    *, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, sector: Sector | None = None, limit: int
) -> Iterator[BookRow]:
    """The rows of the book, read in chunks; ApplicationError when there are more than `limit`."""
    _check(user=user, unit=unit, date_from=date_from, date_to=date_to)
    dossiers = _dossiers(user=user, unit=unit, sector=sector, date_from=date_from, date_to=date_to)
    if dossiers[limit : limit + 1].exists():
        raise ApplicationError(
            _("The book has more than %(limit)d dossiers for this period: choose a shorter period.")
            % {"limit": limit},
            code="too_many_rows",
        )
    columns = dossiers.select_related("procedure", "competent_unit").only(
        "code",
        "procedure__name",
        "applicant_name",
        "applicant_address",
        "applicant_phone",
        "competent_unit__name",
        "received_at",
        "appointment_at",
        "returned_at",
        "return_method",
        "result_returned_by",
    )
    for number, dossier in enumerate(columns.iterator(chunk_size=2000), start=1):
        yield BookRow(
            number=number,
            code=dossier.code or "",
            procedure=dossier.procedure.name,
            applicant=dossier.applicant_name,
            contact=", ".join(part for part in (dossier.applicant_address, dossier.applicant_phone) if part),
            lead_agency=dossier.competent_unit.name,
            received_at=dossier.received_at,
            appointment_at=dossier.appointment_at,
            returned_at=dossier.returned_at,
            delivery=_delivery(dossier),
        )


def _headings() -> list[str]:
    return [
        _("No."),
        _("Dossier code"),
        _("Name of the procedure"),
        _("Applicant"),
        _("Address, phone"),
        _("Lead agency"),
        _("Date the dossier was received"),
        _("Appointment"),
        _("Date the result was returned"),
        _("Way the result is received"),
        _("Recipient's signature"),
    ]


def _short(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment is not None else ""


def _subtitle(unit: Unit, sector: Sector | None, date_from: dt.date, date_to: dt.date) -> str:
    return _("%(unit)s; sector: %(sector)s; from %(start)s to %(end)s") % {
        "unit": unit.name,
        "sector": sector.name if sector is not None else _("all sectors"),
        "start": date_from.strftime("%d/%m/%Y"),
        "end": date_to.strftime("%d/%m/%Y"),
    }


def tracking_book_pdf(
    *,
    user: Any,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    sector: Sector | None = None,
    at: dt.datetime | None = None,
) -> bytes:
    """The book as a PDF (landscape A4), at most MAX_PDF_ROWS rows."""
    with override(SLIP_LANGUAGE):
        rows = list(
            book_rows(
                user=user, unit=unit, date_from=date_from, date_to=date_to, sector=sector, limit=MAX_PDF_ROWS
            )
        )
        number = _("No. %(number)s/%(suffix)s") % {
            "number": date_from.year,
            "suffix": NUMBER_SUFFIX[DossierSlip.Form.TRACKING_BOOK],
        }
        story: list[Flowable] = pdf.header(
            unit=unit, number=number, issued_at=at or timezone.now(), qr_payload=None
        )
        story += pdf.title(
            form_title(DossierSlip.Form.TRACKING_BOOK), _subtitle(unit, sector, date_from, date_to)
        )
        table_rows = [
            [
                str(row.number),
                row.code,
                row.procedure,
                row.applicant,
                row.contact,
                row.lead_agency,
                _short(row.received_at),
                _short(row.appointment_at),
                _short(row.returned_at),
                row.delivery,
                "",
            ]
            for row in rows
        ]
        story.append(
            pdf.grid(
                _headings(),
                table_rows or [["", _("(no dossier received in this period)"), *[""] * 9]],
                BOOK_WIDTHS,
                small=True,
            )
        )
        story += [Spacer(1, 2 * mm), field(_("Dossiers in the book"), len(rows))]
        return pdf.render(
            story,
            title_text=form_title(DossierSlip.Form.TRACKING_BOOK),
            subject=unit.name,
            author=system_name(),
            wide=True,
        )


def tracking_book_xlsx(
    *, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, sector: Sector | None = None
) -> bytes:
    """The book as an Excel workbook (one sheet, dates as Excel dates in local time)."""
    with override(SLIP_LANGUAGE):
        out = io.BytesIO()
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
        sheet = workbook.add_worksheet(_("Tracking book")[:31])
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
        title = workbook.add_format({"bold": True, "font_size": 13})
        moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        sheet.write(0, 0, form_title(DossierSlip.Form.TRACKING_BOOK).upper(), title)
        sheet.write(1, 0, _subtitle(unit, sector, date_from, date_to))
        for column, heading in enumerate(_headings()):
            sheet.write(3, column, heading, bold)
        widths = [6, 28, 50, 28, 36, 30, 17, 17, 17, 20, 16]
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        row_index = 4
        for row in book_rows(
            user=user, unit=unit, date_from=date_from, date_to=date_to, sector=sector, limit=MAX_XLSX_ROWS
        ):
            values: list[Any] = [
                row.number,
                row.code,
                row.procedure,
                row.applicant,
                row.contact,
                row.lead_agency,
            ]
            for column, value in enumerate(values):
                sheet.write(row_index, column, value)
            for column, when in enumerate((row.received_at, row.appointment_at, row.returned_at), start=6):
                if when is not None:
                    sheet.write_datetime(
                        row_index, column, timezone.localtime(when).replace(tzinfo=None), moment
                    )
            sheet.write(row_index, 9, row.delivery)
            row_index += 1
        workbook.close()
        return out.getvalue()
