"""E-forms: the schema subset, server-side validation with a Vietnamese message per field, prefill from
the profile, form data from a POST, and the accessible rendering that keeps what was typed."""

import re

import pytest
from django.http import QueryDict
from django.template import Context, Template

from motcua.accounts.models import User
from motcua.catalog import eforms
from motcua.catalog.tests.builders import BIRTH_LAYOUT, BIRTH_SCHEMA

VALID = {
    "requester": {"full_name": "Nguyễn Văn An", "personal_id": "025085001234", "email": "an@example.vn"},
    "child_name": "Nguyễn Minh Khôi",
    "date_of_birth": "2026-11-20",
    "sex": "Nam",
    "copies": 2,
    "witnesses": [{"full_name": "Trần Thị Bình"}],
    "commitment": True,
}


def test_a_complete_declaration_is_valid():
    assert eforms.validate(BIRTH_SCHEMA, VALID) == {}


def test_every_problem_gets_its_own_vietnamese_message_by_field_path():
    data = {
        "requester": {"full_name": "Nguyễn Văn An", "personal_id": "02508500123", "email": "an@"},
        "child_name": "K",
        "date_of_birth": "2026-02-30",
        "sex": "Khác",
        "copies": 11,
        "witnesses": [{"full_name": ""}],
        "nickname": "Bin",
    }

    errors = eforms.validate(BIRTH_SCHEMA, data)

    assert errors == {
        "requester.personal_id": "“Số định danh cá nhân” không đúng định dạng: 12 chữ số.",
        "requester.email": "“Thư điện tử” không phải là địa chỉ thư điện tử hợp lệ.",
        "child_name": "“Họ, chữ đệm và tên của trẻ” phải có ít nhất 2 ký tự.",
        "date_of_birth": "“Ngày sinh” phải là một ngày có thật (ngày, tháng, năm).",
        "sex": "Vui lòng chọn một giá trị trong danh sách cho “Giới tính”.",
        "copies": "“Số bản sao” không được lớn hơn 10.",
        "witnesses.0.full_name": "Vui lòng nhập “Họ và tên”.",
        "commitment": "Vui lòng chọn “Tôi cam đoan lời khai là đúng sự thật.”.",
        "nickname": "Trường này không thuộc biểu mẫu.",
    }


def test_missing_required_fields_inside_groups_and_lists():
    errors = eforms.validate(BIRTH_SCHEMA, {"requester": {}, "witnesses": []})

    assert errors == {
        "requester.full_name": "Vui lòng nhập “Họ, chữ đệm và tên”.",
        "requester.personal_id": "Vui lòng nhập “Số định danh cá nhân”.",
        "child_name": "Vui lòng nhập “Họ, chữ đệm và tên của trẻ”.",
        "date_of_birth": "Vui lòng nhập “Ngày sinh”.",
        "sex": "Vui lòng chọn “Giới tính”.",
        "commitment": "Vui lòng chọn “Tôi cam đoan lời khai là đúng sự thật.”.",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("copies", "hai", "“Số bản sao” phải là số nguyên."),
        ("copies", 1.5, "“Số bản sao” phải là số nguyên."),
        ("copies", -1, "“Số bản sao” không được nhỏ hơn 0."),
        ("copies", True, "“Số bản sao” phải là số nguyên."),
        ("child_name", 42, "“Họ, chữ đệm và tên của trẻ” phải là văn bản."),
        ("commitment", "có", "“Tôi cam đoan lời khai là đúng sự thật.” chỉ nhận giá trị có hoặc không."),
        ("requester", "Nguyễn Văn An", "“Người yêu cầu” phải là một nhóm trường."),
        ("witnesses", {"full_name": "A"}, "“Người làm chứng” phải là một danh sách các mục."),
        ("date_of_birth", "20/11/2026", "“Ngày sinh” phải là một ngày có thật (ngày, tháng, năm)."),
    ],
)
def test_wrong_types_are_named(field, value, message):
    assert eforms.validate(BIRTH_SCHEMA, VALID | {field: value}) == {field: message}


