# ruff: noqa: E501 (data: each published text stays on one line, as published)
"""The e-forms of the demo catalogue: the declarations of the demo procedures as JSON Schema and layout
(`motcua.catalog.eforms`), with the fields of the published paper forms. The applicant's own group is
pre-filled from the profile (`x-prefill`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PERSON_FIELDS: dict[str, dict[str, Any]] = {
    "full_name": {"type": "string", "title": "Họ, chữ đệm và tên", "minLength": 2, "maxLength": 100},
    "date_of_birth": {"type": "string", "format": "date", "title": "Ngày, tháng, năm sinh"},
    "birth_year": {"type": "integer", "title": "Năm sinh", "minimum": 1900, "maximum": 2026},
    "sex": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
    "ethnicity": {"type": "string", "title": "Dân tộc", "maxLength": 50},
    "nationality": {"type": "string", "title": "Quốc tịch", "maxLength": 50},
    "personal_id": {
        "type": "string",
        "title": "Số định danh cá nhân",
        "pattern": "^[0-9]{12}$",
        "description": "12 chữ số, in trên thẻ căn cước.",
    },
    "residence": {"type": "string", "title": "Nơi cư trú", "maxLength": 255},
    "phone": {
        "type": "string",
        "title": "Số điện thoại",
        "pattern": "^0[0-9]{9,10}$",
        "description": "10 hoặc 11 chữ số, bắt đầu bằng số 0.",
    },
    "email": {"type": "string", "format": "email", "title": "Thư điện tử"},
}
PREFILL = {
    "full_name": "full_name",
    "personal_id": "personal_id",
    "residence": "address",
    "phone": "phone",
    "email": "email",
}


def person(
    title: str, fields: Iterable[str], *, required: Iterable[str] = (), prefill: bool = False
) -> dict[str, Any]:
    """A group of fields about one person; the applicant's own group is pre-filled from the profile."""
    properties = {}
    for name in fields:
        prop = dict(PERSON_FIELDS[name])
        if prefill and name in PREFILL:
            prop["x-prefill"] = PREFILL[name]
        properties[name] = prop
    return {"type": "object", "title": title, "properties": properties, "required": list(required)}


def requester(title: str = "Người yêu cầu") -> dict[str, Any]:
    return person(
        title,
        ("full_name", "personal_id", "residence", "phone", "email"),
        required=("full_name", "personal_id", "residence"),
        prefill=True,
    )


