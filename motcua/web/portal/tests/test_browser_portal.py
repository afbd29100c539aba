"""Citizen journeys in Chromium: find a procedure and submit it online (an e-form error fixed, a document
reused from the data store, another uploaded), answer a supplement request, download the signed result,
withdraw, and look a dossier up in public. Every page passes the axe-core check; screenshots are saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.search import search_index_procedure
from motcua.documents.demo import load_demo_certificates
from motcua.documents.services import result_issue, store_upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import PASSWORD, World, build_world, make_procedure
from motcua.testing.axe import assert_no_serious_violations
from motcua.testing.browser import save_screenshot
from motcua.web.portal.tests.conftest import (
    BIRTH_NOTICE,
    CODE,
    ID_CARD,
    dossier_in_state,
    pdf_bytes,
    portal_procedure,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_LABEL = "Tên đăng nhập, thư điện tử hoặc số định danh cá nhân"


def _sign_in(page: Any, username: str) -> None:
    User.objects.filter(username=username).update(email_verified_at=timezone.now())
    page.get_by_label(LOGIN_LABEL).fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _checked(page: Any, name: str) -> None:
    """Every page of a journey: no serious accessibility violation, and a screenshot."""
    assert_no_serious_violations(page)
    save_screenshot(page, f"portal-{name}")


def test_a_citizen_finds_a_procedure_and_submits_it_online(page: Any, tmp_path: Path) -> None:
    world = build_world()
    search_index_procedure(procedure_id=portal_procedure(world).pk)
    store_upload(
        actor=world.citizen,
        content=pdf_bytes("CCCD"),
        filename="cccd.pdf",
        title="Căn cước của Nguyễn Văn An",
        document_type_code="CCCD",
    )
    birth_notice = tmp_path / "giay-chung-sinh.pdf"
    birth_notice.write_bytes(pdf_bytes("Giấy chứng sinh"))

    page.goto("/thu-tuc/")
    page.get_by_role("searchbox").fill("khai sinh")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/thu-tuc/?q=khai+sinh*")
    page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    page.wait_for_url(f"**/thu-tuc/{CODE}/")
    _checked(page, "procedure-page")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    page.wait_for_url("**/accounts/login/**")
    _sign_in(page, world.citizen.username)
    page.wait_for_url(f"**/ho-so-cua-toi/nop/{CODE}/")
    assert page.locator("h1").inner_text() == "Nộp hồ sơ trực tuyến: Đăng ký khai sinh"
    _checked(page, "wizard-form")

    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(
        label="Trung tâm Phục vụ hành chính công xã Ea Kar"
    )
    page.get_by_label("Bản điện tử").check()
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Văn Bình")
    page.get_by_label("Ngày sinh").fill("2026-11-01")
    page.get_by_label("Số điện thoại liên hệ").fill("12345")
    page.get_by_role("button", name="Tiếp tục").click()

    phone = page.get_by_label("Số điện thoại liên hệ")
    assert phone.get_attribute("aria-invalid") == "true"
    assert page.locator("#eform-father_phone-error").inner_text() != ""
    assert page.get_by_label("Họ, chữ đệm, tên của trẻ").input_value() == "Nguyễn Văn Bình"
    assert page.get_by_label("Bản điện tử").is_checked()
    _checked(page, "wizard-form-error")
    phone.fill("0912345678")
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url(f"**/ho-so-cua-toi/nop/{CODE}/giay-to/")
    _checked(page, "wizard-documents")
    id_card = page.get_by_role("group", name=ID_CARD)
    id_card.get_by_label("Dùng “Căn cước của Nguyễn Văn An” trong kho dữ liệu của tôi").check()
    page.get_by_label(f"Tệp: {BIRTH_NOTICE}").set_input_files(str(birth_notice))
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url(f"**/ho-so-cua-toi/nop/{CODE}/xem-lai/")
    facts = page.locator(".review-facts")
    assert "8.000 đồng" in facts.inner_text()
    assert facts.locator("time").count() == 1
    assert "giay-chung-sinh.pdf" in page.locator("#review-documents + ul").inner_text()
    _checked(page, "wizard-review")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url("**/ho-so-cua-toi/*-*-*-*-*/")
    assert page.locator(".messages").inner_text().startswith("Hồ sơ của bạn đã được nộp.")
    assert page.locator(".dossier-facts .status").inner_text() == "Đã nộp, chờ tiếp nhận"
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert dossier.status == Dossier.Status.SUBMITTED
    assert sorted(c.provenance for c in dossier.components.all()) == ["reused", "uploaded"]
    _checked(page, "dossier-submitted")

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    assert page.locator(".dossier-card h2").all_inner_texts() == ["Đăng ký khai sinh"]
    _checked(page, "my-dossiers")


def test_a_citizen_answers_a_supplement_request(page: Any, tmp_path: Path) -> None:
    world = build_world()
    dossier = dossier_in_state(world, make_procedure(world), Dossier.Status.WAITING_SUPPLEMENT)
    scan = tmp_path / "ban-sao-chung-sinh.pdf"
    scan.write_bytes(pdf_bytes("Bản sao giấy chứng sinh"))

    page.goto("/ho-so-cua-toi/")
    _sign_in(page, world.citizen.username)
    page.wait_for_url("**/ho-so-cua-toi/")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    section = page.get_by_role("region", name="Cơ quan yêu cầu bạn bổ sung hồ sơ")
    assert "Thiếu giấy chứng sinh" in section.inner_text()
    _checked(page, "dossier-supplement-request")

    section.get_by_role("button", name="Gửi bổ sung").click()
    assert page.get_by_role("alert").inner_text().startswith("Hãy đính kèm ít nhất một tệp")
    _checked(page, "dossier-supplement-error")
    page.get_by_label("Tệp cho: Bản sao giấy chứng sinh").set_input_files(str(scan))
    page.get_by_role("button", name="Gửi bổ sung").click()

    assert page.locator(".messages").inner_text() == "Đã gửi hồ sơ bổ sung; hồ sơ được tiếp tục giải quyết."
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING
    assert page.locator(".history li").last.inner_text().endswith("Đã bổ sung")
    _checked(page, "dossier-supplemented")


def test_a_citizen_downloads_the_signed_result_and_the_receipt(page: Any) -> None:
    world = build_world()
    dossier = dossier_in_state(world, make_procedure(world), Dossier.Status.PROCESSING)
    load_demo_certificates(units=[world.commune_a])
    result_issue(
        dossier=dossier, actor=world.leader_a, pdf=pdf_bytes("Giấy khai sinh"), title="Giấy khai sinh"
    )

    page.goto(f"/ho-so-cua-toi/{dossier.public_id}/")
    _sign_in(page, world.citizen.username)
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.public_id}/")
    _checked(page, "dossier-result")

    with page.expect_download() as result:
        page.get_by_role("link", name="Tải kết quả có chữ ký số: Giấy khai sinh").click()
    assert result.value.suggested_filename == f"ket-qua-{dossier.code}.pdf"
    assert Path(result.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    assert receipt.value.suggested_filename == f"mau-01-{dossier.code}.pdf"


def test_a_citizen_withdraws_a_dossier_after_confirming(page: Any) -> None:
    world = build_world()
    dossier = dossier_in_state(world, make_procedure(world), Dossier.Status.SUBMITTED)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"/ho-so-cua-toi/{dossier.public_id}/")
    _sign_in(page, world.citizen.username)
    page.get_by_role("link", name="Rút hồ sơ…").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, "withdraw-confirm-phone")
    page.get_by_role("button", name="Có, rút hồ sơ").click()
    assert page.get_by_label("Lý do rút hồ sơ").get_attribute("aria-invalid") == "true"
    page.get_by_label("Lý do rút hồ sơ").fill("Tôi nộp nhầm thủ tục")
    page.get_by_role("button", name="Có, rút hồ sơ").click()

    assert page.locator(".messages").inner_text() == "Hồ sơ của bạn đã được rút."
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.STOPPED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, "dossier-withdrawn-phone")


def test_anyone_looks_a_dossier_up_by_code_and_secret(page: Any) -> None:
    world: World = build_world()
    dossier = dossier_in_state(world, make_procedure(world), Dossier.Status.PROCESSING)

    page.goto("/ho-so-cua-toi/tra-cuu/")
    _checked(page, "lookup")
    page.get_by_label("Mã hồ sơ").fill(dossier.code or "")
    page.get_by_label("Mã tra cứu").fill("ZZZZZZ")
    page.get_by_role("button", name="Tra cứu").click()
    assert page.get_by_role("alert").inner_text().startswith("Không có hồ sơ nào khớp")
    assert page.get_by_label("Mã hồ sơ").input_value() == dossier.code
    _checked(page, "lookup-not-found")

    page.get_by_label("Mã tra cứu").fill(dossier.lookup_secret)
    page.get_by_role("button", name="Tra cứu").click()

    result = page.get_by_role("region", name=f"Hồ sơ {dossier.code}")
    assert "Đang xử lý" in result.inner_text()
    assert "Nguyễn Văn An" not in page.content()
    _checked(page, "lookup-found")


def test_the_wizard_and_my_dossiers_fit_a_phone_screen(page: Any) -> None:
    world = build_world()
    portal_procedure(world)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"/ho-so-cua-toi/nop/{CODE}/")
    _sign_in(page, world.citizen.username)
    page.wait_for_url(f"**/ho-so-cua-toi/nop/{CODE}/")
    page.get_by_role("button", name="Tiếp tục").click()

    assert page.get_by_role("alert").count() == 1  # one summary for the whole page
    assert page.get_by_role("alert").get_by_role("link").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, "wizard-form-error-phone")
    page.goto("/ho-so-cua-toi/")
    assert page.locator("main p").filter(has_text="Bạn chưa nộp hồ sơ nào.").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, "my-dossiers-empty-phone")
