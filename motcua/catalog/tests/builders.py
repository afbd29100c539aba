"""Content and procedures for the catalogue tests: a complete version in which every field holds a value
other than its default, so that a field lost anywhere shows."""

from datetime import date, datetime, time
from typing import Any

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion, Sector
from motcua.worktime.calendar import TZ

BIRTH_SCHEMA = {
    "type": "object",
    "title": "Tờ khai đăng ký khai sinh",
    "properties": {
        "requester": {
            "type": "object",
            "title": "Người yêu cầu",
            "properties": {
                "full_name": {
                    "type": "string",
                    "title": "Họ, chữ đệm và tên",
                    "x-prefill": "full_name",
                    "maxLength": 100,
                },
                "personal_id": {
                    "type": "string",
                    "title": "Số định danh cá nhân",
                    "pattern": "^[0-9]{12}$",
                    "description": "12 chữ số.",
                    "x-prefill": "personal_id",
                },
                "email": {"type": "string", "format": "email", "title": "Thư điện tử", "x-prefill": "email"},
            },
            "required": ["full_name", "personal_id"],
        },
        "child_name": {"type": "string", "title": "Họ, chữ đệm và tên của trẻ", "minLength": 2},
        "date_of_birth": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "sex": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "copies": {"type": "integer", "title": "Số bản sao", "minimum": 0, "maximum": 10},
        "witnesses": {
            "type": "array",
            "title": "Người làm chứng",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"full_name": {"type": "string", "title": "Họ và tên"}},
                "required": ["full_name"],
            },
        },
        "commitment": {"type": "boolean", "title": "Tôi cam đoan lời khai là đúng sự thật."},
    },
    "required": ["requester", "child_name", "date_of_birth", "sex", "commitment"],
}
BIRTH_LAYOUT = {
    "sections": [
        {"title": "Người đi đăng ký", "fields": ["requester"]},
        {"title": "Trẻ", "fields": ["child_name", "sex"]},
    ],
    "widgets": {"sex": "radio"},
    "rows": {"witnesses": 2},
}


def process(*budgets: int) -> list[dict[str, Any]]:
    """A chain of steps with these budgets (minutes): receive, appraise, ..., return."""
    steps = []
    for index, minutes in enumerate(budgets):
        steps.append(
            {
                "key": f"s{index + 1}",
                "name": f"Bước {index + 1}",
                "role": "intake_officer" if index in (0, len(budgets) - 1) else "specialist",
                "unit_scope": "receiving" if index in (0, len(budgets) - 1) else "competent",
                "unit": "",
                "budget_minutes": minutes,
                "actions": ["receive"] if index == 0 else ["appraise", "draft_result"],
                "after": [f"s{index}"] if index else [],
                "note": "",
            }
        )
    return steps