def eform(
    key: str,
    title: str,
    reference: str,
    properties: dict[str, Any],
    required: Iterable[str] = (),
    *,
    sections: Iterable[tuple[str, list[str]]] = (),
    widgets: Mapping[str, str] | None = None,
    rows: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    layout: dict[str, Any] = {"sections": [{"title": name, "fields": fields} for name, fields in sections]}
    if widgets:
        layout["widgets"] = dict(widgets)
    if rows:
        layout["rows"] = dict(rows)
    schema = {"type": "object", "title": title, "properties": properties, "required": list(required)}
    return {"key": key, "title": title, "form_reference": reference, "schema": schema, "layout": layout}


def copies_field() -> dict[str, Any]:
    return {
        "type": "integer",
        "title": "Số bản sao đề nghị cấp",
        "minimum": 0,
        "maximum": 10,
        "description": "Để 0 nếu không cần bản sao.",
    }


def birth_form() -> dict[str, Any]:
    child = person(
        "Người được khai sinh",
        ("full_name", "date_of_birth", "sex", "ethnicity", "nationality"),
        required=("full_name", "date_of_birth", "sex", "ethnicity", "nationality"),
    )
    child["properties"]["date_of_birth_words"] = {
        "type": "string",
        "title": "Ngày, tháng, năm sinh (ghi bằng chữ)",
        "maxLength": 200,
    }
    child["properties"]["place_of_birth"] = {
        "type": "string",
        "title": "Nơi sinh",
        "maxLength": 255,
        "description": "Tên cơ sở y tế, hoặc địa chỉ nếu sinh ngoài cơ sở y tế.",
    }
    child["properties"]["hometown"] = {"type": "string", "title": "Quê quán", "maxLength": 255}
    child["required"] += ["place_of_birth"]
    parent_fields = ("full_name", "birth_year", "ethnicity", "nationality", "residence", "personal_id")
    properties = {
        "requester": requester(),
        "relationship": {
            "type": "string",
            "title": "Quan hệ với người được khai sinh",
            "enum": ["Cha", "Mẹ", "Ông", "Bà", "Người thân thích khác", "Người được ủy quyền"],
        },
        "child": child,
        "mother": person("Người mẹ", parent_fields, required=("full_name", "birth_year", "nationality")),
        "father": person("Người cha", parent_fields, required=("full_name", "birth_year", "nationality"))
        | {"description": "Để trống nếu chưa xác định được cha."},
        "copies": copies_field(),
        "commitment": {
            "type": "boolean",
            "title": "Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.",
        },
    }
    properties["father"]["required"] = []
    return eform(
        "to-khai-khai-sinh",
        "Tờ khai đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh (Thông tư 04/2024/TT-BTP); trực tuyến: Mẫu hộ tịch điện tử tương tác đăng ký khai sinh",
        properties,
        required=("requester", "relationship", "child", "mother", "commitment"),
        sections=[
            ("Người đi đăng ký", ["requester", "relationship"]),
            ("Người được khai sinh", ["child"]),
            ("Cha, mẹ", ["mother", "father"]),
            ("Bản sao và cam đoan", ["copies", "commitment"]),
        ],
    )


def marriage_form() -> dict[str, Any]:
    party = person(
        "Bên",
        ("full_name", "date_of_birth", "ethnicity", "nationality", "residence", "personal_id"),
        required=("full_name", "date_of_birth", "nationality", "residence", "personal_id"),
    )
    party["properties"]["marriage_number"] = {
        "type": "integer",
        "title": "Kết hôn lần thứ",
        "minimum": 1,
        "maximum": 10,
    }
    party.pop("title")
    properties = {
        "parties": {
            "type": "array",
            "title": "Hai bên nam, nữ",
            "minItems": 2,
            "maxItems": 2,
            "description": "Thông tin của cả hai bên; có thể khai chung một tờ khai.",
            "items": party,
        },
        "copies": copies_field(),
        "commitment": {
            "type": "boolean",
            "title": "Chúng tôi cam đoan tự nguyện kết hôn, đáp ứng đủ điều kiện kết hôn và lời khai là đúng sự thật.",
        },
    }
    return eform(
        "to-khai-ket-hon",
        "Tờ khai đăng ký kết hôn",
        "Tờ khai đăng ký kết hôn (TT 04/2024/TT-BTP)",
        properties,
        required=("parties", "commitment"),
        rows={"parties": 2},
    )


def death_form() -> dict[str, Any]:
    deceased = person(
        "Người đã chết",
        ("full_name", "date_of_birth", "sex", "ethnicity", "nationality", "personal_id", "residence"),
        required=("full_name", "sex", "nationality"),
    )
    deceased["properties"] |= {
        "date_of_death": {"type": "string", "format": "date", "title": "Ngày chết"},
        "place_of_death": {"type": "string", "title": "Nơi chết", "maxLength": 255},
        "cause": {"type": "string", "title": "Nguyên nhân chết", "maxLength": 255},
    }
    deceased["required"] += ["date_of_death", "place_of_death"]
    properties = {
        "requester": requester(),
        "relationship": {"type": "string", "title": "Quan hệ với người đã chết", "maxLength": 100},
        "deceased": deceased,
        "copies": copies_field(),
    }
    return eform(
        "to-khai-khai-tu",
        "Tờ khai đăng ký khai tử",
        "Tờ khai đăng ký khai tử (TT 04/2024/TT-BTP)",
        properties,
        required=("requester", "relationship", "deceased"),
    )


def marital_status_form() -> dict[str, Any]:
    properties = {
        "requester": requester(),
        "person": person(
            "Người được xác nhận tình trạng hôn nhân",
            ("full_name", "date_of_birth", "sex", "nationality", "personal_id", "residence"),
            required=("full_name", "date_of_birth", "sex", "personal_id"),
        ),
        "status": {
            "type": "string",
            "title": "Tình trạng hôn nhân",
            "enum": [
                "Chưa đăng ký kết hôn với ai",
                "Đang có vợ/chồng",
                "Đã đăng ký kết hôn nhưng đã ly hôn",
                "Vợ/chồng đã chết",
            ],
        },
        "purpose": {
            "type": "string",
            "title": "Mục đích sử dụng",
            "maxLength": 255,
            "description": "Để kết hôn, ghi rõ họ tên người dự định kết hôn; cho mục đích khác, ghi rõ mục đích.",
        },
        "copies": copies_field(),
    }
    return eform(
        "to-khai-xntthn",
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (TT 04/2024/TT-BTP)",
        properties,
        required=("requester", "person", "status", "purpose"),
        widgets={"status": "radio"},
    )


def household_business_form() -> dict[str, Any]:
    properties = {
        "owner": requester("Chủ hộ kinh doanh"),
        "business_name": {"type": "string", "title": "Tên hộ kinh doanh", "minLength": 3, "maxLength": 255},
        "address": {"type": "string", "title": "Địa chỉ trụ sở hộ kinh doanh", "maxLength": 255},
        "lines": {"type": "string", "title": "Ngành, nghề kinh doanh", "maxLength": 2000},
        "capital_vnd": {"type": "integer", "title": "Vốn kinh doanh (đồng)", "minimum": 0},
        "employees": {"type": "integer", "title": "Số lượng lao động", "minimum": 0, "maximum": 10000},
    }
    return eform(
        "giay-de-nghi-hkd",
        "Giấy đề nghị đăng ký hộ kinh doanh",
        "Giấy đề nghị đăng ký hộ kinh doanh (TT 68/2025/TT-BTC)",
        properties,
        required=("owner", "business_name", "address", "lines", "capital_vnd"),
        widgets={"lines": "textarea"},
    )


def construction_form() -> dict[str, Any]:
    properties = {
        "applicant": requester("Chủ đầu tư"),
        "site": {
            "type": "object",
            "title": "Địa điểm xây dựng",
            "required": ["address", "parcel", "map_sheet"],
            "properties": {
                "address": {"type": "string", "title": "Địa chỉ", "maxLength": 255},
                "parcel": {"type": "string", "title": "Thửa đất số", "maxLength": 20},
                "map_sheet": {"type": "string", "title": "Tờ bản đồ số", "maxLength": 20},
                "area_m2": {"type": "number", "title": "Diện tích thửa đất (m²)", "minimum": 1},
            },
        },
        "works": {
            "type": "object",
            "title": "Nội dung đề nghị cấp phép",
            "required": ["floor_area_m2", "floors", "height_m"],
            "properties": {
                "floor_area_m2": {"type": "number", "title": "Tổng diện tích sàn (m²)", "minimum": 1},
                "floors": {"type": "integer", "title": "Số tầng", "minimum": 1, "maximum": 30},
                "height_m": {
                    "type": "number",
                    "title": "Chiều cao công trình (m)",
                    "minimum": 1,
                    "maximum": 200,
                },
            },
        },
        "completion_months": {
            "type": "integer",
            "title": "Thời gian dự kiến hoàn thành (tháng)",
            "minimum": 1,
            "maximum": 120,
        },
    }
    return eform(
        "don-de-nghi-gpxd",
        "Đơn đề nghị cấp giấy phép xây dựng",
        "Mẫu số 1 Phụ lục số II Nghị định 175/2024/NĐ-CP",
        properties,
        required=("applicant", "site", "works"),
    )


def land_form() -> dict[str, Any]:
    properties = {
        "applicant": requester("Người sử dụng đất"),
        "parcel": {
            "type": "object",
            "title": "Thửa đất đăng ký",
            "required": ["address", "area_m2", "use"],
            "properties": {
                "address": {"type": "string", "title": "Địa chỉ thửa đất", "maxLength": 255},
                "parcel": {"type": "string", "title": "Thửa đất số", "maxLength": 20},
                "map_sheet": {"type": "string", "title": "Tờ bản đồ số", "maxLength": 20},
                "area_m2": {"type": "number", "title": "Diện tích (m²)", "minimum": 1},
                "use": {
                    "type": "string",
                    "title": "Mục đích sử dụng",
                    "enum": [
                        "Đất ở",
                        "Đất trồng cây hằng năm",
                        "Đất trồng cây lâu năm",
                        "Đất nuôi trồng thủy sản",
                        "Đất khác",
                    ],
                },
            },
        },
        "assets": {
            "type": "string",
            "title": "Tài sản gắn liền với đất đề nghị chứng nhận",
            "maxLength": 1000,
        },
        "certificate_wanted": {"type": "boolean", "title": "Đề nghị cấp Giấy chứng nhận"},
    }
    return eform(
        "don-dang-ky-dat-dai",
        "Đơn đăng ký đất đai, tài sản gắn liền với đất",
        "Đơn đăng ký đất đai, tài sản gắn liền với đất",
        properties,
        required=("applicant", "parcel"),
        widgets={"assets": "textarea"},
    )


def criminal_record_form() -> dict[str, Any]:
    subject = person(
        "Người được cấp Phiếu lý lịch tư pháp",
        (
            "full_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "nationality",
            "personal_id",
            "residence",
            "phone",
            "email",
        ),
        required=("full_name", "date_of_birth", "sex", "nationality", "personal_id", "residence"),
        prefill=True,
    )
    subject["properties"] |= {
        "place_of_birth": {"type": "string", "title": "Nơi sinh", "maxLength": 255},
        "father": {"type": "string", "title": "Họ và tên cha", "maxLength": 100},
        "mother": {"type": "string", "title": "Họ và tên mẹ", "maxLength": 100},
    }
    properties = {
        "subject": subject,
        "certificate": {
            "type": "string",
            "title": "Loại phiếu đề nghị cấp",
            "enum": ["Phiếu số 1", "Phiếu số 2"],
        },
        "purpose": {"type": "string", "title": "Mục đích sử dụng phiếu", "maxLength": 255},
        "copies": {"type": "integer", "title": "Số lượng phiếu", "minimum": 1, "maximum": 10},
    }
    return eform(
        "to-khai-lltp",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "Mẫu số 01/2025/LLTP; trực tuyến: Mẫu số 04/2025/LLTP",
        properties,
        required=("subject", "certificate", "purpose", "copies"),
        widgets={"certificate": "radio"},
    )


def licence_form() -> dict[str, Any]:
    classes = ["A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE"]
    properties = {
        "applicant": requester("Người đề nghị"),
        "licence_number": {
            "type": "string",
            "title": "Số giấy phép lái xe đang có",
            "pattern": "^[0-9]{12}$",
            "description": "12 chữ số.",
        },
        "licence_class": {"type": "string", "title": "Hạng", "enum": classes},
        "issued_on": {"type": "string", "format": "date", "title": "Ngày cấp"},
        "reason": {
            "type": "string",
            "title": "Lý do đổi",
            "enum": ["Hết hạn", "Hư hỏng", "Thay đổi thông tin", "Đổi giấy phép do nước ngoài cấp"],
        },
    }
    return eform(
        "de-nghi-doi-gplx",
        "Đề nghị đổi giấy phép lái xe",
        "Phụ lục XII Thông tư 12/2025/TT-BCA",
        properties,
        required=("applicant", "licence_number", "licence_class", "issued_on", "reason"),
    )


def company_form() -> dict[str, Any]:
    properties = {
        "owner": requester("Chủ sở hữu"),
        "name": {
            "type": "string",
            "title": "Tên công ty viết bằng tiếng Việt",
            "minLength": 5,
            "maxLength": 255,
            "description": "Bắt đầu bằng “Công ty trách nhiệm hữu hạn” hoặc “Công ty TNHH”.",
        },
        "address": {"type": "string", "title": "Địa chỉ trụ sở chính", "maxLength": 255},
        "capital_vnd": {"type": "integer", "title": "Vốn điều lệ (đồng)", "minimum": 1},
        "lines": {
            "type": "array",
            "title": "Ngành, nghề kinh doanh",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "code": {
                        "type": "string",
                        "title": "Mã ngành cấp 4",
                        "pattern": "^[0-9]{4}$",
                        "description": "4 chữ số theo Hệ thống ngành kinh tế Việt Nam.",
                    },
                    "name": {"type": "string", "title": "Tên ngành", "maxLength": 255},
                },
                "required": ["code", "name"],
            },
        },
        "representative": {"type": "string", "title": "Người đại diện theo pháp luật", "maxLength": 100},
    }
    return eform(
        "giay-de-nghi-dkdn",
        "Giấy đề nghị đăng ký doanh nghiệp",
        "Giấy đề nghị đăng ký doanh nghiệp (TT 68/2025/TT-BTC)",
        properties,
        required=("owner", "name", "address", "capital_vnd", "lines", "representative"),
        rows={"lines": 2},
    )