def test_list_bounds_and_entries():
    schema = {
        "type": "object",
        "properties": {
            "parties": {
                "type": "array",
                "title": "Hai bên",
                "minItems": 2,
                "maxItems": 2,
                "items": {"type": "object", "properties": {"name": {"type": "string", "title": "Tên"}}},
            }
        },
    }

    assert eforms.validate(schema, {"parties": [{"name": "A"}]}) == {
        "parties": "Vui lòng khai ít nhất 2 mục cho “Hai bên”."
    }
    assert eforms.validate(schema, {"parties": [{"name": "A"}] * 3}) == {
        "parties": "“Hai bên” có tối đa 2 mục."
    }
    assert eforms.validate(schema, {"parties": ["A", {"name": "B"}]}) == {
        "parties.0": "Mỗi mục của “Hai bên” là một nhóm trường."
    }
    assert eforms.validate(schema, []) == {"": "Dữ liệu biểu mẫu phải là tập hợp các trường có tên."}


def test_the_birth_registration_schema_is_inside_the_subset():
    assert eforms.schema_problems(BIRTH_SCHEMA) == []
    assert eforms.layout_problems(BIRTH_LAYOUT, BIRTH_SCHEMA) == []


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "array"}, 'Lược đồ phải là lược đồ đối tượng: {"type": "object", "properties": {...}}.'),
        ({"type": "object", "properties": {}}, "biểu mẫu: khai báo các trường trong “properties”."),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A"}}, "oneOf": []},
            "biểu mẫu: từ khóa “oneOf” không được hỗ trợ ở vị trí này.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A", "format": "uri"}}},
            "a: định dạng phải là date hoặc email.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            "a: đặt “title” cho trường: đó là nhãn người dùng đọc.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "null", "title": "A"}}},
            "a: kiểu phải là string, number, integer, boolean, object hoặc array.",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "g": {
                        "type": "object",
                        "title": "G",
                        "properties": {"h": {"type": "object", "title": "H", "properties": {}}},
                    }
                },
            },
            "g.h: nhóm và danh sách không được lồng trong một nhóm khác.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A", "pattern": "(["}}},
            "a: mẫu (pattern) không phải là biểu thức chính quy hợp lệ.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A", "x-prefill": "cccd"}}},
            "a: x-prefill phải là một trong full_name, personal_id, phone, email, address.",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A", "minLength": 5, "maxLength": 2}},
            },
            "a: giá trị tối thiểu lớn hơn giá trị tối đa.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "integer", "title": "A", "enum": ["1"]}}},
            "a: “enum” liệt kê các giá trị được phép, cùng kiểu với trường.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A"}}, "required": ["b"]},
            "biểu mẫu: “required” chỉ được liệt kê tên các trường của chính nó.",
        ),
        (
            {
                "type": "object",
                "properties": {"l": {"type": "array", "title": "L", "items": {"type": "string"}}},
            },
            'l: danh sách chứa các đối tượng: "items": {"type": "object", ...}.',
        ),
    ],
)
def test_schemas_outside_the_subset_are_refused_with_the_reason(schema, problem):
    assert problem in eforms.schema_problems(schema)


def test_layout_problems():
    layout = {
        "sections": [{"title": "A", "fields": ["child_name", "khong-co", "child_name"]}],
        "widgets": {"x": "slider"},
        "theme": "dark",
    }

    assert eforms.layout_problems(layout, BIRTH_SCHEMA) == [
        "Khóa bố cục “theme” không được hỗ trợ.",
        "Bố cục nêu “khong-co”, không phải là trường của biểu mẫu.",
        "Bố cục nêu “child_name” hai lần.",
        "Mục widgets gán đường dẫn trường với “textarea” hoặc “radio”.",
    ]


@pytest.mark.django_db
def test_prefill_fills_empty_fields_from_the_profile_and_keeps_what_is_there():
    user = User(
        full_name="Nguyễn Văn An", personal_id="025085001234", email="an@example.vn", phone="0912000001"
    )

    empty = eforms.prefill(BIRTH_SCHEMA, user)
    kept = eforms.prefill(BIRTH_SCHEMA, user, {"requester": {"full_name": "Trần Thị Bình"}, "sex": "Nữ"})

    assert empty == {
        "requester": {"full_name": "Nguyễn Văn An", "personal_id": "025085001234", "email": "an@example.vn"}
    }
    assert kept == {
        "requester": {"full_name": "Trần Thị Bình", "personal_id": "025085001234", "email": "an@example.vn"},
        "sex": "Nữ",
    }


