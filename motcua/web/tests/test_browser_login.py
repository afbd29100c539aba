"""A person signs in through the real login page in Chromium."""

from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.testing.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_their_name(page: Any) -> None:
    User.objects.create_user(
        username="canbo.mot", password="mat-khau-du-dai-9", full_name="Nguyễn Thị Hoa", kind=User.Kind.STAFF
    )

    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("canbo.mot")
    page.get_by_label("Mật khẩu").fill("mat-khau-du-dai-9")
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/")
    assert page.locator(".site-header .who").inner_text() == "Nguyễn Thị Hoa"
    save_screenshot(page, "home-signed-in")


def test_wrong_password_keeps_the_username_and_explains_in_vietnamese(page: Any) -> None:
    User.objects.create_user(username="canbo.hai", password="mat-khau-du-dai-9")

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("canbo.hai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    assert page.get_by_role("alert").inner_text() == (
        "Thông tin đăng nhập không đúng. Vui lòng kiểm tra tên đăng nhập, địa chỉ thư điện tử hoặc "
        "số định danh cá nhân và mật khẩu, rồi thử lại."
    )
    assert (
        page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").input_value() == "canbo.hai"
    )
