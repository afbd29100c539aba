"""The demo's dossiers: one or more in every state, made through the services as the people would have made
them (called by `motcua demo` once the catalogue is loaded).

They are dated back from the moment the demo is loaded, in working time, so that the queues show work to
do now: online dossiers waiting for receipt (one near its 8-working-hour limit), dossiers on time, at risk
and late, one waiting for a supplement, one with an apology, results to hand over, and the ended ones
(refused, rejected, returned at the counter and electronically, stopped, withdrawn), plus a guidance note
given at the counter. Their slips are issued at once (the outbox would issue them after the commit; it
finds them issued). Every person and number is fictitious.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from motcua.accounts.models import User
from motcua.catalog import eforms
from motcua.catalog.models import DocumentKind, Procedure, ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.inputs import Applicant, ComponentInput
from motcua.dossiers.models import Dossier, DossierEvent, StoredFile
from motcua.dossiers.slips.services import slip_issue_for_event, slip_issue_for_intake_note
from motcua.dossiers.storage import PDF, store_file
from motcua.organizations.models import Unit
from motcua.worktime import Calendar
from motcua.worktime.selectors import calendar_for_unit

BIRTH = "1.001193.000.00.00.H44"  # đăng ký khai sinh: 1 working day
MARITAL = "1.004873.000.00.00.H44"  # xác nhận tình trạng hôn nhân: 3 working days
DEATH = "1.000656.000.00.00.H44"  # đăng ký khai tử: 1 working day
COPY = "2.000635.000.00.00.H44"  # bản sao trích lục hộ tịch (Sở Tư pháp or the commune)
DAY = 480  # working minutes in a working day
DEMO_CITIZENS = ("025085001234", "026192004567", "017201007890")  # Nguyễn Văn An, Trần Thị Bình, Hà Văn Cường

# What the e-forms ask that a profile does not say (by field name), all fictitious.
FORM_VALUES: dict[str, Any] = {
    "relationship": "Cha",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Trạm Y tế phường Vân Phú, tỉnh Phú Thọ",
    "hometown": "Phú Thọ",
    "date_of_birth": "2026-10-02",
    "birth_year": 1994,
    "sex": "Nữ",
    "status": "Chưa đăng ký kết hôn với ai",
    "purpose": "Đăng ký kết hôn",
    "copies": 1,
    "commitment": True,
    "date_of_death": "2026-10-20",
    "place_of_death": "Tổ 5, phường Vân Phú, tỉnh Phú Thọ",
    "cause_of_death": "Bệnh già",
}
NAMES = {
    "child": "Nguyễn Minh Khang",
    "mother": "Trần Thu Hà",
    "father": "Nguyễn Văn An",
    "person": "Hà Văn Cường",
}


def _value(name: str, prop: Mapping[str, Any], person: Applicant, group: str) -> Any:
    if "enum" in prop:
        preferred = FORM_VALUES.get(name)
        return preferred if preferred in prop["enum"] else prop["enum"][0]
    if name in FORM_VALUES and group != "requester":
        return FORM_VALUES[name]
    kind = prop.get("type")
    if kind == "boolean":
        return True
    if kind == "integer":
        return int(FORM_VALUES.get(name, 1))
    if prop.get("format") == "date":
        return str(FORM_VALUES.get(name, "2026-10-02"))
    if prop.get("format") == "email":
        return person.email or "nguoinop@example.vn"
    if name == "personal_id":
        return person.identifier if group == "requester" else "025194007777"
    if name == "phone":
        return person.phone or "0912000009"
    if name == "full_name":
        return person.name if group == "requester" else NAMES.get(group, "Lê Thị Mai")
    if name in {"residence", "address"}:
        return person.address or "Tổ 3, phường Vân Phú, tỉnh Phú Thọ"
    return str(prop.get("title", name))[:50]


def form_data(version: ProcedureVersion, person: Applicant) -> dict[str, Any]:
    """Answers for every e-form of the version, filled as the applicant would (checked: a demo that does
    not pass the version's own validation fails loudly)."""
    data: dict[str, Any] = {}
    for form in version.eforms.all():
        answers: dict[str, Any] = {}
        for name, prop in form.schema.get("properties", {}).items():
            if prop.get("type") == "object":
                answers[name] = {
                    inner: _value(inner, inner_prop, person, name)
                    for inner, inner_prop in prop.get("properties", {}).items()
                    if inner in prop.get("required", []) or inner_prop.get("x-prefill")
                }
            elif name in form.schema.get("required", []) or name in FORM_VALUES:
                answers[name] = _value(name, prop, person, "")
        problems = eforms.validate(form.schema, answers)
        if problems:
            raise RuntimeError(f"demo answers for {form.key} are not valid: {problems}")
        data[form.key] = answers
    return data


def _scan(title: str) -> StoredFile:
    """A one-page PDF standing for a scanned or uploaded paper."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle(title)
    page.drawString(72, 770, "Demo scan - motcua")
    page.drawString(72, 750, title.encode("ascii", "replace").decode())
    page.showPage()
    page.save()
    return store_file(content=out.getvalue(), filename="ban-scan.pdf", content_type=PDF)


def components(version: ProcedureVersion, *, provenance: str) -> list[ComponentInput]:
    """The documents the version always requires (not looked up in a national database), as files."""
    documents = version.documents.filter(
        kind=DocumentKind.SUBMIT, required=True, group="", lookup_database=""
    )
    return [
        ComponentInput(
            name=document.name,
            provenance=provenance,
            file=_scan(document.name[:60]),
            filename=f"giay-to-{document.position}.pdf",
            required_document=document,
        )
        for document in documents
    ]


@dataclass
class Cast:
    """The demo's people and places."""

    intake: User
    specialist: User
    leader: User
    intake_province: User
    specialist_province: User
    citizens: list[User]
    centre: Unit
    province_centre: Unit
    justice: Unit
    calendar: Calendar
    now: datetime

    def ago(self, minutes: float) -> datetime:
        """The moment `minutes` working minutes before now."""
        position = self.calendar.position(self.now) - int(minutes)
        return self.calendar.moment_at(max(1, position))


def _walk_in(name: str, identifier: str, phone: str) -> Applicant:
    return Applicant(
        name=name, identifier=identifier, address="Tổ 7, phường Vân Phú, tỉnh Phú Thọ", phone=phone
    )


class DemoDossiers:
    """Makes the demo dossiers through the services; `made` keeps them for the slips."""

    def __init__(self, cast: Cast, procedures: dict[str, Procedure]) -> None:
        self.cast, self.procedures = cast, procedures
        self.made: list[Dossier] = []

    def version(self, code: str) -> ProcedureVersion:
        version = self.procedures[code].latest_version
        assert version is not None
        return version

    def online(
        self, code: str, citizen: User, when: datetime, *, submit: bool = True, returns: str = "counter"
    ) -> Dossier:
        person = Applicant.from_user(citizen)
        dossier = services.dossier_create(
            actor=citizen,
            procedure=self.procedures[code],
            applicant=citizen,
            channel=Dossier.Channel.ONLINE,
            receiving_unit=self.cast.centre,
            form_data=form_data(self.version(code), person),
            components=components(self.version(code), provenance="uploaded"),
            return_method=returns,
            at=when,
        )
        if submit:
            dossier = services.dossier_submit(dossier=dossier, actor=citizen, at=when)
        self.made.append(dossier)
        return dossier

    def counter(self, code: str, person: Applicant, when: datetime, *, returns: str = "counter") -> Dossier:
        dossier = services.counter_intake(
            actor=self.cast.intake,
            procedure=self.procedures[code],
            applicant=person,
            receiving_unit=self.cast.centre,
            form_data=form_data(self.version(code), person),
            components=components(self.version(code), provenance="digitised_at_intake"),
            return_method=returns,
            at=when,
        )
        self.made.append(dossier)
        return dossier

    def make(self) -> int:
        cast = self.cast
        an, binh, cuong = cast.citizens
        walk_ins = [
            _walk_in("Phạm Văn Đức", "025089004411", "0912000011"),
            _walk_in("Lê Thị Hoa", "025192004422", "0912000012"),
            _walk_in("Đỗ Minh Tuấn", "026088004433", "0912000013"),
            _walk_in("Vũ Thị Ngọc", "017195004444", "0912000014"),
            _walk_in("Bùi Quang Hải", "025080004455", "0912000015"),
            _walk_in("Ngô Thị Lan", "025186004466", "0912000016"),
        ]
        # Online: a draft, one waiting for receipt, one near its 8-working-hour limit.
        self.online(MARITAL, an, cast.ago(20), submit=False)
        self.online(BIRTH, binh, cast.ago(90))
        self.online(DEATH, cuong, cast.ago(7 * 60))
        # At intake: a supplement requested, a refusal.
        asked = self.online(MARITAL, binh, cast.ago(DAY + 300))
        services.dossier_ask_supplement_at_intake(
            dossier=asked,
            actor=cast.intake,
            items=["Tờ khai có chữ ký của người yêu cầu"],
            reason="Tờ khai chưa có chữ ký",
            at=cast.ago(DAY + 240),
        )
        refused = self.online(BIRTH, cuong, cast.ago(2 * DAY))
        services.dossier_refuse_intake(
            dossier=refused,
            actor=cast.intake,
            reason="Trẻ đã được đăng ký khai sinh tại địa phương khác",
            at=cast.ago(2 * DAY - 60),
        )
        # In processing: on time, at risk, late, at the approval step, waiting for a supplement, apologised.
        self.counter(MARITAL, walk_ins[0], cast.ago(60))
        self.counter(MARITAL, walk_ins[1], cast.ago(int(1.5 * DAY)))
        self.counter(BIRTH, walk_ins[2], cast.ago(2 * DAY))
        forwarded = self.counter(MARITAL, walk_ins[3], cast.ago(DAY))
        services.dossier_forward(
            dossier=forwarded, actor=cast.specialist, assignee=cast.leader, at=cast.ago(DAY - 120)
        )
        waiting = self.online(DEATH, an, cast.ago(DAY + 120))
        waiting = services.dossier_receive(dossier=waiting, actor=cast.intake, at=cast.ago(DAY + 60))
        services.dossier_ask_supplement(
            dossier=waiting,
            actor=cast.specialist,
            items=["Giấy báo tử do cơ sở y tế cấp"],
            reason="Thiếu giấy báo tử",
            at=cast.ago(DAY),
        )
        late = self.counter(MARITAL, walk_ins[4], cast.ago(3 * DAY))
        services.dossier_apologize(
            dossier=late,
            actor=cast.leader,
            reason="Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây",
            new_appointment=cast.ago(-2 * DAY),
            at=cast.ago(2 * DAY),
        )
        # Ended: rejected, resolved (to hand over), returned at the counter and electronically, stopped,
        # withdrawn.
        rejected = self.counter(MARITAL, walk_ins[5], cast.ago(3 * DAY))
        services.dossier_reject(
            dossier=services.dossier_forward(
                dossier=rejected, actor=cast.specialist, at=cast.ago(3 * DAY - 240)
            ),
            actor=cast.leader,
            reason="Người yêu cầu đang có vợ theo dữ liệu hộ tịch",
            at=cast.ago(2 * DAY),
        )
        self.approved(self.online(BIRTH, an, cast.ago(DAY + 200)), DAY + 100, DAY)
        returned = self.approved(self.online(BIRTH, binh, cast.ago(4 * DAY)), 4 * DAY - 60, 4 * DAY - 200)
        services.dossier_return_result(
            dossier=returned, actor=cast.intake, method="counter", at=cast.ago(3 * DAY)
        )
        self.approved(
            self.online(MARITAL, cuong, cast.ago(5 * DAY), returns="electronic"), 5 * DAY - 60, 4 * DAY
        )
        stopped = self.counter(
            BIRTH, _walk_in("Hoàng Văn Sơn", "025090004477", "0912000017"), cast.ago(DAY + 30)
        )
        services.dossier_stop(
            dossier=stopped,
            actor=cast.intake,
            reason="Người nộp đề nghị dừng để bổ sung giấy tờ",
            at=cast.ago(DAY),
        )
        withdrawn = self.online(DEATH, binh, cast.ago(150))
        services.dossier_withdraw(
            dossier=withdrawn, actor=binh, reason="Đã nộp hồ sơ tại Ủy ban nhân dân xã khác", at=cast.ago(100)
        )
        # A postal dossier, and a provincial one received at the provincial centre for the Sở Tư pháp.
        postal = services.dossier_create(
            actor=cast.intake,
            procedure=self.procedures[MARITAL],
            applicant=_walk_in("Trịnh Thị Yến", "025193004488", "0912000018"),
            channel=Dossier.Channel.POSTAL,
            receiving_unit=cast.centre,
            form_data=form_data(
                self.version(MARITAL), _walk_in("Trịnh Thị Yến", "025193004488", "0912000018")
            ),
            components=components(self.version(MARITAL), provenance="digitised_at_intake"),
            return_method="post",
            postmarked_at=cast.ago(2 * DAY),
            at=cast.ago(DAY),
        )
        postal = services.dossier_submit(dossier=postal, actor=cast.intake, at=cast.ago(DAY))
        self.made.append(services.dossier_receive(dossier=postal, actor=cast.intake, at=cast.ago(DAY - 30)))
        provincial = services.counter_intake(
            actor=cast.intake_province,
            procedure=self.procedures[COPY],
            applicant=Applicant.from_user(an),
            receiving_unit=cast.province_centre,
            competent_unit=cast.justice,
            form_data=form_data(self.version(COPY), Applicant.from_user(an)),
            components=components(self.version(COPY), provenance="digitised_at_intake"),
            return_method="counter",
            at=cast.ago(45),
        )
        self.made.append(provincial)
        # Guidance at the counter to a walk-in whose papers are incomplete (Form 02 without a dossier).
        note = services.intake_guidance_record(
            actor=cast.intake,
            receiving_unit=cast.centre,
            procedure=self.procedures[BIRTH],
            applicant_name="Đinh Thị Thảo",
            items=["Giấy chứng sinh bản chính", "Giấy tờ tùy thân của người đi khai sinh"],
            note="Mang đủ giấy tờ bản chính để đối chiếu",
            at=cast.ago(30),
        )
        slip_issue_for_intake_note(note=note)
        for dossier in self.made:
            for event in DossierEvent.objects.filter(dossier=dossier).order_by("sequence"):
                slip_issue_for_event(event=event)
        return len(self.made)

    def approved(self, dossier: Dossier, received: float, approved: float) -> Dossier:
        cast = self.cast
        dossier = services.dossier_receive(dossier=dossier, actor=cast.intake, at=cast.ago(received))
        dossier = services.dossier_forward(
            dossier=dossier, actor=cast.specialist, at=cast.ago((received + approved) / 2)
        )
        return services.dossier_approve(
            dossier=dossier, actor=cast.leader, result_note="Đã cấp kết quả", at=cast.ago(approved)
        )


def load_demo_dossiers(*, units: Mapping[str, Unit], now: datetime | None = None) -> int:
    """Create the demo dossiers (the demo's staff and applicants must exist). Returns how many."""
    users = {user.username: user for user in User.objects.filter(kind=User.Kind.STAFF)}
    # The demo's citizens (motcua/demo/data.py, APPLICANTS), signed in by their personal ID number.
    citizens = {user.personal_id: user for user in User.objects.filter(personal_id__in=DEMO_CITIZENS)}
    cast = Cast(
        intake=users["tiepnhan.xa.vanphu"],
        specialist=users["chuyenvien.xa.vanphu"],
        leader=users["lanhdao.xa.vanphu"],
        intake_province=users["tiepnhan.tinh"],
        specialist_province=users["chuyenvien.tuphap"],
        citizens=[citizens[identifier] for identifier in DEMO_CITIZENS],
        centre=units["ttpvhcc.vanphu"],
        province_centre=units["ttpvhcc.tinh"],
        justice=units["tuphap"],
        calendar=calendar_for_unit(unit=units["vanphu"]),
        now=now or timezone.now(),
    )
    procedures = {
        procedure.code: procedure
        for procedure in Procedure.objects.filter(code__in=[BIRTH, MARITAL, DEATH, COPY])
    }
    return DemoDossiers(cast, procedures).make()
