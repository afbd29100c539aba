"""The web shell in Chromium: language switch, a phone-sized screen, keyboard focus, staff landing."""

from typing import Any

import pytest

from motcua.accounts.models import Role, RoleGrant, User
from motcua.organizations.tests.factories import UnitFactory
from motcua.testing.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-du-dai-9"


def test_a_visitor_switches_the_home_page_to_english_and_back(page: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Thủ tục hành chính của tỉnh và các xã, phường"

    page.get_by_role("button", name="English").click()

    page.wait_for_selector('html[lang="en"]')
    assert page.locator("h1").inner_text() == "Administrative procedures of the province and its communes"
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("link", name="API documentation").first.get_attribute("href") == "/api/v1/docs"
    save_screenshot(page, "home-english")

    page.get_by_role("button", name="Tiếng Việt").click()

    page.wait_for_selector('html[lang="vi"]')
    assert page.locator("h1").inner_text() == "Thủ tục hành chính của tỉnh và các xã, phường"
    save_screenshot(page, "home-vietnamese")


def test_the_home_page_fits_a_phone_screen(page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_role("button", name="English").is_visible()
    save_screenshot(page, "home-phone")


def test_keyboard_users_reach_a_visible_skip_link_first(page: Any) -> None:
    page.goto("/")

    page.keyboard.press("Tab")

    focused = page.locator(":focus")
    assert focused.inner_text() == "Bỏ qua, đến nội dung chính"
    box = focused.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"


def test_an_officer_signs_in_and_lands_on_their_workspace(page: Any) -> None:
    province = UnitFactory(province=True, name="Ủy ban nhân dân tỉnh Phú Thọ")
    centre = UnitFactory(
        center=True,
        parent=province,
        level="province",
        name="Trung tâm Phục vụ hành chính công tỉnh Phú Thọ",
        short_name="Trung tâm PVHCC tỉnh",
    )
    officer = User.objects.create_user(
        username="tiepnhan.tinh", password=PASSWORD, kind=User.Kind.STAFF, full_name="Trần Thị Hồng Nhung"
    )
    RoleGrant.objects.create(user=officer, role=Role.INTAKE_OFFICER, unit=centre)

    page.goto("/")
    page.get_by_role("link", name="Đăng nhập vào bàn làm việc").click()
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("tiepnhan.tinh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/staff/")
    assert page.locator("h1").inner_text() == "Bàn làm việc"
    assert page.locator(".site-header .who-unit").inner_text() == "Trung tâm PVHCC tỉnh"
    row = page.locator("tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "Cán bộ tiếp nhận"
    assert row.locator("td").nth(1).inner_text().startswith("Trung tâm Phục vụ hành chính công tỉnh Phú Thọ")
    save_screenshot(page, "staff-workspace")