def extract_copy_form() -> dict[str, Any]:
    properties = {
        "requester": requester(),
        "subject": {
            "type": "string",
            "title": "Họ, chữ đệm và tên người được cấp bản sao trích lục",
            "maxLength": 100,
        },
        "kind": {
            "type": "string",
            "title": "Loại giấy tờ",
            "enum": ["Giấy khai sinh", "Trích lục kết hôn", "Trích lục khai tử", "Trích lục hộ tịch khác"],
        },
        "registered_on": {
            "type": "string",
            "format": "date",
            "title": "Ngày đăng ký",
            "description": "Nếu biết.",
        },
        "copies": {"type": "integer", "title": "Số bản sao", "minimum": 1, "maximum": 10},
    }
    return eform(
        "to-khai-ban-sao-trich-luc",
        "Tờ khai cấp bản sao trích lục hộ tịch",
        "Tờ khai cấp bản sao trích lục hộ tịch (TT 04/2024/TT-BTP)",
        properties,
        required=("requester", "subject", "kind", "copies"),
    )


def food_safety_form() -> dict[str, Any]:
    properties = {
        "applicant": requester("Người đại diện cơ sở"),
        "establishment": {"type": "string", "title": "Tên cơ sở", "maxLength": 255},
        "address": {"type": "string", "title": "Địa chỉ cơ sở", "maxLength": 255},
        "activity": {
            "type": "string",
            "title": "Loại hình",
            "enum": ["Sản xuất", "Kinh doanh", "Sản xuất và kinh doanh"],
        },
        "products": {"type": "string", "title": "Sản phẩm", "maxLength": 1000},
    }
    return eform(
        "don-de-nghi-attp",
        "Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Phụ lục I Thông tư 17/2025/TT-BNNMT",
        properties,
        required=("applicant", "establishment", "address", "activity", "products"),
        widgets={"products": "textarea"},
    )


