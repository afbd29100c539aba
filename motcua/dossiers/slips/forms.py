"""The slips of TT 03/2025/TT-VPCP, Phụ lục I (LEGAL.md §1.12), rendered as PDF in Vietnamese.

One function per form, each reading the dossier and the event the slip records (never the request):
01 receipt and appointment, 02 supplement request (also for an intake note without a dossier), 03 refusal,
04 apology and new appointment, 05 stop notice, 06 process-control sheet (from the steps). Form 07, the
tracking book, is a list per unit and sector: `tracking_book.py`.

Values are those of the event (the appointment on Form 01 is the one given at receipt, even after an
apology), so that rendering a slip again gives the same document.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from motcua.catalog.models import TimeLimitUnit
from motcua.catalog.selectors import time_limit_of
from motcua.dossiers.deadlines import CATALOG_CHANNEL, timeliness
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierSlip,
    DossierStep,
    IntakeNote,
)
from motcua.dossiers.slips import pdf
from motcua.dossiers.slips.pdf import escape, field, para, text
from motcua.dossiers.slips.qr import SlipPayload, verification_url
from motcua.organizations.models import Unit

Form = DossierSlip.Form
Kind = DossierEvent.Kind
# The language of the slips: they are Vietnamese administrative documents.
SLIP_LANGUAGE = "vi"


def form_title(form: str) -> str:
    """The official title of a form (TT 03/2025, Phụ lục I)."""
    return {
        Form.RECEIPT: _("Receipt of the dossier and appointment to return the result"),
        Form.SUPPLEMENT: _("Request to supplement and complete the dossier"),
        Form.REFUSAL: _("Refusal to receive the dossier"),
        Form.APOLOGY: _("Apology and request to extend the time for settling the dossier"),
        Form.STOP: _("Notice of stopping the settlement of the dossier"),
        Form.CONTROL_SHEET: _("Dossier settlement process control sheet"),
        Form.TRACKING_BOOK: _("Dossier tracking book"),
    }[Form(form)]


# The number suffixes of the forms (LEGAL.md §1.12).
NUMBER_SUFFIX = {
    Form.SUPPLEMENT: "PBS",
    Form.REFUSAL: "PTC",
    Form.APOLOGY: "PXL",
    Form.STOP: "TBD",
    Form.CONTROL_SHEET: "PKS",
    Form.TRACKING_BOOK: "STD",
}


def system_name() -> str:
    return _("Administrative procedure settlement information system")


def receipt_suffix(unit: Unit) -> str:
    """Form 01 is numbered …/TTPVHCC at a public-service centre, …/BPTNTKQ at another one-stop counter."""
    if unit.kind in {Unit.Kind.SERVICE_CENTER, Unit.Kind.RECEPTION_POINT}:
        return "TTPVHCC"
    return "BPTNTKQ"


def _moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def _applicant_lines(dossier: Dossier) -> list[Flowable]:
    is_org = dossier.applicant_kind == Dossier.ApplicantKind.ORGANIZATION
    lines = [
        field(_("Organisation") if is_org else _("Mr/Ms"), dossier.applicant_name),
        field(
            _("Tax code") if is_org else _("Personal identification number"),
            dossier.applicant_identifier,
        ),
        field(_("Address"), dossier.applicant_address),
        field(_("Phone"), dossier.applicant_phone),
        field(_("E-mail"), dossier.applicant_email),
    ]
    representative = dossier.representative or {}
    if representative.get("name"):
        lines += [
            para(f"<b>{escape(_('Authorised person'))}:</b> {text(representative.get('name'))}"),
            field(_("Personal identification number"), representative.get("identifier")),
            field(_("Address"), representative.get("address")),
            field(_("Phone"), representative.get("phone")),
            field(_("E-mail"), representative.get("email")),
            field(_("Authorisation document"), representative.get("authorisation")),
        ]
    return lines


def _payload(
    dossier: Dossier | None,
    *,
    form: str,
    issued_at: datetime,
    procedure_code: str,
    appointment_at: datetime | None = None,
) -> str:
    return SlipPayload(
        dossier_code=dossier.code if dossier is not None else None,
        procedure_code=procedure_code,
        applicant_identifier=dossier.applicant_identifier if dossier is not None else "",
        document_name=form_title(form),
        system_name=system_name(),
        issued_at=issued_at,
        appointment_at=appointment_at,
    ).encode()


def procedure_code(dossier: Dossier) -> str:
    """The TTHC code of the QR payload: the national code, else the local one."""
    return dossier.procedure.national_code or dossier.procedure.code


def _finish(story: list[Flowable], *, form: str, dossier_code: str | None) -> bytes:
    return pdf.render(
        story,
        title_text=form_title(form),
        subject=dossier_code or "",
        author=system_name(),
        wide=form == Form.TRACKING_BOOK,
    )


def _provenance(component: DossierComponent) -> str:
    return {
        DossierComponent.Provenance.DIGITISED_AT_INTAKE: _("paper, digitised at intake"),
        DossierComponent.Provenance.UPLOADED: _("electronic copy"),
        DossierComponent.Provenance.REUSED: _("reused from data already held"),
    }[DossierComponent.Provenance(component.provenance)]


# --- Form 01 ---------------------------------------------------------------------------------------------


def render_receipt(dossier: Dossier, event: DossierEvent) -> bytes:
    """Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: with the code, the appointment and the lookup
    secret (TT 03/2025; LEGAL.md §1.12)."""
    received_at = _moment(event.data.get("received_at")) or event.at
    appointment = _moment(event.data.get("appointment_at")) or dossier.appointment_at
    unit = dossier.receiving_unit
    version = dossier.procedure_version
    number = _("No. %(number)s/%(suffix)s") % {
        "number": dossier.code_sequence or event.pk,
        "suffix": receipt_suffix(unit),
    }
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=received_at,
        qr_payload=_payload(
            dossier,
            form=Form.RECEIPT,
            issued_at=received_at,
            procedure_code=procedure_code(dossier),
            appointment_at=appointment,
        ),
    )
    story += pdf.title(form_title(Form.RECEIPT), _("Dossier code: %(code)s") % {"code": dossier.code})
    story.append(para(escape(_("%(unit)s has received the dossier of:") % {"unit": unit.name})))
    story += _applicant_lines(dossier)
    story.append(field(_("Request to be settled"), dossier.procedure.name))
    components = [
        component
        for component in dossier.components.order_by("position")
        if component.added_at <= received_at
    ]
    story.append(para(f"<b>{escape(_('Components of the dossier and number of each document'))}:</b>"))
    story.append(
        pdf.grid(
            [_("No."), _("Name of the document"), _("Form"), _("Quantity")],
            [
                [str(index), component.name, _provenance(component), "1"]
                for index, component in enumerate(components, start=1)
            ]
            or [["", _("(none)"), "", ""]],
            [12 * mm, None, 45 * mm, 20 * mm],
        )
    )
    story.append(Spacer(1, 2 * mm))
    if version is not None:
        story.append(field(_("Number of dossier sets"), version.dossier_sets))
        amount, unit_of_time = time_limit_of(version, CATALOG_CHANNEL.get(dossier.channel))
        story.append(
            field(
                _("Time limit for settling the dossier under the law"),
                f"{_format_amount(amount)} {TimeLimitUnit(unit_of_time).label}",
            )
        )
    story.append(field(_("Time of receipt"), pdf.hour_and_date(received_at)))
    story.append(field(_("Time the result will be returned"), pdf.hour_and_date(appointment)))
    story.append(field(_("Result to be collected"), _return_place(dossier)))
    story.append(
        field(
            _("Entered in the tracking book"),
            _("volume %(volume)s, number %(number)s")
            % {
                "volume": timezone.localtime(received_at).year,
                "number": dossier.code_sequence or "…",
            },
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        para(
            escape(
                _(
                    "To follow the dossier, open %(url)s and give the dossier code and the lookup secret "
                    "%(secret)s (keep this secret: with the code it shows the dossier's status)."
                )
                % {"url": verification_url(dossier.code), "secret": dossier.lookup_secret}
            ),
            "left",
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures(
            [
                (_("Applicant"), _("(sign and write the full name)"), ""),
                (
                    _("Receiving officer"),
                    _("(sign and write the full name; digital signature for an electronic slip)"),
                    _person(event.actor),
                ),
            ]
        )
    )
    return _finish(story, form=Form.RECEIPT, dossier_code=dossier.code)


def _format_amount(amount: Decimal | Any) -> str:
    value = Decimal(str(amount))
    return number_format(value.normalize() if value == value.to_integral() else value)


def _return_place(dossier: Dossier) -> str:
    method = Dossier.ReturnMethod(dossier.return_method)
    if method in {Dossier.ReturnMethod.COUNTER, Dossier.ReturnMethod.AUTHORISED}:
        return f"{method.label}: {dossier.receiving_unit.name}"
    if method == Dossier.ReturnMethod.POST:
        return f"{method.label}: {dossier.applicant_address or '…'}"
    return str(method.label)


# --- Form 02 ---------------------------------------------------------------------------------------------


def _supplement_body(
    *, applicant: str, procedure: str, items: list[str], reason: str, dossier: Dossier | None
) -> list[Flowable]:
    story: list[Flowable] = []
    if dossier is not None:
        story += _applicant_lines(dossier)
    else:
        story.append(field(_("Mr/Ms"), applicant))
    story.append(field(_("Request to be settled"), procedure))
    story.append(
        para(
            escape(
                _("After examining the dossier, we ask you to supplement and complete it with the following:")
            )
        )
    )
    for index, item in enumerate(items, start=1):
        story.append(para(f"{index}. {text(item)}"))
    if reason:
        story.append(field(_("Reason"), reason))
    return story


def render_supplement(dossier: Dossier, event: DossierEvent) -> bytes:
    """Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the items and the reason, given once and in full
    (LEGAL.md §1.3, §1.6), signed by the guiding officer."""
    unit = (
        dossier.receiving_unit
        if event.kind == Kind.SUPPLEMENT_REQUESTED_AT_INTAKE
        else dossier.competent_unit
    )
    number = _("No. %(number)s/%(suffix)s") % {"number": event.pk, "suffix": NUMBER_SUFFIX[Form.SUPPLEMENT]}
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=event.at,
        qr_payload=_payload(
            dossier, form=Form.SUPPLEMENT, issued_at=event.at, procedure_code=procedure_code(dossier)
        ),
    )
    subtitle = _("Dossier code: %(code)s") % {"code": dossier.code} if dossier.code else ""
    story += pdf.title(form_title(Form.SUPPLEMENT), subtitle)
    story += _supplement_body(
        applicant=dossier.applicant_name,
        procedure=dossier.procedure.name,
        items=[str(item) for item in event.data.get("items", [])],
        reason=str(event.data.get("reason", "")),
        dossier=dossier,
    )
    story.append(_contact(event.actor, unit))
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures([(_("Guiding officer"), _("(sign and write the full name)"), _person(event.actor))])
    )
    return _finish(story, form=Form.SUPPLEMENT, dossier_code=dossier.code)


def _contact(officer: Any, unit: Unit) -> Flowable:
    phone = getattr(officer, "phone", "") if officer is not None else ""
    return para(
        escape(
            _(
                "If anything is unclear while completing the dossier, contact %(name)s (%(unit)s), "
                "phone %(phone)s, for guidance."
            )
            % {"name": _person(officer) or "…", "unit": unit.name, "phone": phone or "…"}
        )
    )


def render_intake_note(note: IntakeNote) -> bytes:
    """Form 02 for guidance given at the counter without a dossier (LEGAL.md §1.11)."""
    unit = note.receiving_unit
    number = _("No. %(number)s/%(suffix)s") % {
        "number": f"HD{note.pk}",
        "suffix": NUMBER_SUFFIX[Form.SUPPLEMENT],
    }
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=note.recorded_at,
        qr_payload=_payload(
            None,
            form=Form.SUPPLEMENT,
            issued_at=note.recorded_at,
            procedure_code=note.procedure.national_code or note.procedure.code,
        ),
    )
    story += pdf.title(form_title(Form.SUPPLEMENT))
    story += _supplement_body(
        applicant=note.applicant_name,
        procedure=note.procedure.name,
        items=[str(item) for item in note.items],
        reason=note.note,
        dossier=None,
    )
    story.append(_contact(note.recorded_by, unit))
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures(
            [(_("Guiding officer"), _("(sign and write the full name)"), _person(note.recorded_by))]
        )
    )
    return _finish(story, form=Form.SUPPLEMENT, dossier_code=None)


# --- Form 03 ---------------------------------------------------------------------------------------------


def render_refusal(dossier: Dossier, event: DossierEvent) -> bytes:
    """Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reasons (LEGAL.md §1.3)."""
    unit = dossier.receiving_unit
    number = _("No. %(number)s/%(suffix)s") % {"number": event.pk, "suffix": NUMBER_SUFFIX[Form.REFUSAL]}
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=event.at,
        qr_payload=_payload(
            dossier, form=Form.REFUSAL, issued_at=event.at, procedure_code=procedure_code(dossier)
        ),
    )
    story += pdf.title(form_title(Form.REFUSAL))
    story.append(para(escape(_("%(unit)s has received the request of:") % {"unit": unit.name})))
    story += _applicant_lines(dossier)
    story.append(field(_("Dossier code (if any)"), dossier.code))
    story.append(field(_("Request to be settled"), dossier.procedure.name))
    story.append(
        para(
            escape(
                _(
                    "Under the rules in force, the dossier cannot be received for settlement, "
                    "for these reasons:"
                )
            )
        )
    )
    story.append(para(text(event.data.get("reason") or dossier.end_reason)))
    story.append(para(escape(_("We respectfully inform you."))))
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures([(_("Receiving officer"), _("(sign and write the full name)"), _person(event.actor))])
    )
    return _finish(story, form=Form.REFUSAL, dossier_code=dossier.code)


# --- Form 04 ---------------------------------------------------------------------------------------------


def render_apology(dossier: Dossier, event: DossierEvent) -> bytes:
    """Form 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: signed by the head of the competent
    agency, with the reason and the new appointment (once; LEGAL.md §1.8)."""
    unit = dossier.competent_unit
    previous = _moment(event.data.get("previous_appointment"))
    new = _moment(event.data.get("new_appointment")) or dossier.appointment_at
    number = _("No. %(number)s/%(suffix)s") % {"number": event.pk, "suffix": NUMBER_SUFFIX[Form.APOLOGY]}
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=event.at,
        qr_payload=_payload(
            dossier,
            form=Form.APOLOGY,
            issued_at=event.at,
            procedure_code=procedure_code(dossier),
            appointment_at=new,
        ),
    )
    story += pdf.title(form_title(Form.APOLOGY))
    story.append(para(f"<b>{escape(_('To'))}:</b> {text(dossier.applicant_name)}", "center"))
    story.append(Spacer(1, 3 * mm))
    story.append(
        para(
            escape(
                _(
                    "On %(received)s, %(receiving)s received the dossier of %(applicant)s "
                    "(identification number %(identifier)s), dossier code %(code)s, for the procedure "
                    "“%(procedure)s”; the result was due on %(previous)s."
                )
                % {
                    "received": pdf.hour_and_date(dossier.received_at),
                    "receiving": dossier.receiving_unit.name,
                    "applicant": dossier.applicant_name,
                    "identifier": dossier.applicant_identifier or "…",
                    "code": dossier.code,
                    "procedure": dossier.procedure.name,
                    "previous": pdf.hour_and_date(previous),
                }
            )
        )
    )
    story.append(
        para(
            escape(
                _("So far %(unit)s has not been able to settle the dossier. Reason:") % {"unit": unit.name}
            )
        )
    )
    story.append(para(text(event.data.get("reason"))))
    story.append(
        para(
            escape(
                _(
                    "We apologise for the inconvenience this delay causes you. "
                    "%(unit)s will return the result on %(new)s."
                )
                % {"unit": unit.name, "new": pdf.hour_and_date(new)}
            )
        )
    )
    story.append(para(escape(_("Thank you sincerely."))))
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures(
            [(_("Head of the agency"), _("(sign, write the full name and seal)"), _person(event.actor))]
        )
    )
    return _finish(story, form=Form.APOLOGY, dossier_code=dossier.code)


# --- Form 05 ---------------------------------------------------------------------------------------------


def render_stop(dossier: Dossier, event: DossierEvent) -> bytes:
    """Form 05, Thông báo dừng giải quyết hồ sơ: the dossier code, the procedure, the applicant and the
    reason; the dossier is returned (ND 118/2025 art. 21, TT 03/2025 art. 7; LEGAL.md §1.9)."""
    unit = dossier.receiving_unit
    number = _("No. %(number)s/%(suffix)s") % {"number": event.pk, "suffix": NUMBER_SUFFIX[Form.STOP]}
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=event.at,
        qr_payload=_payload(
            dossier, form=Form.STOP, issued_at=event.at, procedure_code=procedure_code(dossier)
        ),
    )
    story += pdf.title(form_title(Form.STOP))
    story.append(para(f"<b>{escape(_('To'))}:</b> {text(dossier.applicant_name)}", "center"))
    story.append(Spacer(1, 3 * mm))
    story += _applicant_lines(dossier)
    story.append(field(_("Dossier code"), dossier.code))
    story.append(field(_("Name of the procedure"), dossier.procedure.name))
    story.append(field(_("Received on"), pdf.hour_and_date(dossier.received_at or dossier.submitted_at)))
    wording = (
        _("At your request to withdraw the dossier, %(unit)s stops its settlement.")
        if event.kind == Kind.WITHDRAWN
        else _("At your request, %(unit)s stops the settlement of the dossier.")
    )
    story.append(para(escape(wording % {"unit": unit.name})))
    story.append(field(_("Reason"), event.data.get("reason") or dossier.end_reason))
    story.append(para(escape(_("The dossier is returned to you at %(unit)s.") % {"unit": unit.name})))
    story.append(Spacer(1, 4 * mm))
    story.append(
        pdf.signatures([(_("Receiving officer"), _("(sign and write the full name)"), _person(event.actor))])
    )
    return _finish(story, form=Form.STOP, dossier_code=dossier.code)


# --- Form 06 ---------------------------------------------------------------------------------------------


TIMELINESS_LABEL: dict[str, Callable[[], str]] = {
    DossierStep.Timeliness.EARLY: lambda: _("Early"),
    DossierStep.Timeliness.ON_TIME: lambda: _("On time"),
    DossierStep.Timeliness.LATE: lambda: _("Late"),
}


def _holder(unit: Unit, person: Any) -> str:
    return f"{unit.name} ({person})" if person is not None else unit.name


def control_sheet_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """Form 06's rows: each handover (giao → nhận) with its moment and its result against the budget of
    the step that handed over: early (finished on a day before the due day), on time or late
    (`deadlines.timeliness`). The first row is the receipt, the last the return of the result."""
    rows: list[dict[str, Any]] = []
    if dossier.received_at is not None:
        rows.append(
            {
                "from": dossier.applicant_name,
                "to": _holder(dossier.receiving_unit, dossier.received_by),
                "at": dossier.received_at,
                "result": "",
                "note": _("Dossier received (%(channel)s)") % {"channel": dossier.get_channel_display()},
            }
        )
    visits = list(dossier.steps.select_related("unit", "assignee", "finished_by").order_by("sequence"))
    for visit in visits:
        if visit.finished_at is None:
            continue
        result = TIMELINESS_LABEL[timeliness(finished_at=visit.finished_at, due_at=visit.due_at)]()
        following = [
            other
            for other in visits
            if other.sequence > visit.sequence and other.started_at == visit.finished_at
        ]
        outcome = DossierStep.Outcome(visit.outcome)
        if outcome == DossierStep.Outcome.RETURNED:
            receiver = dossier.applicant_name
        elif following:
            receiver = "; ".join(_holder(other.unit, other.assignee) for other in following)
        else:
            receiver = str(outcome.label)
        note = visit.name if not visit.note else f"{visit.name}: {visit.note}"
        rows.append(
            {
                "from": _holder(visit.unit, visit.finished_by),
                "to": receiver,
                "at": visit.finished_at,
                "result": result,
                "note": note,
            }
        )
    if dossier.returned_at is not None and not any(
        visit.outcome == DossierStep.Outcome.RETURNED for visit in visits
    ):
        rows.append(
            {
                "from": dossier.receiving_unit.name,
                "to": dossier.applicant_name,
                "at": dossier.returned_at,
                "result": TIMELINESS_LABEL[
                    timeliness(finished_at=dossier.resolved_at or dossier.returned_at, due_at=dossier.due_at)
                ](),
                "note": _("Result returned (%(method)s)")
                % {"method": dossier.get_result_returned_by_display()},
            }
        )
    return rows


def render_control_sheet(dossier: Dossier, issued_at: datetime) -> bytes:
    """Form 06, Phiếu kiểm soát quá trình giải quyết hồ sơ: a rendering of the steps, not a record of its
    own (DESIGN.md); generated by the system (LEGAL.md §1.5, §1.12)."""
    unit = dossier.receiving_unit
    number = _("No. %(number)s/%(suffix)s") % {
        "number": dossier.code or dossier.public_id,
        "suffix": NUMBER_SUFFIX[Form.CONTROL_SHEET],
    }
    story = pdf.header(
        unit=unit,
        number=number,
        issued_at=issued_at,
        qr_payload=_payload(
            dossier,
            form=Form.CONTROL_SHEET,
            issued_at=issued_at,
            procedure_code=procedure_code(dossier),
            appointment_at=dossier.appointment_at,
        ),
    )
    story += pdf.title(form_title(Form.CONTROL_SHEET))
    coordinating = ", ".join(u.name for u in dossier.coordinating_units.order_by("path"))
    story += [
        field(_("Dossier code"), dossier.code),
        field(_("Name of the procedure"), dossier.procedure.name),
        field(_("Applicant"), dossier.applicant_name),
        field(_("Lead agency"), dossier.competent_unit.name),
        field(_("Coordinating agencies"), coordinating or _("none")),
        field(_("Time of receipt"), pdf.hour_and_date(dossier.received_at)),
        field(_("Time the result will be returned"), pdf.hour_and_date(dossier.appointment_at)),
        Spacer(1, 2 * mm),
    ]
    rows = [
        [
            para(
                f"1. {escape(_('Handed over by'))}: {text(row['from'])}<br/>"
                f"2. {escape(_('Received by'))}: {text(row['to'])}",
                "cell",
            ),
            pdf.hour_and_date(row["at"]),
            row["result"],
            row["note"],
        ]
        for row in control_sheet_rows(dossier)
    ]
    story.append(
        pdf.grid(
            [
                _("Agencies handing over and receiving"),
                _("Time of handover"),
                _("Result of the settlement"),
                _("Note"),
            ],
            rows or [[_("(no handover yet)"), "", "", ""]],
            [None, 38 * mm, 24 * mm, 45 * mm],
        )
    )
    return _finish(story, form=Form.CONTROL_SHEET, dossier_code=dossier.code)


RENDERERS: dict[str, Callable[[Dossier, DossierEvent], bytes]] = {
    Form.RECEIPT: render_receipt,
    Form.SUPPLEMENT: render_supplement,
    Form.REFUSAL: render_refusal,
    Form.APOLOGY: render_apology,
    Form.STOP: render_stop,
    Form.CONTROL_SHEET: lambda dossier, event: render_control_sheet(dossier, event.at),
}


def render_for_event(dossier: Dossier, event: DossierEvent, form: str) -> bytes:
    """The PDF of `form` recording `event`, in Vietnamese."""
    with override(SLIP_LANGUAGE):
        return RENDERERS[form](dossier, event)


def render_control_sheet_at(dossier: Dossier, at: datetime) -> bytes:
    """Form 06 as it stands at `at` (rendered on demand)."""
    with override(SLIP_LANGUAGE):
        return render_control_sheet(dossier, at)


def render_note(note: IntakeNote) -> bytes:
    with override(SLIP_LANGUAGE):
        return render_intake_note(note)
