"""A citizen finds birth registration in Chromium, opens it, reads its components and the date the result
is expected if the dossier were submitted now (the clock of the live server fixed at Monday 2 March
2026, 08:00)."""

from datetime import datetime
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps

from motcua.catalog import queries
from motcua.catalog.demo_catalogue import load_demo_catalogue
from motcua.catalog.models import ProcedureSearchTerm
from motcua.organizations.models import Unit
from motcua.testing.browser import save_screenshot
from motcua.worktime.calendar import TZ
from motcua.worktime.models import WorkCalendar

# serialized_rollback: the national calendar seeded by the migrations comes back after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)


def ensure_national_calendar() -> None:
    """The national calendar the migrations seed. A transactional test flushes the database when it ends;
    serialized rollback restores the seed, but only through the connection the seed was saved on, and
    Playwright's sync API runs the browser tests in another greenlet, which gets its own connection
    object. So the seed is put back here when an earlier test removed it."""
    if not WorkCalendar.objects.filter(is_national=True).exists():
        import_module("motcua.worktime.migrations.0002_seed_national_calendar").seed(apps, None)


@pytest.fixture
def demo_catalogue(province: dict[str, Unit], monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_national_calendar()
    # Committed for real (transactional test): the publications' outbox events index the procedures.
    load_demo_catalogue(province=province["tinh"], departments=province, communes=list(province.values()))
    assert ProcedureSearchTerm.objects.values("procedure").distinct().count() == 16
    # The live server runs in a thread of this process: the pages read this clock.
    monkeypatch.setattr(queries, "submission_now", lambda: NOW)


def test_a_citizen_searches_opens_birth_registration_and_sees_the_expected_date(
    page: Any, demo_catalogue: None
) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Thủ tục hành chính"
    ).click()
    page.get_by_role("searchbox", name="Tìm kiếm").fill("khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()

    page.wait_for_url("**/thu-tuc/?q=khai+sinh*")
    assert page.get_by_role("heading", level=2).first.inner_text() == "Số thủ tục tìm thấy: 3"
    results = page.locator("table.catalog-table tbody th a")
    assert results.all_inner_texts() == [
        "Thủ tục đăng ký khai sinh",
        "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        "Liên thông điện tử: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế, cấp thẻ căn "
        "cước cho trẻ em dưới 6 tuổi",
    ]

    results.first.click()

    page.wait_for_url("**/thu-tuc/1.001193.000.00.00.H44/")
    assert page.locator("h1").inner_text() == "Thủ tục đăng ký khai sinh"
    for heading in (
        "Trình tự thực hiện",
        "Cách thức thực hiện",
        "Thành phần, số lượng hồ sơ",
        "Thời hạn giải quyết",
        "Đối tượng thực hiện",
        "Cơ quan thực hiện",
        "Kết quả thực hiện",
        "Phí, lệ phí",
        "Mẫu đơn, mẫu tờ khai",
        "Căn cứ pháp lý",
        "Dịch vụ công trực tuyến",
    ):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    expected = page.locator("section.expected")
    assert expected.get_by_role("heading").inner_text() == "Ngày hẹn trả kết quả dự kiến nếu nộp ngay bây giờ"
    assert "tiếp nhận lúc 08:00 ngày 02/03/2026" in expected.locator("p").first.inner_text()
    # 1 working day of 8 hours from Monday 08:00 (7.5 h left on Monday): Tuesday 08:00, on every channel.
    assert expected.locator("tbody tr").all_inner_texts() == [
        "Trực tiếp\t1 ngày làm việc\t08:00, Thứ Ba 03/03/2026",
        "Qua dịch vụ bưu chính\t1 ngày làm việc\t08:00, Thứ Ba 03/03/2026",
        "Trực tuyến\t1 ngày làm việc\t08:00, Thứ Ba 03/03/2026",
    ]
    save_screenshot(page, "catalogue-birth-registration")


def test_the_procedure_page_fits_a_phone_screen(page: Any, demo_catalogue: None) -> None:
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/thu-tuc/1.001193.000.00.00.H44/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("section.expected td.due").first.is_visible()
    save_screenshot(page, "catalogue-birth-registration-phone")