def social_allowance_form() -> dict[str, Any]:
    properties = {
        "applicant": requester(),
        "beneficiary": person(
            "Người đề nghị hưởng trợ cấp",
            ("full_name", "date_of_birth", "sex", "personal_id", "residence"),
            required=("full_name", "date_of_birth", "sex", "residence"),
        ),
        "category": {
            "type": "string",
            "title": "Đối tượng",
            "enum": [
                "Trẻ em mồ côi",
                "Người cao tuổi",
                "Người khuyết tật",
                "Người nhiễm HIV thuộc hộ nghèo",
                "Đối tượng khác",
            ],
        },
        "situation": {"type": "string", "title": "Hoàn cảnh", "maxLength": 2000},
    }
    return eform(
        "to-khai-tro-giup-xa-hoi",
        "Tờ khai đề nghị trợ giúp xã hội",
        "Mẫu 1a–1đ (NĐ 20/2021/NĐ-CP)",
        properties,
        required=("applicant", "beneficiary", "category"),
        widgets={"situation": "textarea"},
    )


def linked_birth_form() -> dict[str, Any]:
    form = birth_form()
    form["key"], form["title"] = "to-khai-lien-thong", "Tờ khai điện tử liên thông cho trẻ em dưới 6 tuổi"
    form["form_reference"] = "Mẫu số 01 kèm theo NĐ 301/2026/NĐ-CP (số nghị định chưa xác nhận)"
    form["schema"]["title"] = form["title"]
    form["schema"]["properties"]["health_insurance"] = {
        "type": "boolean",
        "title": "Đề nghị cấp thẻ bảo hiểm y tế cho trẻ",
    }
    form["schema"]["properties"]["id_card"] = {"type": "boolean", "title": "Đề nghị cấp thẻ căn cước cho trẻ"}
    form["layout"]["sections"].append(
        {"title": "Thủ tục liên thông", "fields": ["health_insurance", "id_card"]}
    )
    return form
