"""Each slip (forms 01–06) is issued after the action commits, once per event, as a PDF in Vietnamese whose
QR code decodes to the payload of `slips/qr.py` (LEGAL.md §1.10, §1.12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.core.models import OutboxEvent
from motcua.core.outbox import outbox_deliver_event
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.slips.qr import decode
from motcua.dossiers.slips.tasks import slips_issue_for_event
from motcua.dossiers.tests.edges_helpers import one, pdf_qr_codes, pdf_text, slip_bytes, slips_of
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    Step,
    World,
    at,
    counter_received,
    make_procedure,
    online_received,
    online_submitted,
)

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
SYSTEM = "Hệ thống thông tin giải quyết thủ tục hành chính"
HEADER = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN XÃ EA KAR",
]


def qr_payload(data: bytes) -> dict[str, Any]:
    return decode(one(pdf_qr_codes(data)))


def event_of(dossier: Dossier, kind: str) -> DossierEvent:
    return DossierEvent.objects.get(dossier=dossier, kind=kind)


def test_receipt_form_01_is_issued_after_the_commit_with_code_appointment_and_secret(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9))

    slip = one(slips_of(dossier))
    assert (slip.form, slip.event, slip.intake_note) == ("01", event_of(dossier, "received"), None)
    assert slip.file.content_type == "application/pdf"
    data = slip_bytes(slip)
    text = pdf_text(data)
    code = "H15.50.05.13-261207-0001"
    for expected in [
        *HEADER,
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ EA KAR",
        "Số: 1/TTPVHCC",
        "Đắk Lắk, ngày 07 tháng 12 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {code}",
        "Trung tâm Phục vụ hành chính công xã Ea Kar đã tiếp nhận hồ sơ của:",
        "Ông/Bà: Nguyễn Văn An",
        "Số định danh cá nhân: 025085001234",
        "Địa chỉ: Thôn 1, xã Ea Kar",
        "Số điện thoại: 0912345678",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        "Thời gian giải quyết hồ sơ theo quy định: 8 giờ làm việc",
        "Thời gian nhận hồ sơ: 9 giờ 00 phút, ngày 07/12/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 8 giờ 00 phút, ngày 08/12/2026",
        "quyển số 2026, số thứ tự 1",
        f"mã tra cứu {dossier.lookup_secret}",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ]:
        assert expected in text, expected
    assert qr_payload(data) == {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "SoDinhDanh": "025085001234",
        "TenGiayTo": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "HeThong": SYSTEM,
        "ThoiGian": "2026-12-07T09:00:00+07:00",
        "NgayHenTra": "2026-12-08T08:00:00+07:00",
        "XacMinh": f"{SITE}/tra-cuu?code={code}",
    }


def test_no_slip_exists_before_the_commit(world: World, procedure: Any) -> None:
    dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9))

    assert slips_of(dossier) == []


def test_supplement_request_at_intake_form_02(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_ask_supplement_at_intake(
            dossier=dossier,
            actor=world.intake_a,
            items=["Bản sao giấy chứng sinh", "Tờ khai có chữ ký"],
            reason=REASON,
            at=at(7, 10),
        )

    slip = one(slips_of(dossier, "02"))
    data = slip_bytes(slip)
    text = pdf_text(data)
    for expected in [
        *HEADER,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Số: {slip.event.pk}/PBS",
        "Ông/Bà: Nguyễn Văn An",
        "đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
        "1. Bản sao giấy chứng sinh",
        "2. Tờ khai có chữ ký",
        "Lý do: Thiếu giấy chứng sinh",
        "NGƯỜI HƯỚNG DẪN",
        "Tiepnhan A",
    ]:
        assert expected in text, expected
    assert "Mã hồ sơ" not in text  # no code before receipt
    assert qr_payload(data) == {
        "MaHoSo": "",
        "MaTTHC": "1.001193",
        "SoDinhDanh": "025085001234",
        "TenGiayTo": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "HeThong": SYSTEM,
        "ThoiGian": "2026-12-07T10:00:00+07:00",
        "XacMinh": f"{SITE}/tra-cuu",
    }


def test_supplement_request_during_processing_form_02_names_the_specialist(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_received(world, procedure, when=at(7, 8), received=at(7, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_ask_supplement(
            dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(7, 10)
        )

    data = slip_bytes(one(slips_of(dossier, "02")))
    text = pdf_text(data)
    assert "Mã hồ sơ: H15.50.05.13-261207-0001" in text
    assert "1. Bản sao giấy chứng sinh" in text
    assert "liên hệ với Chuyenvien A (Ủy ban nhân dân xã Ea Kar)" in text
    assert qr_payload(data)["MaHoSo"] == "H15.50.05.13-261207-0001"


def test_refusal_form_03(world: World, procedure: Any, django_capture_on_commit_callbacks: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_refuse_intake(
            dossier=dossier, actor=world.intake_a, reason="Không thuộc thẩm quyền giải quyết", at=at(7, 9, 30)
        )

    data = slip_bytes(one(slips_of(dossier)))
    text = pdf_text(data)
    for expected in [
        *HEADER,
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Mã hồ sơ (nếu có): …",
        "hồ sơ không đủ điều kiện tiếp nhận giải quyết, với lý do sau:",
        "Không thuộc thẩm quyền giải quyết",
        "Xin trân trọng thông báo!",
    ]:
        assert expected in text, expected
    payload = qr_payload(data)
    assert (payload["TenGiayTo"], payload["ThoiGian"]) == (
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "2026-12-07T09:30:00+07:00",
    )


def test_apology_form_04_has_the_reason_and_the_new_appointment(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    procedure = make_procedure(world, amount=3, unit="working_days")
    dossier = counter_received(world, procedure, when=at(7, 9))
    assert dossier.appointment_at == at(10, 9)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_apologize(
            dossier=dossier,
            actor=world.leader_a,
            reason="Cần xác minh thêm thông tin",
            new_appointment=at(14, 16),
            at=at(8, 9),
        )

    data = slip_bytes(one(slips_of(dossier, "04")))
    text = pdf_text(data)
    for expected in [
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Kính gửi: Lê Văn Cường",
        "thời hạn trả kết quả là 9 giờ 00 phút, ngày 10/12/2026",
        "Cần xác minh thêm thông tin",
        "sẽ trả kết quả giải quyết hồ sơ vào 16 giờ 00 phút, ngày 14/12/2026",
        "THỦ TRƯỞNG CƠ QUAN",
        "Lanhdao A",
    ]:
        assert expected in text, expected
    payload = qr_payload(data)
    assert (payload["NgayHenTra"], payload["SoDinhDanh"]) == ("2026-12-14T16:00:00+07:00", "025085009999")


def test_stop_form_05_and_the_final_control_sheet(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = counter_received(world, procedure, when=at(7, 9))
        services.dossier_stop(
            dossier=dossier, actor=world.intake_a, reason="Người nộp đề nghị dừng", at=at(7, 10)
        )

    stopped = event_of(dossier, "stopped")
    assert [(slip.form, slip.event) for slip in slips_of(dossier)] == [
        ("01", event_of(dossier, "received")),
        ("05", stopped),
        ("06", stopped),
    ]
    text = pdf_text(slip_bytes(slips_of(dossier, "05")[0]))
    for expected in [
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Mã hồ sơ: H15.50.05.13-261207-0001",
        "Theo đề nghị của ông/bà, Trung tâm Phục vụ hành chính công xã Ea Kar dừng giải quyết hồ sơ.",
        "Lý do: Người nộp đề nghị dừng",
    ]:
        assert expected in text, expected


def test_withdrawal_before_receipt_gives_form_05_without_a_control_sheet(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_withdraw(
            dossier=dossier, actor=world.citizen, reason="Không còn nhu cầu", at=at(7, 9)
        )

    slip = one(slips_of(dossier))
    assert slip.form == "05"
    assert "Theo yêu cầu rút hồ sơ của ông/bà" in pdf_text(slip_bytes(slip))


def test_control_sheet_form_06_says_early_on_time_and_late_per_handover(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Received Monday 7/12 09:00. Appraisal budget 2 working days (due Wednesday 9/12 09:00), forwarded the
    # same Monday: early. Approval budget 1 hour (due 10:00), approved at 10:00: on time. Return budget 1
    # hour (due 11:00), returned at 14:00: late.
    procedure = make_procedure(
        world,
        amount=3,
        unit="working_days",
        steps=[
            Step("appraise", "specialist", budget_minutes=960),
            Step("approve", "leader", budget_minutes=60, actions=["approve"], after=["appraise"]),
            Step("return_result", "intake_officer", "receiving", 60, ["return_result"], ["approve"]),
        ],
    )
    dossier = counter_received(world, procedure, when=at(7, 9))
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 9))
    dossier = services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_return_result(dossier=dossier, actor=world.intake_a, method="counter", at=at(7, 14))

    slip = one(slips_of(dossier, "06"))
    assert slip.event == event_of(dossier, "returned")
    data = slip_bytes(slip)
    text = pdf_text(data)
    for expected in [
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Cơ quan chủ trì giải quyết: Ủy ban nhân dân xã Ea Kar",
        "Cơ quan phối hợp giải quyết: không có",
        "Thời gian nhận hồ sơ: 9 giờ 00 phút, ngày 07/12/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 9 giờ 00 phút, ngày 10/12/2026",
        "1. Giao: Lê Văn Cường 2. Nhận: Trung tâm Phục vụ hành chính công xã Ea Kar (Tiepnhan A)",
        "1. Giao: Ủy ban nhân dân xã Ea Kar (Chuyenvien A) 2. Nhận: Ủy ban nhân dân xã Ea Kar",
        "1. Giao: Trung tâm Phục vụ hành chính công xã Ea Kar (Tiepnhan A) 2. Nhận: Lê Văn Cường",
    ]:
        assert expected in text, expected
    results = [word for word in ("Trước hạn", "Đúng hạn", "Quá hạn") for _ in range(text.count(word))]
    assert results == ["Trước hạn", "Đúng hạn", "Quá hạn"]
    assert text.index("Trước hạn") < text.index("Đúng hạn") < text.index("Quá hạn")
    assert qr_payload(data)["TenGiayTo"] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"


def test_intake_guidance_without_a_dossier_gets_form_02(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        note = services.intake_guidance_record(
            actor=world.intake_a,
            receiving_unit=world.centre_a,
            procedure=procedure,
            applicant_name="Phạm Thị Dung",
            items=["Giấy chứng sinh bản chính"],
            note="Mang bản chính để đối chiếu",
            at=at(7, 15),
        )

    slip = one(list(DossierSlip.objects.filter(intake_note=note)))
    assert (slip.form, slip.dossier, slip.event) == ("02", None, None)
    data = slip_bytes(slip)
    text = pdf_text(data)
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Số: HD{note.pk}/PBS",
        "Ông/Bà: Phạm Thị Dung",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "1. Giấy chứng sinh bản chính",
        "Lý do: Mang bản chính để đối chiếu",
    ]:
        assert expected in text, expected
    assert qr_payload(data) == {
        "MaHoSo": "",
        "MaTTHC": "1.001193",
        "SoDinhDanh": "",
        "TenGiayTo": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "HeThong": SYSTEM,
        "ThoiGian": "2026-12-07T15:00:00+07:00",
        "XacMinh": f"{SITE}/tra-cuu",
    }


def test_a_redelivered_event_issues_nothing_twice(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = counter_received(world, procedure, when=at(7, 9))
    outbox = OutboxEvent.objects.get(kind="dossier.received")
    first = one(slips_of(dossier))

    OutboxEvent.objects.filter(pk=outbox.pk).update(delivered_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver_event(event_id=outbox.pk) is True
    assert slips_issue_for_event.call_local(event_of(dossier, "received").pk) == 0

    assert slips_of(dossier) == [first]


def test_the_payload_is_compact_json_in_utf8(
    world: World, procedure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = counter_received(world, procedure, when=at(7, 9))

    raw = one(pdf_qr_codes(slip_bytes(one(slips_of(dossier)))))

    assert raw.startswith('{"MaHoSo":"H15.50.05.13-261207-0001","MaTTHC":"1.001193"')
    assert json.loads(raw)["TenGiayTo"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
