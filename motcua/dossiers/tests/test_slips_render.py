"""Slips rendered again on demand, the QR payload, the fonts, and the tracking book (Form 07)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import segno
from django.contrib.auth.models import AnonymousUser
from reportlab.pdfbase.ttfonts import TTFont

from motcua.catalog.models import Sector
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import DossierSlip
from motcua.dossiers.slips import qr
from motcua.dossiers.slips.pdf import FONTS_DIR
from motcua.dossiers.slips.selectors import dossier_slip_get, dossier_slips
from motcua.dossiers.slips.services import slip_filename, slip_render
from motcua.dossiers.slips.tracking_book import MAX_PDF_ROWS, tracking_book_pdf, tracking_book_xlsx
from motcua.dossiers.tests.edges_helpers import one, pdf_qr_codes, pdf_text, slip_bytes, slips_of
from motcua.dossiers.tests.helpers import World, at, counter_received, make_procedure, online_submitted
from motcua.worktime.calendar import TZ

pytestmark = pytest.mark.django_db

VIETNAMESE = (
    "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĂÂĐÊÔƠƯăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)


@pytest.mark.parametrize("font", ["DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"])
def test_the_vendored_fonts_have_every_vietnamese_letter(font: str) -> None:
    face = TTFont("check", str(FONTS_DIR / font)).face

    assert [letter for letter in VIETNAMESE if ord(letter) not in face.charToGlyph] == []
    assert (FONTS_DIR / "LICENSE").read_text().startswith("Fonts are (c) Bitstream")


def test_the_payload_round_trips_and_the_qr_matrix_is_segnos() -> None:
    payload = qr.SlipPayload(
        dossier_code="H15.50.05.13-261207-0001",
        procedure_code="1.001193",
        applicant_identifier="025085001234",
        document_name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        system_name="Hệ thống thông tin giải quyết thủ tục hành chính",
        issued_at=dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC),
        appointment_at=dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ),
    )
    text = payload.encode()

    assert qr.decode(text) == {
        "MaHoSo": "H15.50.05.13-261207-0001",
        "MaTTHC": "1.001193",
        "SoDinhDanh": "025085001234",
        "TenGiayTo": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "HeThong": "Hệ thống thông tin giải quyết thủ tục hành chính",
        "ThoiGian": "2026-12-07T09:00:00+07:00",
        "NgayHenTra": "2026-12-08T09:00:00+07:00",
        "XacMinh": "http://127.0.0.1:8000/tra-cuu?code=H15.50.05.13-261207-0001",
    }
    assert (
        qr.make_qr(text).matrix
        == segno.make(text, error="m", encoding="utf-8", eci=True, boost_error=False).matrix
    )
    with pytest.raises(ValueError, match="not a motcua slip payload"):
        qr.decode('{"other": 1}')


def test_the_verification_address_escapes_the_code(settings: Any) -> None:
    settings.SITE_URL = "https://motcua.phutho.gov.vn"

    assert qr.verification_url("A&B 1") == "https://motcua.phutho.gov.vn/tra-cuu?code=A%26B%201"
    assert qr.verification_url(None) == "https://motcua.phutho.gov.vn/tra-cuu"


def test_rendering_form_01_again_gives_the_same_file_and_the_appointment_given_at_receipt(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    procedure = make_procedure(world, amount=3, unit="working_days")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = counter_received(world, procedure, when=at(7, 9))
    issued = one(slips_of(dossier, "01"))
    services.dossier_apologize(
        dossier=dossier, actor=world.leader_a, reason="Cần xác minh", new_appointment=at(14, 16), at=at(8, 9)
    )

    again = slip_render(dossier=dossier, form="01")

    assert (again.pk, again.file_id) == (issued.pk, issued.file_id)
    text = pdf_text(slip_bytes(again))
    assert "Thời gian trả kết quả giải quyết hồ sơ: 9 giờ 00 phút, ngày 10/12/2026" in text
    assert slip_filename(again) == "mau-01-H15.50.05.13-261207-0001.pdf"


def test_rendering_a_form_whose_event_has_no_slip_yet_stores_it(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))  # outside the commit: no slip issued

    slip = slip_render(dossier=dossier, form="01")

    assert (slip.form, slip.event.kind, slip.dossier) == ("01", "received", dossier)
    assert slips_of(dossier) == [slip]


def test_the_control_sheet_is_rendered_as_it_stands_each_time(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    first = slip_render(dossier=dossier, form="06", at=at(7, 10))
    services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 11))
    second = slip_render(dossier=dossier, form="06", at=at(7, 12))

    assert (first.event, second.event) == (None, None)
    assert first.file_id != second.file_id
    assert "Đúng hạn" not in pdf_text(slip_bytes(first))
    assert "1. Giao: Ủy ban nhân dân xã Ea Kar (Chuyenvien A)" in pdf_text(slip_bytes(second))
    assert [slip.pk for slip in dossier_slips(dossier=dossier)] == [first.pk, second.pk]
    assert qr.decode(one(pdf_qr_codes(slip_bytes(second))))["ThoiGian"] == "2026-12-07T12:00:00+07:00"


def test_a_form_the_history_does_not_call_for_is_refused(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))

    with pytest.raises(Conflict) as refused:
        slip_render(dossier=dossier, form="03")
    assert (refused.value.code, refused.value.status, str(refused.value.message)) == (
        "slip_not_available",
        409,
        "Hồ sơ không có phiếu từ chối tiếp nhận giải quyết hồ sơ: chưa có bước xử lý nào cần đến mẫu này.",
    )
    with pytest.raises(ApplicationError) as book:
        slip_render(dossier=dossier, form="07")
    assert (book.value.code, book.value.status) == ("invalid_form", 400)
    assert DossierSlip.objects.count() == 0


def test_no_control_sheet_before_receipt(world: World, procedure: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))

    with pytest.raises(Conflict) as refused:
        slip_render(dossier=dossier, form="06")
    assert refused.value.code == "slip_not_available"


def test_a_slip_is_found_only_through_its_own_dossier(world: World, procedure: Any) -> None:
    mine = counter_received(world, procedure, when=at(7, 9))
    other = counter_received(world, procedure, when=at(7, 10))
    slip = slip_render(dossier=mine, form="01")

    assert dossier_slip_get(dossier=mine, slip_id=slip.pk) == slip
    assert dossier_slip_get(dossier=other, slip_id=slip.pk) is None


# --- Form 07 ----------------------------------------------------------------------------------------------


@pytest.fixture
def book(world: World, procedure: Any) -> list[Any]:
    """Three dossiers received at commune A's centre on 7/12 (one returned), one in another sector."""
    land = make_procedure(world, code="1.013978.000.00.00.H15")
    land.sector = Sector.objects.create(code="DD", name="Đất đai")
    land.save(update_fields=["sector"])
    first = counter_received(world, procedure, when=at(7, 9))
    second = counter_received(world, procedure, when=at(7, 10))
    counter_received(world, land, when=at(7, 11))
    first = services.dossier_forward(dossier=first, actor=world.specialist_a, at=at(7, 13))
    first = services.dossier_approve(dossier=first, actor=world.leader_a, at=at(7, 14))
    first = services.dossier_return_result(
        dossier=first, actor=world.intake_a, method="counter", at=at(7, 15)
    )
    counter_received(world, procedure, when=at(8, 9))  # outside the period
    return [first, second, land]


