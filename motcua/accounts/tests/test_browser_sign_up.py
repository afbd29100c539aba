"""A citizen signs up in Chromium, confirms the e-mail address through the link, and signs in."""

import re
from typing import Any

import pytest
from django.core import mail

from motcua.accounts.models import Role, RoleGrant, User
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create
from motcua.testing.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-rat-dai-2026"


def test_a_citizen_signs_up_confirms_and_signs_in(page: Any, live_server: Any) -> None:
    page.goto("/accounts/sign-up/")
    assert page.locator("h1").inner_text() == "Đăng ký tài khoản công dân"
    page.get_by_label("Số định danh cá nhân").fill("003085001234")  # not a province code
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Địa chỉ thư điện tử").fill("binh@example.vn")
    page.get_by_label("Số điện thoại di động").fill("0912 000 002")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()

    assert (
        page.locator("#id_personal_id_error")
        .inner_text()
        .startswith("Ba chữ số đầu của số định danh cá nhân là mã tỉnh; 003 không phải là mã tỉnh.")
    )
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Bình"
    save_screenshot(page, "sign-up-error")
    page.get_by_label("Số định danh cá nhân").fill("079192004567")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()

    page.wait_for_url("**/accounts/sign-up/sent/")
    assert page.locator("h1").inner_text() == "Vui lòng kiểm tra thư điện tử"
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/verify-email/\S+/", message.body)
    assert link is not None
    page.goto(link.group(0).replace("http://127.0.0.1:8000", live_server.url))
    assert (
        page.get_by_role("status").inner_text()
        == "Địa chỉ thư điện tử của bạn đã được xác nhận. Bây giờ bạn có thể đăng nhập."
    )

    page.get_by_role("main").get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("079192004567")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))
    assert User.objects.get(personal_id="079192004567").last_login is not None
    save_screenshot(page, "signed-up-and-in")


def test_a_commune_administrator_creates_an_officer_and_later_deactivates_them(page: Any) -> None:
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Phú Thọ", level=Unit.Level.PROVINCE, kind=Unit.Kind.PEOPLES_COMMITTEE
    )
    commune = unit_create(
        name="Ủy ban nhân dân xã Thanh Ba",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
    )
    admin = User.objects.create_user(
        username="quantri.xa",
        password=PASSWORD,
        full_name="Vũ Thị Mai",
        kind=User.Kind.STAFF,
        email="mai@example.vn",
    )
    RoleGrant.objects.create(user=admin, role=Role.ADMIN, unit=commune)

    page.goto("/accounts/login/?next=/accounts/staff/")
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("quantri.xa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/staff/")
    page.get_by_label("Tên đăng nhập").fill("tiepnhan.thanhba")
    page.get_by_label("Họ và tên").fill("Hà Thị Phương")
    page.get_by_label("Địa chỉ thư điện tử").fill("phuong@example.vn")
    page.get_by_label("Đơn vị").select_option(label="Ủy ban nhân dân xã Thanh Ba")
    page.get_by_label("Cán bộ tiếp nhận").check()
    page.get_by_role("button", name="Tạo tài khoản").click()

    page.wait_for_url("**/accounts/staff/*/")
    assert page.locator("h1").inner_text() == "Hà Thị Phương"
    assert page.get_by_role("status").inner_text() == "Đã tạo tài khoản cho Hà Thị Phương."
    save_screenshot(page, "staff-detail")
    page.get_by_role("button", name="Vô hiệu hóa").click()
    assert "Đã vô hiệu hóa tài khoản" in page.get_by_role("status").inner_text()
    assert User.objects.get(username="tiepnhan.thanhba").is_active is False
