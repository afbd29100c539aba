# ruff: noqa: E501 (data: each published text stays on one line, as published)
"""The demo catalogue: 16 real procedures at province and commune level, from the facts of
`domain/PROCEDURES.md` (codes, names, time limits, fees, components, results, legal bases), in our own
wording. A fact that file marks [unconfirmed] is stored with `confirmed=False` (rows) or in the
version's `unconfirmed` notes (fields), with the reason.

Demo data, not facts: the provincial publication decisions (numbers, dates, signers; every one carries
the note DEMO_DECISION_NOTE), the posting dates, the local codes (built on the pattern of the Thái Nguyên
code in PROCEDURES.md §5 with Phú Thọ's H44) and the internal processes (each province designs its own;
ours fit the legal limits). Effective dates of legal documents are given only where LEGAL.md gives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from django.db import transaction

from motcua.catalog import services
from motcua.catalog.demo_eforms import (
    birth_form,
    company_form,
    construction_form,
    criminal_record_form,
    death_form,
    extract_copy_form,
    food_safety_form,
    household_business_form,
    land_form,
    licence_form,
    linked_birth_form,
    marital_status_form,
    marriage_form,
    social_allowance_form,
)
from motcua.catalog.models import PostingChannel, Procedure
from motcua.organizations.models import Unit
from motcua.worktime.calendar import TZ

DEMO_DECISION_NOTE = (
    "Dữ liệu minh họa: số, ngày và người ký quyết định công bố là giả định, không phải văn bản thật."
)
DEMO_SIGNER = "Phó Chủ tịch UBND tỉnh (minh họa)"
PROCESS_NOTE = "Quy trình nội bộ minh họa do tỉnh xây dựng; thời gian các bước nằm trong thời hạn giải quyết."
CODE_NOTE = (
    "Mã thủ tục địa phương theo mẫu mã của Thái Nguyên (PROCEDURES.md §5), ghép mã H44 của Phú Thọ: minh họa."
)
TOAN_TRINH_NOTE = "Không nguồn nào nêu thủ tục là toàn trình hay một phần (PROCEDURES.md §0, ghi chú 3)."
# LEGAL.md §0 dates of the documents whose effective date the demo uses.
ND_07_2025 = ("NĐ 07/2025/NĐ-CP", None, date(2025, 1, 9))
NQ_66_7_2025 = ("NQ 66.7/2025/NQ-CP", date(2025, 11, 15), date(2026, 1, 1))
ND_118_2025 = ("NĐ 118/2025/NĐ-CP", date(2025, 6, 9), date(2025, 7, 1))

SECTORS = {
    "ho-tich": "Hộ tịch",
    "chung-thuc": "Chứng thực",
    "doanh-nghiep": "Thành lập và hoạt động của doanh nghiệp",
    "xay-dung": "Hoạt động xây dựng",
    "dat-dai": "Đất đai",
    "ly-lich-tu-phap": "Lý lịch tư pháp",
    "gplx": "Sát hạch, cấp giấy phép lái xe",
    "attp": "Quản lý chất lượng nông lâm sản và thủy sản",
    "bao-tro-xa-hoi": "Bảo trợ xã hội",
    "lien-thong": "Thủ tục hành chính liên thông",
}


# --- building blocks -------------------------------------------------------------------------------------


def doc(name: str, **values: Any) -> dict[str, Any]:
    return {"name": name, **values}


def fee(kind: str, name: str, amount: int | None, **values: Any) -> dict[str, Any]:
    return {"kind": kind, "name": name, "amount_vnd": amount, **values}


def law(kind: str, number: str, title: str = "", **values: Any) -> dict[str, Any]:
    return {"kind": kind, "number": number, "title": title, **values}


def dated(document: tuple[str, date | None, date], kind: str, **values: Any) -> dict[str, Any]:
    number, issued, effective = document
    return law(
        kind,
        number,
        issued_on=issued.isoformat() if issued else None,
        effective_on=effective.isoformat(),
        **values,
    )


def agency(
    role: str, name: str, unit: Unit | None = None, scope: str = "unit", **values: Any
) -> dict[str, Any]:
    return {"role": role, "scope": scope, "unit": unit.external_key if unit else "", "name": name, **values}


def step(  # noqa: PLR0917 (a row of a process table)
    key: str,
    name: str,
    role: str,
    scope: str,
    minutes: int,
    actions: list[str],
    after: Iterable[str] = (),
    unit: Unit | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "role": role,
        "unit_scope": scope,
        "unit": unit.external_key if unit else "",
        "budget_minutes": minutes,
        "actions": actions,
        "after": list(after),
    }


def simple_process(*, receive: int, appraise: int, sign: int, give_back: int) -> list[dict[str, Any]]:
    """Receive at the one-stop desk, appraise and sign at the competent unit, return at the desk."""
    return [
        step(
            "tiep-nhan",
            "Tiếp nhận, kiểm tra hồ sơ",
            "intake_officer",
            "receiving",
            receive,
            ["receive", "request_supplement", "refuse", "transfer"],
        ),
        step(
            "tham-dinh",
            "Thẩm định, dự thảo kết quả",
            "specialist",
            "competent",
            appraise,
            ["assign", "appraise", "request_supplement", "draft_result", "reject"],
            after=["tiep-nhan"],
        ),
        step(
            "ky-duyet",
            "Lãnh đạo xem xét, ký kết quả",
            "leader",
            "competent",
            sign,
            ["approve", "sign", "reject"],
            after=["tham-dinh"],
        ),
        step(
            "tra-ket-qua",
            "Trả kết quả",
            "intake_officer",
            "receiving",
            give_back,
            ["return_result"],
            after=["ky-duyet"],
        ),
    ]


def methods(*channels: str, **limits: tuple[str, str]) -> list[dict[str, Any]]:
    descriptions = {
        "direct": "Nộp trực tiếp tại Trung tâm Phục vụ hành chính công.",
        "postal": "Nộp qua dịch vụ bưu chính công ích.",
        "online": "Nộp trực tuyến trên Cổng Dịch vụ công quốc gia.",
    }
    rows = []
    for channel in channels:
        amount, unit = limits.get(channel, (None, ""))
        rows.append(
            {
                "channel": channel,
                "description": descriptions[channel],
                "time_limit_amount": amount,
                "time_limit_unit": unit,
            }
        )
    return rows


COMMUNE_RECEIVING = ("receiving", "Trung tâm Phục vụ hành chính công cấp xã")


def commune_agencies(
    implementing: str = "Ủy ban nhân dân cấp xã", competent: str = "Ủy ban nhân dân cấp xã"
) -> list[dict[str, Any]]:
    return [
        agency("implementing", implementing, scope="each_commune_committee"),
        agency("competent", competent, scope="each_commune_committee"),
        agency("receiving", COMMUNE_RECEIVING[1], scope="each_commune_centre"),
    ]


# --- the legal bases of the civil-status procedures (PROCEDURES.md §1) ---------------------------------


def civil_status_laws(*, stage: int, marriage: bool = False) -> list[dict[str, Any]]:
    """Stage 1: before NQ 66.7/2025; 2: with it (it governs); 3: as the portal lists them in 2026."""
    rows = []
    if marriage:
        rows.append(law("law", "52/2014/QH13", "Luật Hôn nhân và gia đình"))
    rows += [
        law("law", "60/2014/QH13", "Luật Hộ tịch"),
        law(
            "decree",
            "123/2015/NĐ-CP",
            "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
        ),
        law(
            "decree",
            "87/2020/NĐ-CP",
            "Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến",
        ),
        law("decree", "104/2022/NĐ-CP"),
        dated(ND_07_2025, "decree"),
        law("decree", "120/2025/NĐ-CP", governs_publication=stage == 1),
    ]
    if stage >= 3:
        rows.append(
            law(
                "decree",
                "18/2026/NĐ-CP",
                governs_publication=True,
                note="Ngày hiệu lực chưa có trong nguồn: chỉ tiêu 1.1 chưa tính được cho phiên bản này.",
            )
        )
    if stage >= 2:
        rows.append(
            dated(
                NQ_66_7_2025,
                "resolution",
                governs_publication=stage == 2,
                title="Nghị quyết cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu",
            )
        )
    rows += [
        law("circular", number)
        for number in ("04/2020/TT-BTP", "04/2024/TT-BTP", "01/2022/TT-BTP", "03/2023/TT-BTP")
    ]
    if stage >= 2:
        rows.append(law("circular", "08/2025/TT-BTP"))
    rows += [law("circular", "85/2019/TT-BTC"), law("circular", "106/2021/TT-BTC")]
    return rows


def authorisation(group: str = "") -> dict[str, Any]:
    return doc(
        "Văn bản ủy quyền (được chứng thực), nếu ủy quyền cho người khác nộp hồ sơ; không cần chứng thực nếu "
        "người được ủy quyền là ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột",
        document_type="VB_UY_QUYEN",
        required=False,
        condition="Khi ủy quyền nộp hồ sơ",
        group=group,
    )


def identity_shown() -> list[dict[str, Any]]:
    return [
        doc(
            "Giấy tờ tùy thân: hộ chiếu, thẻ căn cước, căn cước điện tử hoặc giấy chứng nhận căn cước",
            document_type="GIAY_TO_TUY_THAN",
            kind="show",
            lookup_database="population",
        ),
        doc(
            "Giấy tờ chứng minh nơi cư trú, chỉ khi không khai thác được trong Cơ sở dữ liệu quốc gia về dân cư",
            document_type="GIAY_TO_CU_TRU",
            kind="show",
            required=False,
            lookup_database="residence",
            condition="Khi không khai thác được thông tin cư trú",
        ),
    ]


# --- the procedures ------------------------------------------------------------------------------------


def _common(name: str, **values: Any) -> dict[str, Any]:
    """Defaults every demo version shares; each procedure overrides what its facts say."""
    return {
        "name": name,
        "dossier_sets": 1,
        "subjects_citizens": True,
        "subjects_organizations": False,
        "time_limit_convention": "hours",
        "online_level": "partial",
        "online_reason": "presence",
        "online_reason_text": "Người yêu cầu nhận kết quả hoặc xuất trình giấy tờ bản chính trực tiếp.",
        "supplement_clock": "pause",
        "max_supplement_requests": 1,
        "leader_signature_required": True,
        "return_methods": ["counter", "post", "electronic"],
        **values,
    }


def _unconfirmed(**notes: str) -> dict[str, str]:
    return {"online_level": TOAN_TRINH_NOTE, "code": CODE_NOTE, **notes}


def _birth(units: Mapping[str, Unit], stage: int) -> dict[str, Any]:
    documents = [
        doc(
            "Tờ khai đăng ký khai sinh theo mẫu (nộp trực tiếp, qua bưu chính) hoặc Mẫu hộ tịch điện tử tương tác "
            "đăng ký khai sinh (trực tuyến)",
            document_type="TO_KHAI_KHAI_SINH",
            eform="to-khai-khai-sinh",
        ),
        doc(
            "Giấy chứng sinh; nếu không có thì văn bản của người làm chứng, nếu không có người làm chứng thì giấy "
            "cam đoan về việc sinh",
            document_type="GIAY_CHUNG_SINH",
            digitisation_required=True,
            lookup_database="civil_status" if stage >= 2 else "",
            note="Không cần bản giấy nếu Giấy chứng sinh điện tử đã được gửi hoặc khai thác được."
            if stage >= 2
            else "",
        ),
        doc(
            "Biên bản xác nhận việc trẻ bị bỏ rơi",
            document_type="BB_TRE_BO_ROI",
            required=False,
            condition="Trường hợp trẻ bị bỏ rơi",
        ),
        doc(
            "Văn bản xác nhận của cơ sở y tế đã thực hiện kỹ thuật hỗ trợ sinh sản",
            document_type="XN_MANG_THAI_HO",
            required=False,
            condition="Trường hợp sinh con theo phương pháp mang thai hộ",
        ),
        authorisation(),
        *identity_shown(),
    ]
    return _common(
        "Thủ tục đăng ký khai sinh",
        requirements="Cha, mẹ có trách nhiệm đăng ký khai sinh cho con trong thời hạn 60 ngày kể từ ngày sinh con.",
        subjects_note="Công dân Việt Nam; người Việt Nam định cư ở nước ngoài.",
        time_limit_amount="1",
        time_limit_unit="working_days",
        national_decision="163/QĐ-BTP",
        unconfirmed=_unconfirmed(
            time_limit="Cổng Dịch vụ công ghi “1” cho mọi cách thức, không ghi đơn vị; S2 chuẩn hóa là “1 ngày”. "
            "Trình tự: hồ sơ nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.",
        ),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Người yêu cầu nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã, "
                "qua bưu chính, hoặc trực tuyến trên Cổng Dịch vụ công quốc gia hay ứng dụng VNeID.",
            },
            {
                "title": "Tiếp nhận và giải quyết",
                "description": "Công chức tư pháp - hộ tịch kiểm tra, ghi vào Sổ đăng ký "
                "khai sinh; lãnh đạo Ủy ban nhân dân cấp xã ký Giấy khai sinh.",
            },
            {
                "title": "Xác nhận bản dự thảo (trực tuyến)",
                "description": "Người nộp trực tuyến có tối đa một ngày để "
                "xác nhận bản dự thảo Giấy khai sinh điện tử.",
            },
            {
                "title": "Trả kết quả",
                "description": "Trả Giấy khai sinh bản chính và bản điện tử; bản sao nếu có yêu cầu.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=commune_agencies(),
        documents=documents,
        fees=[
            fee(
                "charge",
                "Lệ phí đăng ký khai sinh",
                0,
                exemptions="Miễn lệ phí trên mọi cách thức nộp.",
                note="Đăng ký khai sinh quá hạn: mức lệ phí do HĐND tỉnh quy định.",
            ),
            fee(
                "fee",
                "Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu)",
                8000,
                per="bản",
                payable_online=True,
                legal_basis="TT 281/2016/TT-BTC",
            ),
            fee(
                "charge",
                "Lệ phí đăng ký khai sinh quá hạn",
                None,
                confirmed=False,
                note="Mức hiện hành do HĐND tỉnh quy định, chưa xác nhận; ví dụ duy nhất (trước 2025, NQ 289/NQ-HĐND) là 8.000 đồng.",
            ),
        ],
        results=[
            {
                "name": "Giấy khai sinh (bản chính và bản điện tử)",
                "code": "KQ.G15.000031",
                "validity": "Không thời hạn",
            }
        ],
        legal_bases=civil_status_laws(stage=stage),
        eforms=[birth_form()],
        process=simple_process(receive=30, appraise=240, sign=150, give_back=60),
    )


def _marriage(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Thủ tục đăng ký kết hôn",
        requirements="Hai bên nam, nữ có mặt khi đăng ký kết hôn; đáp ứng điều kiện kết hôn của Luật Hôn nhân và gia đình.",
        subjects_note="Công dân Việt Nam.",
        time_limit_amount="1",
        time_limit_unit="working_days",
        national_decision="163/QĐ-BTP",
        unconfirmed=_unconfirmed(
            time_limit="Cổng ghi “1”, không ghi đơn vị. Trang cấp phường trước 2025 (S4): giải quyết ngay khi đủ hồ sơ, "
            "không quá 05 ngày làm việc nếu cần xác minh điều kiện kết hôn; chưa xác nhận còn áp dụng.",
            requirements="Trang cấp phường trước 2025 (S4) yêu cầu hai bên có mặt; chưa xác nhận cho kênh trực tuyến.",
        ),
        steps=[
            {"title": "Nộp hồ sơ", "description": "Một trong hai bên nộp tờ khai và xuất trình giấy tờ."},
            {
                "title": "Kiểm tra tình trạng hôn nhân",
                "description": "Cơ quan đăng ký tra cứu Cơ sở dữ liệu hộ tịch điện tử và "
                "Cơ sở dữ liệu quốc gia về dân cư; nếu không có thông tin thì đề nghị Ủy ban nhân dân cấp xã liên quan "
                "xác minh, trả lời trong 03 ngày làm việc.",
            },
            {
                "title": "Trao Giấy chứng nhận kết hôn",
                "description": "Hai bên ký vào Sổ và Giấy chứng nhận kết hôn.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=commune_agencies(implementing="Ủy ban Nhân dân xã, phường, thị trấn"),
        documents=[
            doc(
                "Tờ khai đăng ký kết hôn theo mẫu (có thể khai chung) hoặc Mẫu hộ tịch điện tử tương tác đăng ký kết hôn",
                document_type="TO_KHAI_KET_HON",
                eform="to-khai-ket-hon",
            ),
            *identity_shown(),
            doc(
                "Bản sao có chứng thực các giấy tờ phải xuất trình",
                document_type="BAN_SAO_CHUNG_THUC",
                originals=0,
                copies=1,
                required=False,
                condition="Khi nộp qua bưu chính",
            ),
        ],
        fees=[
            fee("charge", "Lệ phí đăng ký kết hôn", 0, exemptions="Miễn lệ phí."),
            fee(
                "fee",
                "Phí cấp bản sao trích lục kết hôn (nếu có yêu cầu)",
                8000,
                per="bản",
                legal_basis="TT 281/2016/TT-BTC",
                payable_online=True,
            ),
        ],
        results=[{"name": "Giấy chứng nhận kết hôn", "code": "KQ.G15.000032", "validity": "Không thời hạn"}],
        legal_bases=civil_status_laws(stage=3, marriage=True),
        eforms=[marriage_form()],
        process=simple_process(receive=30, appraise=240, sign=150, give_back=60),
    )


def _death(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Thủ tục đăng ký khai tử",
        requirements="Người thân thích có trách nhiệm đăng ký khai tử trong thời hạn 15 ngày kể từ ngày có người chết.",
        time_limit_amount="1",
        time_limit_unit="working_days",
        national_decision="163/QĐ-BTP",
        unconfirmed=_unconfirmed(
            time_limit="Cổng ghi “1”, không ghi đơn vị; trình tự: hồ sơ nhận sau 15 giờ thì trả kết quả "
            "trong ngày làm việc tiếp theo."
        ),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Người đi đăng ký nộp tờ khai và Giấy báo tử hoặc giấy tờ thay thế.",
            },
            {
                "title": "Đăng ký và trả kết quả",
                "description": "Ghi Sổ đăng ký khai tử, cấp Trích lục khai tử.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=commune_agencies(implementing="Ủy ban Nhân dân xã, phường, thị trấn"),
        documents=[
            doc(
                "Tờ khai đăng ký khai tử theo mẫu hoặc biểu mẫu điện tử tương tác",
                document_type="TO_KHAI_KHAI_TU",
                eform="to-khai-khai-tu",
            ),
            doc(
                "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử",
                document_type="GIAY_BAO_TU",
                digitisation_required=True,
                note="Không cần bản giấy nếu bản điện tử đã được gửi hoặc khai thác được.",
            ),
            doc(
                "Giấy tờ, tài liệu chứng minh sự kiện chết",
                document_type="CHUNG_CU_SU_KIEN_CHET",
                required=False,
                condition="Người chết đã lâu, không có Giấy báo tử",
            ),
            authorisation(),
            doc(
                "Giấy tờ tùy thân của người đi đăng ký",
                document_type="GIAY_TO_TUY_THAN",
                kind="show",
                lookup_database="population",
            ),
            doc(
                "Giấy tờ chứng minh nơi cư trú cuối cùng của người chết (để xác định thẩm quyền), nếu không khai thác được",
                document_type="GIAY_TO_CU_TRU",
                kind="show",
                required=False,
                lookup_database="residence",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí đăng ký khai tử",
                None,
                exemptions="Miễn cho đăng ký đúng hạn, gia đình người có công, hộ nghèo, người khuyết tật.",
                note="Bảng phí ghi “Miễn phí”; ghi chú: mức do HĐND tỉnh quy định.",
            ),
            fee(
                "fee",
                "Phí cấp bản sao trích lục khai tử (nếu có yêu cầu)",
                8000,
                per="bản",
                legal_basis="TT 281/2016/TT-BTC",
                payable_online=True,
            ),
        ],
        results=[{"name": "Trích lục khai tử", "code": "KQ.G15.000034"}],
        legal_bases=civil_status_laws(stage=3),
        eforms=[death_form()],
        process=simple_process(receive=30, appraise=240, sign=150, give_back=60),
    )


CERTIFICATION_CONDITIONS = (
    "Không chứng thực bản sao từ bản chính nếu bản chính bị tẩy xóa, sửa chữa, thêm, bớt nội dung không hợp lệ; bị hư "
    "hỏng, cũ nát, không xác định được nội dung; đóng dấu mật hoặc ghi “không được sao chụp”; có nội dung trái pháp "
    "luật; do cơ quan nước ngoài cấp mà chưa được hợp pháp hóa lãnh sự (trừ các trường hợp được miễn); giấy tờ do cá "
    "nhân tự lập không có xác nhận của cơ quan có thẩm quyền."
)


def _certification(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; cơ quan, tổ "
        "chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, tổ chức có "
        "thẩm quyền của nước ngoài cấp hoặc chứng nhận",
        requirements=CERTIFICATION_CONDITIONS,
        subjects_organizations=True,
        time_limit_amount="0",
        time_limit_unit="working_days",
        time_limit_convention="civil",
        cutoff_time="15:00",
        online_level="none",
        online_reason="presence",
        online_reason_text="Người yêu cầu xuất trình bản chính tại nơi chứng thực.",
        national_decision="3152/QĐ-BTP",
        leader_signature_required=True,
        return_methods=["counter"],
        unconfirmed=_unconfirmed(
            time_limit="Cơ sở dữ liệu quốc gia ghi “Không có thông tin”; theo quy tắc chung (NĐ 23/2015 "
            "Điều 7 sửa đổi): trong ngày, hoặc ngày làm việc tiếp theo nếu tiếp nhận sau 15 giờ."
        ),
        steps=[
            {
                "title": "Xuất trình bản chính và bản sao",
                "description": "Nếu chỉ có bản chính, cơ quan chứng thực chụp từ bản chính.",
            },
            {
                "title": "Chứng thực",
                "description": "Người có thẩm quyền đối chiếu, ký chứng thực và đóng dấu.",
            },
        ],
        methods=methods("direct"),
        agencies=[
            agency(
                "implementing",
                "Ủy ban nhân dân cấp xã; tổ chức hành nghề công chứng; cơ quan đại diện",
                scope="each_commune_committee",
            ),
            agency("competent", "Ủy ban nhân dân cấp xã", scope="each_commune_committee"),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao và bản sao cần chứng thực (đủ các trang có thông tin)",
                document_type="BAN_CHINH_CAN_CHUNG_THUC",
                note="Giấy tờ đã có trên VNeID hoặc khai thác được từ Cơ sở dữ liệu "
                "quốc gia về dân cư thì không phải xuất trình.",
            ),
        ],
        fees=[
            fee(
                "fee",
                "Phí chứng thực bản sao từ bản chính, trang thứ nhất và thứ hai",
                2000,
                per="trang",
                note="Tính theo số trang của bản chính; áp dụng tại UBND cấp xã và tổ chức hành nghề công chứng.",
            ),
            fee(
                "fee",
                "Phí chứng thực bản sao từ bản chính, từ trang thứ ba trở lên",
                1000,
                per="trang",
                note="Tối đa 200.000 đồng/bản.",
            ),
            fee(
                "fee",
                "Phí chứng thực tại cơ quan đại diện Việt Nam ở nước ngoài",
                None,
                per="bản",
                note="10 USD/bản (không tính bằng đồng).",
            ),
        ],
        results=[
            {"name": "Bản sao được chứng thực từ bản chính", "code": "KQ.G15.000021", "electronic": False}
        ],
        legal_bases=[
            law(
                "decree",
                "23/2015/NĐ-CP",
                "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký",
            ),
            law(
                "decree",
                "280/2025/NĐ-CP",
                "Nghị định sửa đổi Nghị định 23/2015/NĐ-CP (đã sửa đổi bởi NĐ 07/2025/NĐ-CP)",
                governs_publication=True,
            ),
            law("circular", "01/2020/TT-BTP"),
            law("circular", "226/2016/TT-BTC"),
            law("circular", "257/2016/TT-BTC"),
            law("circular", "264/2016/TT-BTC"),
        ],
        eforms=[],
        process=simple_process(receive=15, appraise=30, sign=60, give_back=15),
    )


def _e_certification(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Chứng thực bản sao điện tử từ bản chính",
        requirements=CERTIFICATION_CONDITIONS,
        subjects_organizations=True,
        time_limit_amount="0",
        time_limit_unit="working_days",
        time_limit_convention="civil",
        cutoff_time="15:00",
        online_level="partial",
        online_reason="presence",
        online_reason_text="Bản chính phải được xuất trình để cơ quan chứng thực quét và đối chiếu.",
        return_methods=["electronic"],
        unconfirmed=_unconfirmed(
            name="Tên dịch vụ, chưa xác nhận là tên thủ tục chính thức.",
            code="Không có mã quốc gia riêng; một tỉnh cung cấp như dịch vụ trực tuyến của 2.000815 (S6, nguồn yếu).",
            level="Cấp xã sau 01/7/2025 theo nguồn thứ cấp (S10).",
            time_limit="Theo quy tắc chung về chứng thực (trong ngày; ngày làm việc tiếp theo nếu sau 15 giờ); chưa xác nhận cho dịch vụ điện tử.",
            online_level="Có tỉnh cung cấp trực tuyến (S6); toàn trình hay một phần chưa xác nhận.",
        ),
        steps=[
            {
                "title": "Xuất trình bản chính",
                "description": "Người yêu cầu xuất trình bản chính tại nơi chứng thực.",
            },
            {
                "title": "Quét, chứng thực và ký số",
                "description": "Cơ quan chứng thực quét bản chính, chứng thực và ký số bản sao điện tử.",
            },
            {
                "title": "Trả kết quả",
                "description": "Bản sao điện tử được đưa vào kho dữ liệu điện tử của người yêu cầu.",
            },
        ],
        methods=methods("direct", "online"),
        agencies=[
            agency(
                "implementing",
                "Ủy ban nhân dân cấp xã; tổ chức hành nghề công chứng",
                scope="each_commune_committee",
                confirmed=False,
                note="Theo nguồn thứ cấp (S10).",
            ),
            agency("competent", "Ủy ban nhân dân cấp xã", scope="each_commune_committee", confirmed=False),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Bản chính giấy tờ, văn bản cần chứng thực bản sao điện tử (cơ quan chứng thực quét bản chính)",
                document_type="BAN_CHINH_CAN_CHUNG_THUC",
                confirmed=False,
                note="Chưa xác nhận (S10).",
            ),
        ],
        fees=[
            fee(
                "fee",
                "Phí chứng thực bản sao điện tử từ bản chính",
                None,
                per="trang",
                confirmed=False,
                note="Biểu phí bản giấy (2.000 đồng/trang…) có thể áp dụng nhưng chưa có nguồn xác nhận.",
            ),
        ],
        results=[
            {
                "name": "Bản sao điện tử có chữ ký số của người chứng thực và dấu của cơ quan, lưu vào kho dữ liệu điện tử "
                "của người yêu cầu",
                "paper_required": False,
                "electronic": True,
                "confirmed": False,
                "note": "Theo nguồn thứ cấp (S10).",
            }
        ],
        legal_bases=[
            law(
                "decree",
                "45/2020/NĐ-CP",
                "Nghị định về thực hiện thủ tục hành chính trên môi trường điện tử",
                note="Điều 10: cấp bản sao điện tử từ sổ gốc, chứng thực bản sao điện tử từ bản chính.",
            ),
            law("decree", "23/2015/NĐ-CP"),
            dated(ND_07_2025, "decree", confirmed=False, note="Nguồn thứ cấp (S10)."),
        ],
        eforms=[],
        process=simple_process(receive=15, appraise=30, sign=60, give_back=15),
    )


def _marital_status(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        requirements="Giấy xác nhận để kết hôn chỉ cấp một bản; cấp cho mục đích khác thì ghi rõ mục đích. Từ chối nếu "
        "yêu cầu để kết hôn với người cùng giới tính, hoặc kết hôn với người nước ngoài tại cơ quan đại diện nước ngoài tại Việt Nam.",
        time_limit_amount="3",
        time_limit_unit="working_days",
        national_decision="163/QĐ-BTP",
        unconfirmed=_unconfirmed(
            time_limit="Cổng ghi “3”, không ghi đơn vị; có thể là 03 ngày làm việc, chưa xác nhận."
        ),
        steps=[
            {"title": "Nộp hồ sơ", "description": "Nộp tờ khai, xuất trình giấy tờ tùy thân."},
            {
                "title": "Xác minh",
                "description": "Nếu không nộp lại được Giấy xác nhận đã cấp, cơ quan có văn bản đề nghị nơi dự "
                "định đăng ký kết hôn trước đây xác minh trong 03 ngày làm việc.",
            },
            {
                "title": "Cấp Giấy xác nhận",
                "description": "Lãnh đạo Ủy ban nhân dân cấp xã ký cấp Giấy xác nhận.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=commune_agencies(),
        documents=[
            doc(
                "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân hoặc biểu mẫu điện tử tương tác",
                document_type="TO_KHAI_XNTTHN",
                eform="to-khai-xntthn",
            ),
            doc(
                "Giấy xác nhận tình trạng hôn nhân đã được cấp trước đây",
                document_type="KQ.G15.000038",
                required=False,
                condition="Khi yêu cầu cấp lại cho mục đích khác hoặc do hết hạn",
            ),
            authorisation(),
            *identity_shown(),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân",
                None,
                exemptions="Miễn cho gia đình người có công, hộ nghèo, người khuyết tật.",
                note="Bảng phí ghi “Miễn phí”; ghi chú: mức do HĐND tỉnh quy định.",
            )
        ],
        results=[
            {
                "name": "Giấy xác nhận tình trạng hôn nhân",
                "code": "KQ.G15.000038",
                "validity": "06 tháng kể từ ngày cấp",
                "confirmed": False,
                "note": "Thời hạn sử dụng không nêu trong nguồn.",
            }
        ],
        legal_bases=civil_status_laws(stage=3, marriage=True),
        eforms=[marital_status_form()],
        process=simple_process(receive=30, appraise=840, sign=450, give_back=120),
    )


def _household_business(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Đăng ký thành lập hộ kinh doanh",
        requirements="Hồ sơ nộp tại Cơ quan đăng ký kinh doanh cấp xã nơi đặt trụ sở hộ kinh doanh, hoặc bất kỳ Cơ quan "
        "đăng ký kinh doanh cấp xã nào trong tỉnh. Lệ phí nộp khi nộp hồ sơ, không hoàn lại nếu bị từ chối.",
        time_limit_amount="3",
        time_limit_unit="working_days",
        online_level="partial",
        online_reason="other_technical",
        online_reason_text="Chưa đánh giá được điều kiện cung cấp toàn trình (bản demo).",
        national_decision="2353/QĐ-BTC",
        unconfirmed=_unconfirmed(
            time_limit="Bảng thời hạn ghi “Không có thông tin”; trình tự nêu 03 ngày làm việc kể từ ngày nhận hồ sơ."
        ),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Nộp trực tiếp, qua bưu chính hoặc trực tuyến trên Hệ thống thông tin về đăng "
                "ký hộ kinh doanh (đăng nhập bằng tài khoản định danh điện tử, ký số).",
            },
            {
                "title": "Giải quyết",
                "description": "Cấp Giấy chứng nhận đăng ký hộ kinh doanh hoặc thông báo nội dung cần sửa "
                "đổi, bổ sung trong 03 ngày làm việc.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=[
            agency(
                "implementing",
                "Cơ quan đăng ký kinh doanh cấp xã",
                scope="each_commune_committee",
                note="Cơ quan đăng ký kinh doanh cấp xã thuộc Ủy ban nhân dân cấp xã (cách ánh xạ của bản demo).",
            ),
            agency("competent", "Cơ quan đăng ký kinh doanh cấp xã", scope="each_commune_committee"),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Giấy đề nghị đăng ký hộ kinh doanh",
                document_type="GIAY_DE_NGHI_DK_HKD",
                eform="giay-de-nghi-hkd",
            ),
            doc(
                "Bản sao biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh, có công chứng hoặc chứng thực "
                "văn bản ủy quyền của các thành viên cho một thành viên làm chủ hộ",
                document_type="BB_HOP_HO_GIA_DINH",
                originals=0,
                copies=1,
                required=False,
                condition="Khi các thành viên hộ gia đình cùng đăng ký",
            ),
            doc(
                "Văn bản ủy quyền cho cá nhân nộp hồ sơ (không cần công chứng, chứng thực)",
                document_type="VB_UY_QUYEN",
                originals=0,
                copies=1,
                required=False,
                condition="Người nộp là cá nhân được ủy quyền",
            ),
            doc(
                "Bản sao hợp đồng cung cấp dịch vụ và giấy giới thiệu của tổ chức",
                document_type="HD_DICH_VU",
                originals=0,
                copies=1,
                required=False,
                condition="Người nộp là tổ chức được ủy quyền",
            ),
            doc(
                "Bản sao phiếu gửi hồ sơ có chữ ký xác nhận của nhân viên bưu chính",
                document_type="PHIEU_GUI_BUU_CHINH",
                originals=0,
                copies=1,
                required=False,
                condition="Nộp qua dịch vụ bưu chính công ích",
            ),
            doc(
                "Bản sao thẻ Căn cước hoặc Căn cước công dân",
                document_type="GIAY_TO_TUY_THAN",
                originals=0,
                copies=1,
                required=False,
                condition="Người thành lập chưa có tài khoản định danh điện tử",
                lookup_database="population",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí đăng ký hộ kinh doanh (trực tuyến)",
                150000,
                per="lần",
                channel="online",
                payable_online=True,
                legal_basis="TT 85/2019/TT-BTC",
                confirmed=False,
                note="Số trên Cổng là giá trị mẫu; mức thực tế do HĐND tỉnh quy định.",
            ),
            fee(
                "charge",
                "Lệ phí đăng ký hộ kinh doanh (bưu chính)",
                150000,
                per="lần",
                channel="postal",
                legal_basis="TT 85/2019/TT-BTC",
                confirmed=False,
                note="Như trên.",
            ),
            fee(
                "charge",
                "Lệ phí đăng ký hộ kinh doanh (trực tiếp)",
                50000,
                per="lần",
                channel="direct",
                legal_basis="TT 85/2019/TT-BTC",
                confirmed=False,
                note="Như trên.",
            ),
        ],
        results=[
            {"name": "Giấy chứng nhận đăng ký hộ kinh doanh", "code": "KQ.G12.001041"},
            {
                "name": "Thông báo về việc sửa đổi, bổ sung hồ sơ đăng ký hộ kinh doanh",
                "code": "KQ.G12.001009",
                "paper_required": False,
            },
        ],
        legal_bases=[
            law("law", "59/2020/QH14", "Luật Doanh nghiệp"),
            law("law", "76/2025/QH15", "Luật sửa đổi, bổ sung một số điều của Luật Doanh nghiệp"),
            law("decree", "168/2025/NĐ-CP", "Nghị định về đăng ký doanh nghiệp"),
            law("circular", "68/2025/TT-BTC"),
            law("circular", "85/2019/TT-BTC"),
        ],
        eforms=[household_business_form()],
        process=simple_process(receive=30, appraise=900, sign=390, give_back=120),
    )


def _construction(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến trong đô "
        "thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo tuyến/Theo giai "
        "đoạn cho công trình theo tuyến trong đô thị/Dự án) và nhà ở riêng lẻ",
        subjects_organizations=True,
        time_limit_amount="15",
        time_limit_unit="calendar_days",
        online_reason="field_verification",
        online_reason_text="Cơ quan cấp phép có thể kiểm tra thực địa; bản vẽ thiết kế được đóng dấu khi trả kết quả.",
        national_decision="56/QĐ-BXD",
        unconfirmed=_unconfirmed(
            time_limit="Bảng ghi 20 ngày (trực tuyến, bưu chính) và 15 ngày (trực tiếp); trình tự ghi "
            "20 ngày, 15 ngày với nhà ở riêng lẻ. Cách chia theo kênh như được công bố."
        ),
        steps=[
            {"title": "Nộp hồ sơ", "description": "Nộp tại Trung tâm Phục vụ hành chính công cấp xã."},
            {
                "title": "Thẩm định",
                "description": "Trong 07 ngày làm việc thẩm định hồ sơ, yêu cầu bổ sung một lần nếu cần.",
            },
            {"title": "Lấy ý kiến", "description": "Các cơ quan được lấy ý kiến trả lời trong 12 ngày."},
            {
                "title": "Cấp giấy phép",
                "description": "Quyết định cấp giấy phép trong 20 ngày (15 ngày với nhà ở riêng lẻ) kể từ "
                "ngày nhận đủ hồ sơ hợp lệ.",
            },
        ],
        methods=methods(
            "direct",
            "postal",
            "online",
            online=("20", "calendar_days"),
            postal=("20", "calendar_days"),
            direct=("15", "calendar_days"),
        ),
        agencies=[
            agency(
                "implementing", "Uỷ ban Nhân dân cấp xã, phường, thị trấn", scope="each_commune_committee"
            ),
            agency("competent", "Uỷ ban Nhân dân cấp xã, phường, thị trấn", scope="each_commune_committee"),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
            agency(
                "coordinating",
                "Cơ quan chuyên môn về xây dựng được lấy ý kiến",
                units["xaydung"],
                confirmed=False,
                note="Nguồn nêu các cơ quan được lấy ý kiến mà không nêu tên; bản demo gửi Sở Xây dựng.",
            ),
        ],
        documents=[
            doc(
                "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 1 Phụ lục số II NĐ 175/2024/NĐ-CP)",
                document_type="DON_DE_NGHI_GPXD",
                copies=1,
                group="Nhà ở riêng lẻ",
                eform="don-de-nghi-gpxd",
                note="Trên Cổng, mẫu trong khối này ghi là mẫu “sửa chữa, cải tạo”, có vẻ là lỗi dữ liệu.",
            ),
            doc(
                "Một trong các giấy tờ hợp pháp về đất đai theo Điều 53 NĐ 175/2024/NĐ-CP",
                document_type="GIAY_TO_DAT_DAI",
                copies=1,
                group="Nhà ở riêng lẻ",
                lookup_database="land",
                digitisation_required=True,
            ),
            doc(
                "Hồ sơ thiết kế: 02 bộ bản vẽ (mặt bằng vị trí, mặt bằng, mặt đứng, mặt cắt chính; móng và đấu nối hạ tầng); "
                "kết quả thủ tục về phòng cháy chữa cháy và báo cáo thẩm tra thiết kế nếu pháp luật yêu cầu; cam kết bảo đảm "
                "an toàn công trình liền kề nếu có",
                document_type="HO_SO_THIET_KE",
                originals=2,
                copies=2,
                group="Nhà ở riêng lẻ",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí cấp giấy phép xây dựng",
                None,
                confirmed=False,
                note="Bảng ghi “Miễn phí”, ghi chú “Theo quy định của Hội đồng nhân dân cấp tỉnh”; mức chưa xác nhận.",
            )
        ],
        results=[
            {
                "name": "Giấy phép xây dựng kèm hồ sơ thiết kế có đóng dấu của cơ quan cấp phép",
                "code": "KQ.G17.000311",
            }
        ],
        legal_bases=[
            law("law", "50/2014/QH13", "Luật Xây dựng"),
            law("law", "62/2020/QH14", "Luật sửa đổi, bổ sung một số điều của Luật Xây dựng"),
            law("decree", "175/2024/NĐ-CP"),
            law("decree", "105/2025/NĐ-CP"),
            law(
                "decree",
                "140/2025/NĐ-CP",
                "Phân định thẩm quyền chính quyền địa phương hai cấp, lĩnh vực xây dựng",
            ),
            law("decree", "144/2025/NĐ-CP", "Phân cấp, phân quyền lĩnh vực xây dựng"),
            law("decree", "14/2026/NĐ-CP", governs_publication=True),
        ],
        eforms=[construction_form()],
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận, kiểm tra hồ sơ",
                "intake_officer",
                "receiving",
                60,
                ["receive", "request_supplement", "refuse", "transfer"],
            ),
            step(
                "tham-dinh",
                "Thẩm định hồ sơ, kiểm tra thực địa",
                "specialist",
                "competent",
                1680,
                ["assign", "appraise", "verify", "request_supplement", "reject"],
                after=["tiep-nhan"],
            ),
            step(
                "lay-y-kien",
                "Lấy ý kiến cơ quan liên quan",
                "specialist",
                "coordinating",
                1920,
                ["coordinate"],
                after=["tham-dinh"],
            ),
            step(
                "du-thao",
                "Dự thảo giấy phép",
                "specialist",
                "competent",
                960,
                ["draft_result", "reject"],
                after=["lay-y-kien"],
            ),
            step(
                "ky-duyet",
                "Lãnh đạo ký giấy phép",
                "leader",
                "competent",
                480,
                ["approve", "sign", "reject"],
                after=["du-thao"],
            ),
            step(
                "tra-ket-qua",
                "Trả kết quả",
                "intake_officer",
                "receiving",
                120,
                ["return_result"],
                after=["ky-duyet"],
            ),
        ],
    )


def _land(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền "
        "với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài",
        subjects_note="Hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài.",
        time_limit_amount="27",
        time_limit_unit="working_days",
        online_reason="field_verification",
        online_reason_text="Đo đạc, niêm yết công khai tại xã; nộp bản gốc giấy tờ khi nhận kết quả.",
        national_decision="3380/QĐ-BNNMT",
        unconfirmed=_unconfirmed(),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Nộp tại Trung tâm Phục vụ hành chính công; trực tuyến thì nộp bản quét từ bản "
                "chính hoặc bản sao có chứng thực, nộp bản gốc khi nhận kết quả.",
            },
            {
                "title": "Kiểm tra, niêm yết công khai",
                "description": "Ủy ban nhân dân cấp xã kiểm tra và niêm yết công khai kết quả trong 15 ngày.",
            },
            {
                "title": "Đo đạc địa chính",
                "description": "Đơn vị đo đạc thực hiện trích đo trong không quá 05 ngày làm việc.",
            },
            {
                "title": "Cấp Giấy chứng nhận",
                "description": "Văn phòng đăng ký đất đai kiểm tra, chuẩn bị Giấy chứng nhận; Chủ tịch "
                "Ủy ban nhân dân xã ký.",
            },
        ],
        methods=methods(
            "direct",
            "postal",
            "online",
            online=("17", "working_days"),
            postal=("20", "working_days"),
            direct=("27", "working_days"),
        ),
        agencies=[
            agency(
                "implementing",
                "Văn phòng đăng ký đất đai; Chi nhánh Văn phòng đăng ký đất đai; Chủ tịch Ủy ban nhân dân xã",
                scope="each_commune_committee",
            ),
            agency("competent", "Chủ tịch Ủy ban nhân dân xã", scope="each_commune_committee"),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
            agency(
                "coordinating",
                "Văn phòng đăng ký đất đai (thuộc Sở Nông nghiệp và Môi trường)",
                units["nnmt"],
                note="Văn phòng đăng ký đất đai là đơn vị thuộc Sở; bản demo ghi nhận qua Sở.",
            ),
        ],
        documents=[
            doc(
                "Đơn đăng ký đất đai, tài sản gắn liền với đất",
                document_type="DON_DANG_KY_DAT_DAI",
                copies=1,
                eform="don-dang-ky-dat-dai",
            ),
            doc(
                "Một trong các giấy tờ về quyền sử dụng đất theo Điều 137, hoặc Điều 148, 149 (khoản 1, 5) Luật Đất đai; sơ "
                "đồ nhà ở, công trình (nếu có)",
                document_type="GIAY_TO_QSDD",
                copies=1,
                digitisation_required=True,
            ),
            doc(
                "Mảnh trích đo bản đồ địa chính thửa đất (nếu có)",
                document_type="TRICH_DO_DIA_CHINH",
                copies=1,
                required=False,
            ),
            doc(
                "Chứng từ thực hiện nghĩa vụ tài chính, hoặc giấy tờ miễn, giảm",
                document_type="CHUNG_TU_NVTC",
                copies=1,
                required=False,
                condition="Khi có nghĩa vụ tài chính",
            ),
            doc(
                "Giấy tờ về thừa kế",
                document_type="GIAY_TO_THUA_KE",
                copies=1,
                required=False,
                condition="Khi nhận thừa kế",
            ),
            doc(
                "Văn bản thỏa thuận cấp chung một Giấy chứng nhận",
                document_type="THOA_THUAN_CAP_CHUNG",
                copies=1,
                required=False,
                condition="Nhiều người cùng sử dụng đất",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí cấp Giấy chứng nhận",
                None,
                confirmed=False,
                note="Bảng ghi “Miễn phí”, ghi chú: theo Luật Phí và lệ phí; mức do tỉnh quy định, chưa xác nhận.",
            ),
            fee(
                "fee",
                "Phí thẩm định hồ sơ cấp Giấy chứng nhận",
                None,
                confirmed=False,
                note="Mức do tỉnh quy định, chưa xác nhận.",
            ),
        ],
        results=[
            {
                "name": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
                "code": "KQ.G10.001148",
                "validity": "Không thời hạn",
            },
            {
                "name": "Thông báo xác nhận kết quả đăng ký đất đai",
                "code": "KQ.G10.000921",
                "paper_required": False,
            },
        ],
        legal_bases=[
            law("law", "31/2024/QH15", "Luật Đất đai"),
            law("law", "43/2024/QH15"),
            law("decree", "101/2024/NĐ-CP"),
            law("decree", "151/2025/NĐ-CP"),
            law("decree", "226/2025/NĐ-CP", governs_publication=True),
            dated(ND_118_2025, "decree", note="Cổng in là “118/2025/NĐ-C”."),
        ],
        eforms=[land_form()],
        # Posting and survey run in parallel; the certificate waits for both (a join).
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận, kiểm tra hồ sơ",
                "intake_officer",
                "receiving",
                120,
                ["receive", "request_supplement", "refuse", "transfer"],
            ),
            step(
                "kiem-tra",
                "Ủy ban nhân dân xã kiểm tra hồ sơ, hiện trạng",
                "specialist",
                "competent",
                960,
                ["assign", "appraise", "verify", "request_supplement", "reject"],
                after=["tiep-nhan"],
            ),
            step(
                "niem-yet",
                "Niêm yết công khai 15 ngày",
                "specialist",
                "competent",
                5280,
                ["post_notice"],
                after=["kiem-tra"],
            ),
            step(
                "do-dac",
                "Trích đo địa chính, xác minh",
                "specialist",
                "coordinating",
                2400,
                ["coordinate", "verify"],
                after=["kiem-tra"],
            ),
            step(
                "chuan-bi-gcn",
                "Văn phòng đăng ký đất đai chuẩn bị Giấy chứng nhận",
                "specialist",
                "unit",
                1200,
                ["draft_result"],
                after=["niem-yet", "do-dac"],
                unit=units["nnmt"],
            ),
            step(
                "ky-gcn",
                "Chủ tịch Ủy ban nhân dân xã ký Giấy chứng nhận",
                "leader",
                "competent",
                360,
                ["approve", "sign", "reject"],
                after=["chuan-bi-gcn"],
            ),
            step(
                "tra-ket-qua",
                "Trả kết quả, thu bản gốc giấy tờ",
                "intake_officer",
                "receiving",
                240,
                ["return_result"],
                after=["ky-gcn"],
            ),
        ],
    )


def _criminal_record(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, người Việt Nam đang cư trú ở nước ngoài",
        subjects_note="Công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, người Việt Nam đang cư trú ở nước ngoài.",
        time_limit_amount="10",
        time_limit_unit="calendar_days",
        online_reason="other_technical",
        online_reason_text="Phiếu số 2 cấp cho chính người được cấp; nhận kết quả theo quy định của ngành.",
        national_decision="1025/QĐ-BCA",
        unconfirmed=_unconfirmed(),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Trực tuyến: đăng nhập bằng tài khoản định danh điện tử mức 2 trên Cổng Dịch vụ công "
                "hoặc VNeID, điền biểu mẫu điện tử tương tác và nộp phí trực tuyến.",
            },
            {
                "title": "Tra cứu, xác minh",
                "description": "Công an tỉnh tra cứu, xác minh thông tin lý lịch tư pháp.",
            },
            {"title": "Cấp Phiếu", "description": "Cấp Phiếu Lý lịch tư pháp số 1 hoặc số 2."},
        ],
        methods=methods("direct", "postal", "online"),
        agencies=[
            agency("implementing", "Công an tỉnh", units["congan"]),
            agency("competent", "Công an tỉnh", units["congan"]),
            agency("receiving", "Trung tâm Phục vụ hành chính công tỉnh", units["ttpvhcc.tinh"]),
        ],
        documents=[
            doc(
                "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 01/2025/LLTP) hoặc biểu mẫu điện tử tương tác (Mẫu số 04/2025/LLTP)",
                document_type="TO_KHAI_LLTP",
                eform="to-khai-lltp",
            ),
            doc(
                "Mẫu số 02/2025/LLTP hoặc biểu mẫu điện tử Mẫu số 05/2025/LLTP",
                document_type="TO_KHAI_LLTP_UY_QUYEN",
                required=False,
                condition="Ủy quyền yêu cầu cấp Phiếu số 1; cha, mẹ yêu cầu cho con chưa thành niên",
            ),
            doc(
                "Bản chụp thẻ Căn cước, Căn cước công dân, giấy xác nhận căn cước hoặc hộ chiếu của người được cấp Phiếu; "
                "xuất trình bản chính, nếu không có thì nộp bản sao có chứng thực",
                document_type="GIAY_TO_TUY_THAN",
                originals=0,
                copies=1,
                lookup_database="population",
            ),
            doc(
                "Văn bản ủy quyền có công chứng hoặc chứng thực; không cần nếu người được ủy quyền là cha, mẹ, vợ, chồng, con",
                document_type="VB_UY_QUYEN",
                required=False,
                condition="Khi ủy quyền",
            ),
            doc(
                "Giấy tờ chứng minh thuộc đối tượng miễn, giảm phí",
                document_type="MIEN_GIAM_PHI",
                required=False,
                condition="Khi đề nghị miễn, giảm phí",
            ),
        ],
        fees=[
            fee(
                "fee",
                "Phí cung cấp thông tin lý lịch tư pháp",
                None,
                per="lần",
                payable_online=True,
                confirmed=False,
                legal_basis="TT 244/2016/TT-BTC hoặc văn bản thay thế",
                note="Bảng ghi “Miễn phí”; mức theo TT 244/2016/TT-BTC chưa xác nhận; TT 16/2025/TT-BTC có tồn tại, nội dung chưa xác nhận.",
            )
        ],
        results=[
            {"name": "Phiếu Lý lịch tư pháp số 1", "code": "KQ.G01.000200"},
            {"name": "Phiếu Lý lịch tư pháp số 2", "code": "KQ.G01.000199"},
        ],
        legal_bases=[law("law", "28/2009/QH12", "Luật Lý lịch tư pháp")],
        eforms=[criminal_record_form()],
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận, kiểm tra hồ sơ, thu phí",
                "intake_officer",
                "receiving",
                60,
                ["receive", "request_supplement", "refuse", "transfer"],
            ),
            step(
                "tra-cuu",
                "Tra cứu, xác minh thông tin lý lịch tư pháp",
                "specialist",
                "competent",
                2400,
                ["assign", "appraise", "verify", "request_supplement"],
                after=["tiep-nhan"],
            ),
            step(
                "lap-phieu",
                "Lập Phiếu lý lịch tư pháp",
                "specialist",
                "competent",
                720,
                ["draft_result", "reject"],
                after=["tra-cuu"],
            ),
            step(
                "ky-phieu",
                "Lãnh đạo ký Phiếu",
                "leader",
                "competent",
                480,
                ["approve", "sign", "reject"],
                after=["lap-phieu"],
            ),
            step(
                "tra-ket-qua",
                "Trả kết quả",
                "intake_officer",
                "receiving",
                180,
                ["return_result"],
                after=["ky-phieu"],
            ),
        ],
    )


def _driving_licence(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Đổi giấy phép lái xe",
        subjects_note="Công dân Việt Nam; người nước ngoài, người Việt Nam định cư ở nước ngoài có giấy phép lái xe.",
        time_limit_amount="5",
        time_limit_unit="working_days",
        online_reason="presence",
        online_reason_text="Nộp trực tiếp thì chụp ảnh tại chỗ.",
        national_decision="1025/QĐ-BCA",
        unconfirmed=_unconfirmed(
            level="Cổng ghi cấp thực hiện là “Cấp bộ”; bản demo xếp cấp tỉnh vì Công an tỉnh thực hiện."
        ),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Nộp trực tuyến hoặc trực tiếp; hồ sơ không đủ được trả lại kèm thông báo trong 02 ngày làm việc.",
            },
            {"title": "Cấp đổi", "description": "Cấp giấy phép lái xe mới trong 05 ngày làm việc."},
            {"title": "Trả kết quả", "description": "Trả trực tiếp hoặc qua bưu chính."},
        ],
        methods=methods("direct", "online"),
        agencies=[
            agency(
                "implementing",
                "Cục Cảnh sát giao thông; Công an tỉnh (Phòng Cảnh sát giao thông); Công an cấp xã (điểm tiếp nhận)",
                units["congan"],
            ),
            agency("competent", "Công an tỉnh (Phòng Cảnh sát giao thông)", units["congan"]),
            agency("receiving", "Trung tâm Phục vụ hành chính công tỉnh", units["ttpvhcc.tinh"]),
        ],
        documents=[
            doc(
                "Đề nghị đổi giấy phép lái xe (Phụ lục XII Thông tư 12/2025/TT-BCA)",
                document_type="DE_NGHI_DOI_GPLX",
                eform="de-nghi-doi-gplx",
            ),
            doc(
                "Giấy khám sức khỏe của người lái xe còn hiệu lực; không cần với hạng A1, A, B1",
                document_type="GIAY_KHAM_SUC_KHOE",
                required=False,
                condition="Trừ hạng A1, A, B1",
                digitisation_required=True,
            ),
            doc(
                "Hộ chiếu còn thời hạn",
                document_type="HO_CHIEU",
                required=False,
                condition="Người nước ngoài, người Việt Nam định cư ở nước ngoài",
            ),
            doc(
                "Giấy tờ khác theo Điều 21 khoản 1 điểm d Thông tư 12/2025/TT-BCA",
                document_type="GIAY_TO_KHAC_GPLX",
                required=False,
            ),
            doc(
                "Bản sao hoặc bản sao điện tử có chứng thực giấy phép lái xe; hoặc quyết định xử phạt nếu giấy phép tích hợp bị tạm giữ",
                document_type="KQ.G01.000185",
                originals=0,
                copies=1,
                lookup_database="data_store",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí cấp đổi giấy phép lái xe (nộp trực tiếp)",
                135000,
                per="lần",
                channel="direct",
                legal_basis="TT 37/2023/TT-BTC",
            ),
            fee(
                "charge",
                "Lệ phí cấp đổi giấy phép lái xe (nộp trực tuyến)",
                115000,
                per="lần",
                channel="online",
                payable_online=True,
                legal_basis="TT 63/2023/TT-BTC",
                confirmed=False,
                note="115.000 đồng áp dụng từ 01/12/2023 đến 31/12/2025 như đã công bố; mức trực tuyến sau năm 2025 chưa xác nhận.",
            ),
        ],
        results=[{"name": "Giấy phép lái xe", "code": "KQ.G01.000185"}],
        legal_bases=[
            law("circular", "12/2025/TT-BCA"),
            law("circular", "37/2023/TT-BTC"),
            law("circular", "63/2023/TT-BTC"),
            law("circular", "06/2025/TT-BTC"),
        ],
        eforms=[licence_form()],
        process=simple_process(receive=60, appraise=1320, sign=600, give_back=420),
    )


def _company(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Đăng ký thành lập công ty TNHH một thành viên",
        subjects_citizens=True,
        subjects_organizations=True,
        subjects_note="Cá nhân, tổ chức thành lập công ty trách nhiệm hữu hạn một thành viên.",
        time_limit_amount="3",
        time_limit_unit="working_days",
        online_reason="other_technical",
        online_reason_text="Chưa đánh giá được điều kiện cung cấp toàn trình (bản demo).",
        national_decision="92/QĐ-BTC",
        unconfirmed=_unconfirmed(),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Nộp tại Cơ quan đăng ký kinh doanh cấp tỉnh, qua bưu chính hoặc trực tuyến.",
            },
            {
                "title": "Xem xét hồ sơ",
                "description": "Cấp Giấy chứng nhận đăng ký doanh nghiệp, hoặc thông báo sửa đổi, bổ sung, "
                "hoặc từ chối bằng văn bản nêu rõ lý do, trong 03 ngày làm việc.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=[
            agency(
                "implementing",
                "Sở Tài chính các tỉnh, thành phố (Cơ quan đăng ký kinh doanh cấp tỉnh)",
                units["taichinh"],
            ),
            agency("competent", "Sở Tài chính (Cơ quan đăng ký kinh doanh cấp tỉnh)", units["taichinh"]),
            agency("receiving", "Trung tâm Phục vụ hành chính công tỉnh", units["ttpvhcc.tinh"]),
        ],
        documents=[
            doc(
                "Giấy đề nghị đăng ký doanh nghiệp",
                document_type="GIAY_DE_NGHI_DKDN",
                eform="giay-de-nghi-dkdn",
            ),
            doc("Điều lệ công ty", document_type="DIEU_LE_CONG_TY"),
            doc(
                "Danh sách chủ sở hữu hưởng lợi của doanh nghiệp",
                document_type="DS_CHU_SO_HUU_HUONG_LOI",
                required=False,
                condition="Nếu có",
            ),
            doc(
                "Bản sao giấy tờ pháp lý của cá nhân chủ sở hữu và người đại diện theo pháp luật; hoặc giấy tờ pháp lý của tổ chức "
                "chủ sở hữu, văn bản cử người đại diện theo ủy quyền và giấy tờ pháp lý của người đó",
                document_type="GIAY_TO_PHAP_LY",
                originals=0,
                copies=1,
                lookup_database="population",
            ),
            doc(
                "Văn bản chấp thuận của cơ quan có thẩm quyền về nhà đầu tư nước ngoài; giấy tờ ủy quyền khi người khác nộp hồ sơ",
                document_type="VB_CHAP_THUAN_NDTNN",
                required=False,
                condition="Khi pháp luật yêu cầu; khi ủy quyền",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Lệ phí đăng ký doanh nghiệp (nộp trực tiếp)",
                50000,
                per="lần",
                channel="direct",
                legal_basis="TT 47/2019/TT-BTC; TT 64/2025/TT-BTC (50% mức thu)",
            ),
            fee(
                "fee",
                "Phí công bố nội dung đăng ký doanh nghiệp (nộp trực tuyến)",
                100000,
                per="lần",
                channel="online",
                payable_online=True,
                legal_basis="TT 47/2019/TT-BTC",
            ),
            fee(
                "fee",
                "Phí công bố nội dung đăng ký doanh nghiệp (qua bưu chính)",
                100000,
                per="lần",
                channel="postal",
                legal_basis="TT 47/2019/TT-BTC",
            ),
            fee(
                "charge",
                "Lệ phí đăng ký doanh nghiệp khi nộp trực tuyến",
                None,
                channel="online",
                confirmed=False,
                note="Việc miễn lệ phí đăng ký khi nộp trực tuyến chưa xác nhận.",
            ),
        ],
        results=[
            {
                "name": "Giấy chứng nhận đăng ký doanh nghiệp công ty TNHH một thành viên",
                "code": "KQ.G12.001046",
            },
            {
                "name": "Thông báo về việc sửa đổi, bổ sung hồ sơ",
                "code": "KQ.G12.001051",
                "paper_required": False,
            },
            {
                "name": "Văn bản từ chối đăng ký doanh nghiệp",
                "code": "KQ.G12.001040",
                "paper_required": False,
            },
        ],
        legal_bases=[
            law("law", "59/2020/QH14", "Luật Doanh nghiệp"),
            law("law", "76/2025/QH15"),
            law("decree", "168/2025/NĐ-CP"),
            law("circular", "68/2025/TT-BTC"),
            law("circular", "47/2019/TT-BTC"),
            law("circular", "64/2025/TT-BTC"),
            dated(NQ_66_7_2025, "resolution", governs_publication=True),
        ],
        eforms=[company_form()],
        process=simple_process(receive=30, appraise=900, sign=390, give_back=120),
    )


def _extract_copy(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        subjects_organizations=True,
        time_limit_amount="0",
        time_limit_unit="working_days",
        time_limit_convention="civil",
        cutoff_time="15:00",
        national_decision="163/QĐ-BTP",
        unconfirmed=_unconfirmed(
            time_limit="Bảng ghi “Không có thông tin”; trình tự: trong ngày, ngày làm việc tiếp theo nếu "
            "tiếp nhận sau 15 giờ; người nộp trực tuyến xác nhận bản dự thảo trong một ngày."
        ),
        steps=[
            {
                "title": "Nộp yêu cầu",
                "description": "Cá nhân nộp tờ khai; cơ quan, tổ chức nộp văn bản nêu rõ lý do.",
            },
            {
                "title": "Cấp bản sao",
                "description": "Cơ quan quản lý Cơ sở dữ liệu hộ tịch điện tử cấp bản sao.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=[
            agency("implementing", "Cơ quan quản lý cơ sở dữ liệu hộ tịch điện tử", units["tuphap"]),
            agency("competent", "Sở Tư pháp", units["tuphap"]),
            agency("competent", "Ủy ban nhân dân cấp xã", scope="each_commune_committee"),
            agency("receiving", "Trung tâm Phục vụ hành chính công tỉnh", units["ttpvhcc.tinh"]),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Tờ khai cấp bản sao trích lục hộ tịch (cá nhân) hoặc văn bản yêu cầu nêu rõ lý do (cơ quan, tổ chức), hoặc biểu mẫu điện tử",
                document_type="TO_KHAI_BAN_SAO_TRICH_LUC",
                eform="to-khai-ban-sao-trich-luc",
            ),
            authorisation(),
            *identity_shown(),
        ],
        fees=[
            fee(
                "fee",
                "Phí cấp bản sao trích lục hộ tịch",
                8000,
                per="bản",
                payable_online=True,
                legal_basis="TT 281/2016/TT-BTC",
            )
        ],
        results=[{"name": "Bản sao Trích lục hộ tịch, bản sao Giấy khai sinh", "code": "KQ.G15.000342"}],
        legal_bases=[
            law(
                "law",
                "60/2014/QH13",
                "Luật Hộ tịch",
                confirmed=False,
                note="Nguồn không liệt kê căn cứ pháp lý cho thủ tục này; ghi theo lĩnh vực hộ tịch.",
            ),
            law("circular", "281/2016/TT-BTC", "Căn cứ của mức phí"),
        ],
        eforms=[extract_copy_form()],
        process=simple_process(receive=15, appraise=45, sign=45, give_back=15),
    )


def _food_safety(units: Mapping[str, Unit], stage: int) -> dict[str, Any]:
    return _common(
        "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm nông, lâm, thủy sản",
        subjects_citizens=True,
        subjects_organizations=True,
        time_limit_amount="15",
        time_limit_unit="calendar_days",
        online_reason="field_verification",
        online_reason_text="Thẩm định thực tế tại cơ sở.",
        national_decision="1908/QĐ-BNNMT",
        requirements="Thời hạn tính từ khi nhận đủ hồ sơ hợp lệ. Kiểm tra tính đầy đủ: trả lời ngay khi nộp trực tiếp, trong "
        "01 ngày làm việc khi nộp trực tuyến hoặc qua bưu chính.",
        unconfirmed=_unconfirmed(),
        steps=[
            {
                "title": "Nộp hồ sơ",
                "description": "Nộp đơn đề nghị và bản thuyết minh về cơ sở vật chất, trang thiết bị.",
            },
            {"title": "Thẩm định", "description": "Thẩm định hồ sơ và thẩm định thực tế tại cơ sở."},
            {
                "title": "Cấp Giấy chứng nhận",
                "description": "Cấp Giấy chứng nhận trong 15 ngày kể từ khi nhận đủ hồ sơ hợp lệ.",
            },
        ],
        methods=methods("direct", "postal", "online"),
        agencies=[
            agency(
                "implementing",
                "Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định",
                units["nnmt"],
                confirmed=False,
                note="Bản demo giả định tỉnh chỉ định Sở Nông nghiệp và Môi trường.",
            ),
            agency(
                "competent", "Sở Nông nghiệp và Môi trường", units["nnmt"], confirmed=False, note="Như trên."
            ),
            agency("receiving", "Trung tâm Phục vụ hành chính công tỉnh", units["ttpvhcc.tinh"]),
        ],
        documents=[
            doc(
                "Đơn đề nghị cấp Giấy chứng nhận (Phụ lục I Thông tư 17/2025/TT-BNNMT)",
                document_type="DON_DE_NGHI_ATTP",
                eform="don-de-nghi-attp",
            ),
            doc(
                "Bản thuyết minh về cơ sở vật chất, trang thiết bị (Phụ lục II Thông tư 17/2025/TT-BNNMT)",
                document_type="THUYET_MINH_ATTP",
            ),
        ],
        fees=[
            fee(
                "fee",
                "Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                700000,
                per="cơ sở",
                payable_online=stage >= 2,
                note="Áp dụng khi cơ quan kiểm tra địa phương thẩm định; cột số tiền trên Cổng ghi “700 VNĐ” do bị cắt.",
            )
        ],
        results=[{"name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "code": "KQ.G10.000559"}],
        legal_bases=[
            law("law", "55/2010/QH12", "Luật An toàn thực phẩm"),
            law("circular", "17/2024/TT-BNNPTNT"),
            law("circular", "17/2025/TT-BNNMT"),
            law("circular", "38/2018/TT-BNNPTNT"),
        ],
        eforms=[food_safety_form()],
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận, kiểm tra tính đầy đủ",
                "intake_officer",
                "receiving",
                60,
                ["receive", "request_supplement", "refuse", "transfer"],
            ),
            step(
                "tham-dinh-ho-so",
                "Thẩm định hồ sơ",
                "specialist",
                "competent",
                1440,
                ["assign", "appraise", "request_supplement"],
                after=["tiep-nhan"],
            ),
            step(
                "tham-dinh-thuc-te",
                "Thẩm định thực tế tại cơ sở",
                "specialist",
                "competent",
                1920,
                ["verify", "reject"],
                after=["tham-dinh-ho-so"],
            ),
            step(
                "du-thao",
                "Dự thảo Giấy chứng nhận",
                "specialist",
                "competent",
                960,
                ["draft_result"],
                after=["tham-dinh-thuc-te"],
            ),
            step(
                "ky-duyet",
                "Lãnh đạo ký",
                "leader",
                "competent",
                480,
                ["approve", "sign", "reject"],
                after=["du-thao"],
            ),
            step(
                "tra-ket-qua",
                "Trả kết quả",
                "intake_officer",
                "receiving",
                120,
                ["return_result"],
                after=["ky-duyet"],
            ),
        ],
    )


def _social_allowance(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        time_limit_amount="7",
        time_limit_unit="working_days",
        unconfirmed=_unconfirmed(
            name="Tên theo nguồn yếu (S8), chưa đối chiếu với Cổng Dịch vụ công quốc gia.",
            code="Mã 1.001776 chỉ thấy trong mã nguồn và tệp minh họa công khai (S8), không có trong bản ghi quốc gia.",
            sector="Lĩnh vực Bảo trợ xã hội và việc phục vụ trên cổng Bộ Y tế sau năm 2025 chưa xác nhận.",
            level="Cấp xã chưa xác nhận.",
            time_limit="Chỉ biết công chức xem xét trong 07 ngày làm việc kể từ khi nhận đủ hồ sơ (NĐ 20/2021 Điều 8, theo S7); "
            "tổng thời hạn sau năm 2025 chưa xác nhận.",
            online_level="Chưa xác nhận.",
        ),
        steps=[
            {"title": "Nộp tờ khai", "description": "Nộp tờ khai đề nghị trợ giúp xã hội theo mẫu."},
            {
                "title": "Xem xét, niêm yết",
                "description": "Công chức phụ trách xem xét trong 07 ngày làm việc, trình Chủ tịch Ủy ban "
                "nhân dân cấp xã; kết quả xem xét được niêm yết công khai.",
            },
            {
                "title": "Quyết định",
                "description": "Chủ tịch Ủy ban nhân dân cấp xã quyết định trợ cấp xã hội hàng tháng.",
            },
        ],
        methods=methods("direct"),
        agencies=[
            agency(
                "implementing",
                "Chủ tịch Ủy ban nhân dân cấp xã",
                scope="each_commune_committee",
                confirmed=False,
                note="NĐ 20/2021 Điều 8 theo S7; phân cấp sau năm 2025 chưa xác nhận.",
            ),
            agency(
                "competent",
                "Chủ tịch Ủy ban nhân dân cấp xã",
                scope="each_commune_committee",
                confirmed=False,
            ),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Tờ khai đề nghị trợ giúp xã hội (Mẫu 1a, 1b, 1c, 1d, 1đ) hoặc tờ khai của người nhận chăm sóc (Mẫu 2a, 2b, 03)",
                document_type="TO_KHAI_TRO_GIUP_XH",
                eform="to-khai-tro-giup-xa-hoi",
                confirmed=False,
                note="Theo S8.",
            ),
            doc(
                "Giấy tờ tùy thân",
                document_type="GIAY_TO_TUY_THAN",
                kind="show",
                lookup_database="population",
                confirmed=False,
                note="Theo S7 (văn bản cũ); số lượng bản chưa xác nhận.",
            ),
            doc(
                "Giấy khai sinh của trẻ em",
                document_type="KQ.G15.000031",
                kind="show",
                required=False,
                lookup_database="civil_status",
                condition="Khi đề nghị trợ cấp cho trẻ em",
                confirmed=False,
            ),
            doc(
                "Giấy xác nhận khuyết tật",
                document_type="XN_KHUYET_TAT",
                kind="show",
                required=False,
                condition="Người khuyết tật",
                confirmed=False,
            ),
            doc(
                "Giấy xác nhận nhiễm HIV hoặc mang thai của cơ quan y tế",
                document_type="XN_Y_TE",
                kind="show",
                required=False,
                condition="Khi thuộc trường hợp này",
                confirmed=False,
            ),
        ],
        fees=[],
        results=[
            {"name": "Quyết định trợ cấp xã hội hàng tháng", "confirmed": False, "note": "Chưa xác nhận."}
        ],
        legal_bases=[
            law(
                "decree",
                "20/2021/NĐ-CP",
                "Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
            ),
            law("decree", "76/2024/NĐ-CP", confirmed=False, note="Sửa đổi NĐ 20/2021; chưa xác nhận."),
        ],
        eforms=[social_allowance_form()],
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận hồ sơ",
                "intake_officer",
                "receiving",
                60,
                ["receive", "request_supplement", "refuse", "transfer"],
            ),
            step(
                "xem-xet",
                "Công chức xem xét hồ sơ",
                "specialist",
                "competent",
                2400,
                ["assign", "appraise", "verify", "request_supplement"],
                after=["tiep-nhan"],
            ),
            step(
                "niem-yet",
                "Niêm yết công khai kết quả xem xét",
                "specialist",
                "competent",
                480,
                ["post_notice"],
                after=["xem-xet"],
            ),
            step(
                "quyet-dinh",
                "Chủ tịch Ủy ban nhân dân cấp xã quyết định",
                "leader",
                "competent",
                300,
                ["approve", "sign", "reject"],
                after=["niem-yet"],
            ),
            step(
                "tra-ket-qua",
                "Trả kết quả",
                "intake_officer",
                "receiving",
                120,
                ["return_result"],
                after=["quyet-dinh"],
            ),
        ],
    )


def _linked_under_six(units: Mapping[str, Unit]) -> dict[str, Any]:
    return _common(
        "Liên thông điện tử: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế, cấp thẻ căn cước cho trẻ em dưới 6 tuổi",
        time_limit_amount="3",
        time_limit_unit="working_days",
        online_level="full",
        online_reason="",
        online_reason_text="",
        return_methods=["electronic", "post"],
        unconfirmed=_unconfirmed(
            online_level="Chỉ nộp trực tuyến (S2); việc xếp toàn trình chưa xác nhận.",
            time_limit="Tóm tắt trong bản ghi: 03 ngày làm việc (không quá 05 nếu cần xác minh); hồ sơ nhận sau 15 giờ tính từ "
            "ngày làm việc tiếp theo. Khai sinh trong 24 giờ; thường trú, thẻ bảo hiểm y tế không quá 02 ngày làm việc; thẻ "
            "căn cước không quá 05 ngày làm việc. Một nguồn duy nhất (S2).",
        ),
        steps=[
            {
                "title": "Nộp tờ khai điện tử",
                "description": "Nộp trên Cổng Dịch vụ công quốc gia hoặc VNeID; không cần ký số khi đã đăng nhập.",
            },
            {
                "title": "Giải quyết liên thông",
                "description": "Ủy ban nhân dân cấp xã đăng ký khai sinh; Công an cấp xã đăng ký thường trú "
                "và cấp thẻ căn cước; cơ quan bảo hiểm xã hội cấp thẻ bảo hiểm y tế.",
            },
            {
                "title": "Bổ sung hồ sơ",
                "description": "Người nộp có 07 ngày làm việc để bổ sung khi được yêu cầu.",
            },
        ],
        methods=methods("online"),
        agencies=[
            agency(
                "implementing",
                "Ủy ban nhân dân cấp xã; Công an cấp xã; cơ quan bảo hiểm xã hội",
                scope="each_commune_committee",
                note="Bản demo chỉ ghi nhận Ủy ban nhân dân cấp xã trong cây đơn vị; Công an cấp xã và bảo hiểm xã hội không có trong dữ liệu mẫu.",
            ),
            agency("competent", "Ủy ban nhân dân cấp xã", scope="each_commune_committee"),
            agency(*COMMUNE_RECEIVING, scope="each_commune_centre"),
        ],
        documents=[
            doc(
                "Tờ khai điện tử (Mẫu số 01 kèm theo NĐ 301/2026/NĐ-CP)",
                document_type="TO_KHAI_LIEN_THONG",
                eform="to-khai-lien-thong",
                confirmed=False,
                note="Số nghị định chỉ có trong S2.",
            ),
            doc(
                "Giấy chứng sinh điện tử có chữ ký số, hoặc bản sao điện tử, hoặc giấy tờ thay thế",
                document_type="GIAY_CHUNG_SINH",
                lookup_database="civil_status",
                digitisation_required=True,
            ),
            doc(
                "Giấy tờ về chỗ ở hợp pháp",
                document_type="GIAY_TO_CHO_O",
                required=False,
                lookup_database="residence",
                condition="Trẻ đăng ký thường trú không cùng nơi với cha, mẹ",
            ),
        ],
        fees=[
            fee(
                "charge",
                "Phí, lệ phí theo quy định của từng thủ tục thành phần",
                None,
                note="“Theo quy định của các TTHC tương ứng”.",
            )
        ],
        results=[
            {"name": "Giấy khai sinh điện tử", "code": "KQ.G15.000031", "paper_required": False},
            {"name": "Thẻ bảo hiểm y tế", "paper_required": False},
            {"name": "Thẻ căn cước", "code": "KQ.G01.000023"},
        ],
        legal_bases=[
            law(
                "decree", "301/2026/NĐ-CP", governs_publication=True, confirmed=False, note="Chỉ có trong S2."
            )
        ],
        eforms=[linked_birth_form()],
        process=[
            step(
                "tiep-nhan",
                "Tiếp nhận hồ sơ điện tử",
                "intake_officer",
                "receiving",
                30,
                ["receive", "request_supplement", "refuse"],
            ),
            step(
                "khai-sinh",
                "Đăng ký khai sinh",
                "specialist",
                "competent",
                480,
                ["appraise", "draft_result", "request_supplement"],
                after=["tiep-nhan"],
            ),
            step(
                "ky",
                "Lãnh đạo ký Giấy khai sinh điện tử",
                "leader",
                "competent",
                240,
                ["approve", "sign"],
                after=["khai-sinh"],
            ),
            step(
                "lien-thong",
                "Chuyển liên thông thường trú, bảo hiểm y tế, căn cước và trả kết quả",
                "intake_officer",
                "receiving",
                690,
                ["transfer", "return_result"],
                after=["ky"],
            ),
        ],
    )


# --- the catalogue -------------------------------------------------------------------------------------


def _publication(
    number: str, day: date, *, effective: date | None = None, posted: date | None = None
) -> dict[str, Any]:
    return {
        "decision_number": number,
        "decision_date": day,
        "effective_from": effective or day,
        "posted": posted,
    }


def catalogue(units: Mapping[str, Unit]) -> list[dict[str, Any]]:
    """Every demo procedure: identity, then its versions (content and publication; `None`: a draft)."""
    tp, nnmt = units["tuphap"], units["nnmt"]

    def item(
        code: str,
        sector: str,
        level: str,
        owner: Unit,
        *versions: tuple[dict[str, Any], dict[str, Any] | None],
    ) -> dict[str, Any]:
        return {
            "national_code": code,
            "code": f"{code}.000.00.00.H44",
            "sector": sector,
            "level": level,
            "owner": owner,
            "versions": list(versions),
        }

    e_certification = item(
        "2.000815",
        "chung-thuc",
        "commune",
        tp,
        (_e_certification(units), _publication("2188/QĐ-UBND", date(2025, 7, 1), posted=date(2025, 7, 3))),
    )
    e_certification["code"] = "2.000815.000.00.00.H44.02"
    draft = _birth(units, 3)
    draft["fees"][0]["note"] = "Dự thảo: bổ sung hướng dẫn miễn lệ phí khi đăng ký trực tuyến."
    return [
        item(
            "1.001193",
            "ho-tich",
            "commune",
            tp,
            (
                _birth(units, 1),
                _publication(
                    "1502/QĐ-UBND", date(2025, 6, 27), effective=date(2025, 7, 1), posted=date(2025, 7, 2)
                ),
            ),
            (
                _birth(units, 2),
                _publication(
                    "3311/QĐ-UBND", date(2025, 12, 19), effective=date(2026, 1, 1), posted=date(2025, 12, 23)
                ),
            ),
            (_birth(units, 3), _publication("512/QĐ-UBND", date(2026, 3, 16), posted=date(2026, 3, 18))),
            (draft, None),
        ),
        item(
            "1.000894",
            "ho-tich",
            "commune",
            tp,
            (_marriage(units), _publication("512/QĐ-UBND", date(2026, 3, 16), posted=date(2026, 3, 20))),
        ),
        # Posted on the national database after the 5 working days: indicator 1.2 done late.
        item(
            "1.000656",
            "ho-tich",
            "commune",
            tp,
            (_death(units), _publication("512/QĐ-UBND", date(2026, 3, 16), posted=date(2026, 3, 27))),
        ),
        item(
            "2.000815",
            "chung-thuc",
            "commune",
            tp,
            (
                _certification(units),
                _publication("3290/QĐ-UBND", date(2025, 12, 15), posted=date(2025, 12, 18)),
            ),
        ),
        # Published long after NĐ 07/2025 took effect: indicator 1.1 done late.
        e_certification,
        item(
            "1.004873",
            "ho-tich",
            "commune",
            tp,
            (
                _marital_status(units),
                _publication("512/QĐ-UBND", date(2026, 3, 16), posted=date(2026, 3, 19)),
            ),
        ),
        item(
            "1.001612",
            "doanh-nghiep",
            "commune",
            units["taichinh"],
            (
                _household_business(units),
                _publication("2650/QĐ-UBND", date(2025, 10, 6), posted=date(2025, 10, 9)),
            ),
        ),
        item(
            "1.013225",
            "xay-dung",
            "commune",
            units["xaydung"],
            (_construction(units), _publication("418/QĐ-UBND", date(2026, 3, 2), posted=date(2026, 3, 5))),
        ),
        item(
            "1.013978",
            "dat-dai",
            "commune",
            nnmt,
            (_land(units), _publication("2601/QĐ-UBND", date(2025, 10, 1), posted=date(2025, 10, 3))),
        ),
        item(
            "3.000333",
            "ly-lich-tu-phap",
            "province",
            units["congan"],
            (
                _criminal_record(units),
                _publication("2010/QĐ-UBND", date(2025, 8, 1), posted=date(2025, 8, 5)),
            ),
        ),
        item(
            "3.000347",
            "gplx",
            "province",
            units["congan"],
            (
                _driving_licence(units),
                _publication("2455/QĐ-UBND", date(2025, 9, 15), posted=date(2025, 9, 18)),
            ),
        ),
        # Decided 5 working days before NQ 66.7/2025 applies (deadline 25/12/2025): indicator 1.1 on time.
        item(
            "2.001583",
            "doanh-nghiep",
            "province",
            units["taichinh"],
            (
                _company(units),
                _publication(
                    "3330/QĐ-UBND", date(2025, 12, 22), effective=date(2026, 1, 1), posted=date(2025, 12, 24)
                ),
            ),
        ),
        item(
            "2.000635",
            "ho-tich",
            "both",
            tp,
            (_extract_copy(units), _publication("512/QĐ-UBND", date(2026, 3, 16), posted=date(2026, 3, 18))),
        ),
        # Version 2 decided on 02/11/2026 and not yet posted: indicator 1.2 overdue since 09/11/2026.
        item(
            "2.001827",
            "attp",
            "both",
            nnmt,
            (
                _food_safety(units, 1),
                _publication("2120/QĐ-UBND", date(2025, 8, 18), posted=date(2025, 8, 21)),
            ),
            (_food_safety(units, 2), _publication("2890/QĐ-UBND", date(2026, 11, 2))),
        ),
        item(
            "1.001776",
            "bao-tro-xa-hoi",
            "commune",
            units["yte"],
            (
                _social_allowance(units),
                _publication("640/QĐ-UBND", date(2026, 4, 6), posted=date(2026, 4, 9)),
            ),
        ),
        item(
            "3.000722",
            "lien-thong",
            "commune",
            tp,
            (
                _linked_under_six(units),
                _publication("2733/QĐ-UBND", date(2026, 10, 20), posted=date(2026, 10, 23)),
            ),
        ),
    ]


DEPARTMENT_KEYS = ("tuphap", "xaydung", "nnmt", "taichinh", "yte", "congan", "ttpvhcc.tinh")


@transaction.atomic
def load_demo_catalogue(*, province: Unit, departments: Mapping[str, Unit], communes: Iterable[Unit]) -> str:
    """Create the demo catalogue for `province`. `departments` maps the demo keys of `motcua.demo.data`
    (tuphap, xaydung, nnmt, taichinh, yte, congan, ttpvhcc.tinh) to their units; `communes` are the units
    commune-level procedures apply in (any other unit given is ignored)."""
    missing = [key for key in DEPARTMENT_KEYS if key not in departments]
    if missing:
        raise ValueError(f"the demo catalogue needs the units {missing}")
    units = {key: departments[key] for key in DEPARTMENT_KEYS}
    if any(not unit.path.startswith(province.path) for unit in units.values()):
        raise ValueError("the departments must belong to the province")
    applies_in = [
        unit
        for unit in communes
        if unit.level == Unit.Level.COMMUNE
        and unit.kind == Unit.Kind.PEOPLES_COMMITTEE
        and unit.path.startswith(province.path)
    ]
    for code, name in SECTORS.items():
        services.sector_upsert(code=code, name=name, actor=None)
    sectors = {sector.code: sector for sector in services.Sector.objects.filter(code__in=SECTORS)}
    versions = 0
    for spec in catalogue(units):
        for content, _decision in spec["versions"]:
            content["process"][0]["note"] = PROCESS_NOTE
        procedure = _load_procedure(spec, sectors)
        versions += procedure.versions.count()
    count = len(catalogue(units))
    return f"{count} procedures, {versions} versions, commune-level ones in {len(applies_in)} communes"


def _load_procedure(spec: dict[str, Any], sectors: Mapping[str, Any]) -> Procedure:
    first_content = spec["versions"][0][0]
    procedure = services.procedure_create(
        code=spec["code"],
        national_code=spec["national_code"],
        name=first_content["name"],
        sector=sectors[spec["sector"]],
        level=spec["level"],
        owner_unit=spec["owner"],
        actor=None,
    )
    for index, (content, publication) in enumerate(spec["versions"]):
        version = (
            procedure.versions.get() if index == 0 else services.draft_start(procedure=procedure, actor=None)
        )
        services.draft_save_content(version=version, actor=None, content=content)
        if publication is None:
            continue
        published = services.version_publish(
            version=version,
            actor=None,
            decision_number=publication["decision_number"],
            decision_date=publication["decision_date"],
            decision_signer=DEMO_SIGNER,
            effective_from=publication["effective_from"],
            decision_note=DEMO_DECISION_NOTE,
            # Recorded in motcua on the decision day, so that dossiers of the demo history find it in force.
            published_at=datetime.combine(publication["decision_date"], time(8, 0), tzinfo=TZ),
        )
        if publication["posted"] is not None:
            services.posting_record(
                version=published,
                actor=None,
                channel=PostingChannel.NATIONAL_DATABASE,
                posted_on=publication["posted"],
                reference="csdl.dichvucong.gov.vn (minh họa)",
            )
    return procedure