def test_the_tracking_book_in_excel(world: World, book: list[Any]) -> None:
    data = tracking_book_xlsx(
        user=world.intake_a,
        unit=world.centre_a,
        sector=book[0].procedure.sector,
        date_from=dt.date(2026, 12, 7),
        date_to=dt.date(2026, 12, 7),
    )

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[1][0] == (
        "Trung tâm Phục vụ hành chính công xã Ea Kar; lĩnh vực: Hộ tịch; "
        "từ ngày 07/12/2026 đến ngày 07/12/2026"
    )
    assert rows[3] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Người nộp hồ sơ",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày nhận hồ sơ",
        "Hẹn trả kết quả",
        "Ngày trả kết quả",
        "Phương thức nhận kết quả",
        "Ký nhận",
    ]
    assert rows[4:] == [
        [
            1,
            "H15.50.05.13-261207-0001",
            "Đăng ký khai sinh",
            "Lê Văn Cường",
            "Thôn 3, xã Ea Kar, 0987654321",
            "Ủy ban nhân dân xã Ea Kar",
            dt.datetime(2026, 12, 7, 9, 0),
            dt.datetime(2026, 12, 8, 9, 0),
            dt.datetime(2026, 12, 7, 15, 0),
            "Tại Bộ phận Một cửa",
            None,
        ],
        [
            2,
            "H15.50.05.13-261207-0002",
            "Đăng ký khai sinh",
            "Lê Văn Cường",
            "Thôn 3, xã Ea Kar, 0987654321",
            "Ủy ban nhân dân xã Ea Kar",
            dt.datetime(2026, 12, 7, 10, 0),
            dt.datetime(2026, 12, 8, 10, 0),
            None,
            "Tại Bộ phận Một cửa",
            None,
        ],
    ]