def test_form_data_from_a_post_keeps_the_typed_text_of_bad_numbers():
    post = QueryDict(mutable=True)
    post.update(
        {
            "requester.full_name": "  Nguyễn Văn An ",
            "requester.personal_id": "025085001234",
            "child_name": "Khôi",
            "copies": "hai",
            "commitment": "on",
            "witnesses.0.full_name": "Bình",
            "witnesses.1.full_name": "",
            "witnesses.3.full_name": "Cường",
            "date_of_birth": "",
        }
    )

    data = eforms.data_from_form(BIRTH_SCHEMA, post)

    assert data == {
        "requester": {"full_name": "Nguyễn Văn An", "personal_id": "025085001234"},
        "child_name": "Khôi",
        "copies": "hai",
        "witnesses": [{"full_name": "Bình"}, {"full_name": "Cường"}],
        "commitment": True,
    }
    assert eforms.data_from_form(BIRTH_SCHEMA, {"copies": "3"})["copies"] == 3


def _render(values=None, errors=None) -> str:
    template = Template("{% load catalog_eforms %}{% eform schema layout values errors %}")
    return template.render(
        Context({"schema": BIRTH_SCHEMA, "layout": BIRTH_LAYOUT, "values": values, "errors": errors})
    )


def test_the_form_is_drawn_with_labels_hints_and_sections_in_layout_order():
    html = _render()

    legends = re.findall(r"<legend>([^<]+)", html)
    assert legends[:3] == ["Người đi đăng ký", "Người yêu cầu", "Trẻ"]
    assert (
        '<label for="eform-requester-full_name">Họ, chữ đệm và tên '
        '<span class="required" aria-hidden="true">*</span></label>' in html
    )
    assert 'autocomplete="name"' in html
    assert '<small class="help" id="eform-requester-personal_id-hint">12 chữ số.</small>' in html
    assert 'aria-describedby="eform-requester-personal_id-hint"' in html
    assert '<input type="date" id="eform-date_of_birth" name="date_of_birth" value=""' in html
    assert '<input type="radio" name="sex" value="Nam" required>' in html
    assert (
        'type="number" id="eform-copies" name="copies" value="" inputmode="numeric" step="1" min="0" max="10"'
        in html
    )
    # Two entries for the list (layout rows), named by index.
    assert 'name="witnesses.1.full_name"' in html and 'name="witnesses.2.full_name"' not in html
    assert "Vui lòng sửa các nội dung sau" not in html


def test_errors_are_shown_next_to_their_field_with_what_was_typed():
    values = {"child_name": "K", "copies": "hai", "sex": "Nữ", "witnesses": [{"full_name": "Bình"}]}
    errors = eforms.validate(BIRTH_SCHEMA, values)

    html = _render(values, errors)

    assert '<h2 id="eform-summary-title">Vui lòng sửa các nội dung sau:</h2>' in html
    assert '<a href="#eform-child_name">“Họ, chữ đệm và tên của trẻ” phải có ít nhất 2 ký tự.</a>' in html
    assert (
        '<input type="text" id="eform-child_name" name="child_name" value="K" required aria-required="true" '
        'aria-invalid="true" aria-describedby="eform-child_name-error">'
    ) in html
    assert '<span class="errorlist" id="eform-child_name-error">' in html
    assert 'name="copies" value="hai"' in html
    assert '<input type="radio" name="sex" value="Nữ" checked required>' in html
    assert 'name="witnesses.0.full_name" value="Bình"' in html
    assert sorted(errors) == ["child_name", "commitment", "copies", "date_of_birth", "requester"]
    # Inputs are marked invalid; the group "requester" shows its message in its fieldset.
    assert html.count('aria-invalid="true"') == 4
    assert '<p class="errorlist" id="eform-requester-error">Vui lòng nhập “Người yêu cầu”.</p>' in html
