"""Fixtures of the portal tests: the dossier world of `motcua.dossiers.tests.helpers`, a procedure that
accepts online dossiers with an e-form, a fee and three documents (one of a type the citizen keeps in their
data store), and real PDFs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from reportlab.pdfgen import canvas

from motcua.catalog.models import Fee, Procedure, RequiredDocument
from motcua.documents.tests.conftest import _demo_passphrase  # noqa: F401 (autouse: the demo passphrase)
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import ITEMS, REASON, World, build_world, make_procedure, online_draft
from motcua.worktime.calendar import TZ

CODE = "1.001193.000.00.00.H15"
BIRTH_NOTICE = "Giấy chứng sinh"
ID_CARD = "Căn cước công dân"
MARRIAGE = "Giấy chứng nhận kết hôn của cha mẹ"
DOCUMENT_FACTS: dict[str, dict[str, Any]] = {
    BIRTH_NOTICE: {"document_type": "GCS"},
    ID_CARD: {"document_type": "CCCD"},
    MARRIAGE: {"required": False, "condition": "Nếu cha mẹ đã đăng ký kết hôn"},
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["child_name", "birth_date", "father_phone"],
    "properties": {
        "child_name": {"type": "string", "title": "Họ, chữ đệm, tên của trẻ", "maxLength": 100},
        "birth_date": {"type": "string", "title": "Ngày sinh", "format": "date"},
        "father_phone": {
            "type": "string",
            "title": "Số điện thoại liên hệ",
            "pattern": "^0[0-9]{9}$",
            "description": "10 chữ số, bắt đầu bằng 0",
        },
    },
}


def portal_procedure(world: World) -> Procedure:
    """Birth registration, online, with an e-form, a 8 000 VND fee (online) and three documents."""
    create = RequiredDocument.objects.create

    def with_facts(**kwargs: Any) -> Any:
        if kwargs["position"] == 1:  # the version is still a draft: its fee can be added
            Fee.objects.create(
                version=kwargs["version"],
                position=1,
                kind="charge",
                name="Lệ phí",
                amount_vnd=8000,
                channel="online",
            )
        return create(**kwargs, **DOCUMENT_FACTS.get(kwargs["name"], {}))

    with mock.patch.object(RequiredDocument.objects, "create", side_effect=with_facts):
        procedure = make_procedure(
            world,
            code=CODE,
            documents=list(DOCUMENT_FACTS),
            eforms={"to-khai-khai-sinh": SCHEMA},
            amount=3,
            unit="working_days",
            convention="hours",
        )
    assert procedure.latest_version is not None
    assert procedure.latest_version.time_limit_amount == Decimal(3)
    return procedure


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def procedure(world: World) -> Procedure:
    return portal_procedure(world)


def pdf_bytes(text: str = "Giấy tờ", pages: int = 1) -> bytes:
    """A real PDF (pypdf opens it)."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pageCompression=0)
    for number in range(1, pages + 1):
        sheet.drawString(100, 700, f"{text} - trang {number}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def last_monday(hour: int, minute: int = 0) -> dt.datetime:
    """A moment on the Monday of last week (local time): actions the pages take now come after it."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return dt.datetime.combine(monday, dt.time(hour, minute), tzinfo=TZ)


def dossier_in_state(world: World, procedure: Procedure, status: str) -> Dossier:
    """An online dossier of `world.citizen` at commune A brought to `status` last Monday (the dossier
    helpers' `in_state`, a week ago instead of in December 2026)."""
    from motcua.dossiers import services

    dossier = online_draft(world, procedure, when=last_monday(8))
    if status == Dossier.Status.DRAFT:
        return dossier
    dossier = services.dossier_submit(dossier=dossier, actor=world.citizen, at=last_monday(8))
    if status == Dossier.Status.SUBMITTED:
        return dossier
    if status == Dossier.Status.SUPPLEMENT_AT_INTAKE:
        return services.dossier_ask_supplement_at_intake(
            dossier=dossier, actor=world.intake_a, items=ITEMS, reason=REASON, at=last_monday(9)
        )
    dossier = services.dossier_receive(dossier=dossier, actor=world.intake_a, at=last_monday(9))
    if status == Dossier.Status.PROCESSING:
        return dossier
    assert status == Dossier.Status.WAITING_SUPPLEMENT
    return services.dossier_ask_supplement(
        dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=last_monday(10)
    )
