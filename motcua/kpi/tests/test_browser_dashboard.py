"""A province supervisor opens the index in Chromium: scores and colours, a period switch without reloading
the page (htmx), then a click on an indicator's number lists the dossiers behind it, down to a late
dossier's timeline. The dossiers are made through the services; the counters follow by the outbox."""

import datetime as dt
import re
from typing import Any

import pytest

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import (
    PASSWORD,
    at,
    build_world,
    counter_received,
    make_procedure,
    make_user,
)
from motcua.kpi import facts as kpi_facts
from motcua.kpi.counters import DossierFact, all_counter_rows
from motcua.kpi.recompute import recompute
from motcua.testing.browser import save_screenshot
from motcua.worktime.calendar import TZ

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approve(world: Any, dossier: Dossier, when: dt.datetime) -> Dossier:
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=when)
    return services.dossier_approve(dossier=dossier, actor=world.leader_a, result_note="Xong", at=when)


def test_the_supervisor_reads_the_index_and_drills_down(
    page: Any, live_server: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(kpi_facts, "now", lambda: dt.datetime(2027, 1, 15, 10, tzinfo=TZ))
    world = build_world()
    procedure = make_procedure(world)
    for day in (7, 8, 9):
        approve(world, counter_received(world, procedure, when=at(day, 9)), at(day, 10))
    late = counter_received(world, procedure, when=at(14, 9))
    approve(world, late, at(16, 9))
    late.refresh_from_db()
    # The outbox delivered every event after its commit: the counters are up to date.
    assert DossierFact.objects.filter(received_at__isnull=False).count() == 4
    counted = all_counter_rows()
    make_user("giamsat.tinh", (Role.SUPERVISOR, world.province), full_name="Đỗ Thị Giám Sát")

    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill("giamsat.tinh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Chỉ số 766").click()
    page.wait_for_url("**/chi-so/")
    assert page.locator("h1").inner_text() == "Chỉ số phục vụ (QĐ 766)"

    page.get_by_label("Kỳ đánh giá").select_option("2026-12")  # htmx replaces the report
    page.wait_for_url("**period=2026-12**")
    assert page.locator("#kpi-summary-title").inner_text() == f"{world.province.name} · Tháng 12/2026"
    on_time = page.locator("#indicator-21")
    assert on_time.locator(".band").inner_text() == "Cam"
    assert (
        on_time.locator(".band").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 216, 176)"
    )
    assert "75,00 %" in on_time.inner_text()
    total = page.locator("#kpi-total .kpi-points").inner_text()
    assert re.fullmatch(r"\d+,\d\d", total)
    ranking = page.locator("table.kpi-ranking")
    assert world.commune_a.name in ranking.inner_text()
    save_screenshot(page, "kpi-dashboard")

    page.get_by_label("Kỳ đánh giá").select_option("2026-11")
    page.wait_for_url("**period=2026-11**")
    assert page.locator("#kpi-summary-title").inner_text() == f"{world.province.name} · Tháng 11/2026"
    assert page.locator("#indicator-21 .band").count() == 0  # 0 ÷ 0: no rate, no colour
    page.go_back()
    page.wait_for_url("**period=2026-12**")
    page.reload()

    page.locator("#indicator-21").get_by_role("link", name=re.compile("^4: ")).click()
    page.wait_for_url("**/chi-so/chi-tieu/2.1/ho-so/**")
    assert page.locator("h1").inner_text() == "Hồ sơ của chỉ số 2.1"
    codes = page.locator("table.kpi-dossiers tbody th").all_inner_texts()
    assert sorted(codes) == sorted(Dossier.objects.values_list("code", flat=True))
    save_screenshot(page, "kpi-drilldown")

    page.get_by_role("link", name="Không thuộc tử số").click()
    page.wait_for_url("**which=missing**")
    assert page.locator("table.kpi-dossiers tbody th").all_inner_texts() == [late.code]
    page.locator("table.kpi-dossiers tbody tr").get_by_role("link", name="diễn biến").click()
    page.wait_for_url(f"**/chi-so/ho-so/{late.public_id}/")
    assert page.locator("h1").inner_text() == f"Diễn biến hồ sơ {late.code}"
    assert page.locator(".kpi-facts .band-red").inner_text() == "quá hạn"
    save_screenshot(page, "kpi-timeline")
    recompute()  # the counters kept event by event, after each commit, are the recomputed ones
    assert all_counter_rows() == counted