def test_the_tracking_book_in_pdf_covers_every_sector_when_none_is_chosen(
    world: World, book: list[Any]
) -> None:
    data = tracking_book_pdf(
        user=world.supervisor_a,
        unit=world.centre_a,
        date_from=dt.date(2026, 12, 7),
        date_to=dt.date(2026, 12, 7),
        at=at(8, 8),
    )

    text = pdf_text(data)
    for expected in [
        "SỔ THEO DÕI HỒ SƠ",
        "lĩnh vực: tất cả lĩnh vực",
        "Số: 2026/STD",
        "H15.50.05.13-261207-0001",
        "H15.50.05.13-261207-0003",
        "Số hồ sơ trong sổ: 3",
    ]:
        assert expected in text, expected
    assert "H15.50.05.13-261208-0001" not in text
    assert pdf_qr_codes(data) == []


@pytest.mark.parametrize("who", ["anonymous", "citizen", "intake_b", "specialist_b", "leader_b"])
def test_only_the_units_staff_open_its_book(world: World, book: list[Any], who: str) -> None:
    user = AnonymousUser() if who == "anonymous" else getattr(world, who)

    with pytest.raises(PermissionDenied) as denied:
        tracking_book_xlsx(
            user=user, unit=world.centre_a, date_from=dt.date(2026, 12, 7), date_to=dt.date(2026, 12, 7)
        )
    assert str(denied.value.message) == (
        "Chỉ cán bộ của Trung tâm Phục vụ hành chính công xã Ea Kar mới được mở Sổ theo dõi hồ sơ của đơn vị."
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2026, 12, 8), dt.date(2026, 12, 7)), (dt.date(2025, 12, 1), dt.date(2026, 12, 7))],
)
def test_the_period_must_run_forward_and_last_at_most_a_year(
    world: World, start: dt.date, end: dt.date
) -> None:
    with pytest.raises(ApplicationError) as refused:
        tracking_book_pdf(user=world.intake_a, unit=world.centre_a, date_from=start, date_to=end)
    assert (refused.value.code, list(refused.value.fields)) == ("invalid_period", ["date_to"])


def test_a_printed_book_too_long_is_refused(world: World, book: list[Any], monkeypatch: Any) -> None:
    monkeypatch.setattr("motcua.dossiers.slips.tracking_book.MAX_PDF_ROWS", 2)

    with pytest.raises(ApplicationError) as refused:
        tracking_book_pdf(
            user=world.intake_a,
            unit=world.centre_a,
            date_from=dt.date(2026, 12, 7),
            date_to=dt.date(2026, 12, 7),
        )
    assert refused.value.code == "too_many_rows"
    assert MAX_PDF_ROWS == 5000
