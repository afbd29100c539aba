"""Slips through the API: the list of what was issued with a download link each, the latest or a given
event's slip of a form, and Form 07 (a unit's tracking book) as PDF or Excel for the unit's staff."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.tests.api_support import BASE, Api, province_supervisor
from motcua.dossiers.tests.helpers import ITEMS, REASON, World, at, counter_received, pdf

pytestmark = pytest.mark.django_db


def issue(dossier: Dossier, kind: str, form: str, text: str) -> DossierSlip:
    """A slip as the slips consumer stores it after commit (the in-process tests do not commit)."""
    event = DossierEvent.objects.filter(dossier=dossier, kind=kind).order_by("-sequence").first()
    return DossierSlip.objects.create(dossier=dossier, event=event, form=form, file=pdf(text))


@pytest.fixture
def dossier(world: World, procedure: Procedure) -> Dossier:
    """Received at the counter (Form 01), then asked for a supplement in processing (Form 02)."""
    received = counter_received(world, procedure, when=at(7, 9))
    services.dossier_ask_supplement(
        dossier=received, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
    )
    issue(received, "received", "01", "phieu 01")
    issue(received, "supplement_requested", "02", "phieu 02")
    return received


def test_the_list_names_each_slip_with_its_link(world: World, dossier: Dossier) -> None:
    answer = Api(world.intake_a).get(f"{BASE}/{dossier.public_id}/slips")

    assert answer.status == 200
    assert [(slip["form"], slip["form_label"], slip["event"], slip["url"]) for slip in answer.body] == [
        (
            "01",
            "Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            3,
            f"{BASE}/{dossier.public_id}/slips/01?event=3",
        ),
        (
            "02",
            "Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            4,
            f"{BASE}/{dossier.public_id}/slips/02?event=4",
        ),
    ]


def test_a_slip_downloads_as_a_pdf_attachment(world: World, dossier: Dossier) -> None:
    stranger = Api(world.citizen).get(f"{BASE}/{dossier.public_id}/slips/02?event=4")  # a walk-in's dossier

    assert (stranger.status, stranger.code) == (404, "dossier_not_found")
    officer = Api(world.intake_a).get(f"{BASE}/{dossier.public_id}/slips/02?event=4")
    assert (officer.status, officer.headers["content-type"], officer.content) == (
        200,
        "application/pdf",
        b"%PDF-1.4\nphieu 02\n%%EOF\n",
    )
    assert (
        officer.headers["content-disposition"] == 'attachment; filename="mau-02-H15.50.05.13-261207-0001.pdf"'
    )


def test_a_slip_of_another_event_is_not_there(world: World, dossier: Dossier) -> None:
    answer = Api(world.intake_a).get(f"{BASE}/{dossier.public_id}/slips/02", {"event": 3})

    assert (answer.status, answer.code) == (404, "slip_not_found")


BOOK = f"{BASE}/tracking-book"


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("citizen", 403), ("intake_b", 403), ("intake_a", 200), ("supervisor", 200)],
)
@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_the_tracking_book_is_for_the_units_staff(
    world: World, dossier: Dossier, who: str, status: int, kind: str
) -> None:
    user = {"anonymous": None, "supervisor": province_supervisor(world)}.get(who, getattr(world, who, None))
    params = {"unit": world.centre_a.pk, "date_from": "2026-12-01", "date_to": "2026-12-31", "format": kind}

    answer = Api(user).get(BOOK, params)

    assert answer.status == status
    if status == 200:
        expected = (
            "application/pdf"
            if kind == "pdf"
            else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
        assert answer.headers["content-type"] == expected
        assert answer.content[:4] == (b"%PDF" if kind == "pdf" else b"PK\x03\x04")
        assert answer.headers["content-disposition"] == (
            f'attachment; filename="so-theo-doi-{world.centre_a.pk}-20261201-20261231.{kind}"'
        )


@pytest.mark.parametrize(
    ("params", "status", "fields"),
    [
        ({"date_from": "2026-12-31", "date_to": "2026-12-01"}, 400, ["date_to"]),
        ({"date_from": "2025-01-01", "date_to": "2026-12-31"}, 400, ["date_to"]),
        ({"sector": "KHONG-CO"}, 422, ["sector"]),
        ({"unit": 999_999}, 422, ["unit"]),
        ({"format": "docx"}, 422, ["format"]),
    ],
)
def test_bad_tracking_book_requests(
    world: World, dossier: Dossier, params: dict[str, Any], status: int, fields: list[str]
) -> None:
    query = {"unit": world.centre_a.pk, "date_from": "2026-12-01", "date_to": "2026-12-31", **params}

    answer = Api(world.intake_a).get(BOOK, query)

    assert (answer.status, list(answer.body["fields"])) == (status, fields)
