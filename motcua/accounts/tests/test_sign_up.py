"""Self sign-up of citizens and organisations: through the service, the API and the pages."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from motcua.accounts.models import User
from motcua.accounts.services import citizen_sign_up, organization_sign_up
from motcua.accounts.tests.conftest import PASSWORD, PERSONAL_ID, make_citizen
from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

CITIZEN = {
    "personal_id": "079192004567",
    "full_name": "Trần Thị Bình",
    "email": "Binh.Tran@Example.VN",
    "phone": "+84 912 000 002",
    "password": PASSWORD,
}
ORGANIZATION = {
    "tax_code": "0100233488",
    "name": "Công ty TNHH Chè Hùng Vương",
    "email": "lienhe@chehungvuong.vn",
    "phone": "0987 654 321",
    "password": PASSWORD,
    "representative": "Hà Văn Cường",
}
INVALID = "Một số trường chưa hợp lệ; vui lòng sửa lại và thử lại."
ACCOUNT_EXISTS = (
    "Số định danh (hoặc mã số thuế) hoặc địa chỉ thư điện tử này đã được dùng cho một tài khoản. "
    "Vui lòng đăng nhập, hoặc đặt lại mật khẩu nếu bạn quên mật khẩu."
)


def test_a_citizen_signs_up_and_receives_a_confirmation_link(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = citizen_sign_up(**CITIZEN)

    user.refresh_from_db()
    assert (user.kind, user.personal_id, user.full_name) == (
        User.Kind.CITIZEN,
        "079192004567",
        "Trần Thị Bình",
    )
    assert user.email == "Binh.Tran@example.vn"  # the domain is lower-cased, the mailbox kept
    assert user.phone == "0912000002"
    assert user.email_verified_at is None
    assert user.is_active is True
    assert user.username.startswith("c-") and len(user.username) == 14
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Binh.Tran@example.vn"]
    assert mail.outbox[0].subject == "Xác nhận địa chỉ thư điện tử"
    assert "/accounts/verify-email/" in mail.outbox[0].body
    [record] = audit_trail_of(user)
    assert (record.action, record.actor_id, record.before) == ("sign_up", user.pk, None)
    assert "password" not in record.after and "personal_id" not in record.after
    assert PERSONAL_ID not in str(record.after) and "079192004567" not in str(record.after)


def test_an_organization_signs_up_with_its_tax_code(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = organization_sign_up(**{**ORGANIZATION, "tax_code": "0100 233 488 - 001"})

    user.refresh_from_db()
    assert (user.kind, user.tax_code, user.username) == (
        User.Kind.ORGANIZATION,
        "0100233488-001",
        "0100233488-001",
    )
    assert (user.full_name, user.representative, user.phone) == (
        "Công ty TNHH Chè Hùng Vương",
        "Hà Văn Cường",
        "0987654321",
    )
    assert user.personal_id is None
    assert len(mail.outbox) == 1


def test_every_invalid_field_is_reported_at_once_in_vietnamese() -> None:
    with pytest.raises(ApplicationError) as error:
        citizen_sign_up(
            personal_id="12345", full_name="  ", email="not-an-address", phone="0212345678", password="123"
        )

    assert (error.value.code, error.value.status, str(error.value.message)) == (
        "validation_error",
        422,
        INVALID,
    )
    fields = {name: str(message) for name, message in error.value.fields.items()}
    assert fields["personal_id"] == "Vui lòng nhập đủ 12 chữ số của số định danh cá nhân."
    assert fields["full_name"] == "Vui lòng điền thông tin này."
    assert fields["email"] == "Vui lòng nhập địa chỉ thư điện tử hợp lệ, ví dụ ten.ban@example.vn."
    assert (
        fields["phone"] == "Vui lòng nhập số điện thoại di động Việt Nam gồm 10 chữ số, ví dụ 0912 345 678."
    )
    assert set(fields) == {"personal_id", "full_name", "email", "phone", "password"}
    assert User.objects.count() == 0


def test_a_weak_password_is_refused_with_the_reason() -> None:
    with pytest.raises(ApplicationError) as error:
        citizen_sign_up(**{**CITIZEN, "password": "12345678901"})

    assert set(error.value.fields) == {"password"}
    assert str(error.value.fields["password"]) == "Mật khẩu này quá phổ biến. Mật khẩu này hoàn toàn là số."


def test_a_future_birth_year_in_the_personal_id_is_refused() -> None:
    with pytest.raises(ApplicationError) as error:
        citizen_sign_up(**{**CITIZEN, "personal_id": "001399001234"})  # born 2099

    assert set(error.value.fields) == {"personal_id"}


@pytest.mark.parametrize(
    "taken",
    [
        {"personal_id": "079192004567"},
        {"email": "binh.tran@example.vn"},  # another case of the same address
    ],
)
def test_a_taken_personal_id_or_email_is_refused_without_saying_which(taken: dict[str, str]) -> None:
    make_citizen(username="existing", personal_id=taken.get("personal_id", "001085001234"))
    User.objects.filter(username="existing").update(email=taken.get("email", "someone@example.vn"))

    with pytest.raises(ApplicationError) as error:
        citizen_sign_up(**CITIZEN)

    assert (error.value.code, error.value.status, str(error.value.message)) == (
        "account_exists",
        409,
        ACCOUNT_EXISTS,
    )
    assert error.value.fields == {}
    assert User.objects.count() == 1


def test_a_taken_tax_code_is_refused() -> None:
    organization_sign_up(**ORGANIZATION)

    with pytest.raises(ApplicationError) as error:
        organization_sign_up(**{**ORGANIZATION, "email": "khac@example.vn"})

    assert error.value.code == "account_exists"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_code", "0100233480"),
        ("tax_code", "12345"),
        ("name", ""),
        ("representative", " "),
        ("email", "x@"),
        ("phone", "12345"),
    ],
)
def test_organization_field_errors(field: str, value: str) -> None:
    with pytest.raises(ApplicationError) as error:
        organization_sign_up(**{**ORGANIZATION, field: value})

    assert set(error.value.fields) == {field}


# --- API ------------------------------------------------------------------------------------------------


def test_api_sign_up_is_public_and_answers_201(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/accounts/sign-up", CITIZEN, content_type="application/json")

    assert response.status_code == 201
    assert response.json() == {"email": "Binh.Tran@example.vn", "verification_sent": True}
    assert len(mail.outbox) == 1


def test_api_sign_up_errors_are_json_problems(client: Client) -> None:
    response = client.post(
        "/api/v1/accounts/sign-up",
        {**CITIZEN, "personal_id": "003085001234"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": INVALID,
        "fields": {
            "personal_id": "Ba chữ số đầu của số định danh cá nhân là mã tỉnh; 003 không phải là mã tỉnh. "
            "Vui lòng kiểm tra lại số trên thẻ căn cước của bạn."
        },
    }


def test_api_sign_up_duplicate_is_409(client: Client) -> None:
    citizen_sign_up(**CITIZEN)

    response = client.post("/api/v1/accounts/sign-up", CITIZEN, content_type="application/json")

    assert response.status_code == 409
    assert response.json() == {"code": "account_exists", "message": ACCOUNT_EXISTS, "fields": {}}


def test_api_sign_up_missing_field_is_422(client: Client) -> None:
    response = client.post(
        "/api/v1/accounts/sign-up", {"personal_id": "079192004567"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"] == {
        "full_name": "Vui lòng điền thông tin này.",
        "email": "Vui lòng điền thông tin này.",
        "phone": "Vui lòng điền thông tin này.",
        "password": "Vui lòng điền thông tin này.",
    }


# --- pages ----------------------------------------------------------------------------------------------


def test_the_sign_up_page_creates_the_account_and_redirects(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = client.get("/accounts/sign-up/")
    assert page.status_code == 200
    assert "Đăng ký tài khoản công dân" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/sign-up/",
            {
                **{k: v for k, v in CITIZEN.items() if k != "password"},
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-up/sent/"
    assert User.objects.get(personal_id="079192004567").kind == User.Kind.CITIZEN
    assert len(mail.outbox) == 1


def test_the_sign_up_page_shows_errors_next_to_fields_and_keeps_input(client: Client) -> None:
    response = client.post(
        "/accounts/sign-up/",
        {
            **{k: v for k, v in CITIZEN.items() if k != "password"},
            "personal_id": "003085001234",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_personal_id_error"' in html
    assert "003 không phải là mã tỉnh" in html
    assert 'value="Trần Thị Bình"' in html  # what was typed stays
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


def test_the_sign_up_page_refuses_two_different_passwords(client: Client) -> None:
    response = client.post(
        "/accounts/sign-up/",
        {
            **{k: v for k, v in CITIZEN.items() if k != "password"},
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )

    assert response.status_code == 400
    assert "Hai mật khẩu không giống nhau; vui lòng nhập lại." in response.content.decode()
    assert User.objects.count() == 0


def test_the_organization_sign_up_page(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    assert client.get("/accounts/sign-up/organisation/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/sign-up/organisation/",
            {
                **{k: v for k, v in ORGANIZATION.items() if k != "password"},
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == 302
    assert User.objects.get(tax_code="0100233488").representative == "Hà Văn Cường"


def test_the_organization_sign_up_page_shows_a_checksum_error(client: Client) -> None:
    response = client.post(
        "/accounts/sign-up/organisation/",
        {
            **{k: v for k, v in ORGANIZATION.items() if k != "password"},
            "tax_code": "0100233480",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 400
    assert "Chữ số cuối của mã số thuế không khớp với các chữ số còn lại" in response.content.decode()