def full_content(units: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A complete, publishable version: 3 working days, every field set away from its default."""
    content = {
        "name": "Thủ tục đăng ký khai sinh",
        "requirements": "Đăng ký trong 60 ngày kể từ ngày sinh.",
        "dossier_sets": 2,
        "subjects_citizens": True,
        "subjects_organizations": True,
        "subjects_note": "Công dân Việt Nam; người Việt Nam định cư ở nước ngoài.",
        "time_limit_amount": "3",
        "time_limit_unit": "working_days",
        "time_limit_convention": "civil",
        "cutoff_time": "15:00",
        "online_level": "partial",
        "online_reason": "presence",
        "online_reason_text": "Xuất trình bản chính.",
        "supplement_clock": "restart",
        "max_supplement_requests": 2,
        "leader_signature_required": False,
        "return_methods": ["post", "electronic"],
        "national_decision": "163/QĐ-BTP",
        "unconfirmed": {"time_limit": "Cổng ghi “3”, không ghi đơn vị."},
        "steps": [
            {"title": "Nộp hồ sơ", "description": "Tại Trung tâm."},
            {"title": "Trả kết quả", "description": ""},
        ],
        "methods": [
            {
                "channel": "direct",
                "description": "Trực tiếp.",
                "time_limit_amount": None,
                "time_limit_unit": "",
                "note": "",
            },
            {
                "channel": "online",
                "description": "Trực tuyến.",
                "time_limit_amount": "2",
                "time_limit_unit": "working_days",
                "note": "Nhanh hơn.",
            },
        ],
        "agencies": [
            {
                "role": "implementing",
                "scope": "each_commune_committee",
                "unit": "",
                "name": "UBND cấp xã",
                "confirmed": True,
                "note": "",
            },
            {
                "role": "competent",
                "scope": "each_commune_committee",
                "unit": "",
                "name": "UBND cấp xã",
                "confirmed": True,
                "note": "",
            },
            {
                "role": "receiving",
                "scope": "each_commune_centre",
                "unit": "",
                "name": "TTPVHCC cấp xã",
                "confirmed": True,
                "note": "",
            },
            {
                "role": "coordinating",
                "scope": "unit",
                "unit": units["congan"].external_key,
                "name": "Công an tỉnh",
                "confirmed": False,
                "note": "Minh họa.",
            },
        ],
        "documents": [
            {
                "name": "Tờ khai đăng ký khai sinh",
                "document_type": "TO_KHAI_KHAI_SINH",
                "kind": "submit",
                "originals": 1,
                "copies": 2,
                "required": True,
                "condition": "",
                "group": "Chung",
                "digitisation_required": True,
                "lookup_database": "",
                "eform": "to-khai",
                "confirmed": True,
                "note": "",
            },
            {
                "name": "Giấy chứng sinh",
                "document_type": "GIAY_CHUNG_SINH",
                "kind": "show",
                "originals": 0,
                "copies": 1,
                "required": False,
                "condition": "Nếu có",
                "group": "",
                "digitisation_required": False,
                "lookup_database": "civil_status",
                "eform": "",
                "confirmed": False,
                "note": "Chưa xác nhận.",
            },
        ],
        "fees": [
            {
                "kind": "charge",
                "name": "Lệ phí",
                "amount_vnd": 0,
                "per": "lần",
                "channel": "",
                "exemptions": "Miễn.",
                "payable_online": False,
                "legal_basis": "TT 85/2019/TT-BTC",
                "confirmed": True,
                "note": "",
            },
            {
                "kind": "fee",
                "name": "Phí bản sao",
                "amount_vnd": 8000,
                "per": "bản",
                "channel": "online",
                "exemptions": "",
                "payable_online": True,
                "legal_basis": "TT 281/2016/TT-BTC",
                "confirmed": False,
                "note": "Mức chưa xác nhận.",
            },
        ],
        "results": [
            {
                "name": "Giấy khai sinh",
                "code": "KQ.G15.000031",
                "validity": "Không thời hạn",
                "paper_required": True,
                "electronic": False,
                "confirmed": True,
                "note": "",
            },
        ],
        "legal_bases": [
            {
                "kind": "law",
                "number": "60/2014/QH13",
                "title": "Luật Hộ tịch",
                "issuer": "Quốc hội",
                "issued_on": "2014-11-20",
                "effective_on": None,
                "governs_publication": False,
                "confirmed": True,
                "note": "",
            },
            {
                "kind": "resolution",
                "number": "66.7/2025/NQ-CP",
                "title": "",
                "issuer": "",
                "issued_on": "2025-11-15",
                "effective_on": "2026-01-01",
                "governs_publication": True,
                "confirmed": True,
                "note": "",
            },
        ],
        "eforms": [
            {
                "key": "to-khai",
                "title": "Tờ khai",
                "form_reference": "TT 04/2024/TT-BTP",
                "schema": BIRTH_SCHEMA,
                "layout": BIRTH_LAYOUT,
            }
        ],
        "process": [
            {
                "key": "tiep-nhan",
                "name": "Tiếp nhận",
                "role": "intake_officer",
                "unit_scope": "receiving",
                "unit": "",
                "budget_minutes": 60,
                "actions": ["receive", "request_supplement"],
                "after": [],
                "note": "",
            },
            {
                "key": "y-kien",
                "name": "Lấy ý kiến",
                "role": "specialist",
                "unit_scope": "coordinating",
                "unit": "",
                "budget_minutes": 240,
                "actions": ["coordinate"],
                "after": ["tiep-nhan"],
                "note": "",
            },
            {
                "key": "tham-dinh",
                "name": "Thẩm định",
                "role": "specialist",
                "unit_scope": "competent",
                "unit": "",
                "budget_minutes": 480,
                "actions": ["appraise"],
                "after": ["tiep-nhan"],
                "note": "",
            },
            {
                "key": "ky",
                "name": "Ký",
                "role": "leader",
                "unit_scope": "unit",
                "unit": units["tuphap"].external_key,
                "budget_minutes": 300,
                "actions": ["approve", "sign"],
                "after": ["y-kien", "tham-dinh"],
                "note": "Ký số.",
            },
            {
                "key": "tra",
                "name": "Trả kết quả",
                "role": "intake_officer",
                "unit_scope": "receiving",
                "unit": "",
                "budget_minutes": 60,
                "actions": ["return_result"],
                "after": ["ky"],
                "note": "",
            },
        ],
    }
    content.update(overrides)
    return content


def sector(code: str = "ho-tich", name: str = "Hộ tịch") -> Sector:
    return services.sector_upsert(code=code, name=name)


def draft_procedure(
    units: dict[str, Any],
    *,
    code: str = "1.001193.000.00.00.H44",
    owner: str = "tuphap",
    content: dict[str, Any] | None = None,
    level: str = "commune",
) -> Procedure:
    """A procedure whose draft (version 1) holds `content` (the full content by default)."""
    procedure = services.procedure_create(
        code=code,
        name="Thủ tục",
        sector=sector(),
        level=level,
        owner_unit=units[owner],
        actor=None,
        national_code=code[:8],
    )
    services.draft_save_content(
        version=procedure.versions.get(), actor=None, content=content or full_content(units)
    )
    procedure.refresh_from_db()
    return procedure


def publish(
    version: ProcedureVersion, day: date, *, effective: date | None = None, number: str = "1/QĐ-UBND"
) -> ProcedureVersion:
    return services.version_publish(
        version=version,
        actor=None,
        decision_number=number,
        decision_date=day,
        decision_signer="Phó Chủ tịch UBND tỉnh",
        effective_from=effective,
        published_at=datetime.combine(day, time(8), tzinfo=TZ),
    )


def published_procedure(units: dict[str, Any], day: date = date(2026, 3, 2), **kwargs: Any) -> Procedure:
    procedure = draft_procedure(units, **kwargs)
    publish(procedure.versions.get(), day)
    procedure.refresh_from_db()
    return procedure
