"""The staff journeys in a real Chromium: a walk-in received at the counter (receipt PDF downloaded), an
online dossier received, a specialist's supplement request, the leader's approval and signature, an
administrator granting a role; axe-core finds no serious violation on the main pages. Screenshots go to
test-output/screenshots/."""

from pathlib import Path
from typing import Any

import pytest

from motcua.accounts.models import Role, RoleGrant
from motcua.catalog.models import Procedure
from motcua.documents.demo import load_demo_certificates
from motcua.documents.models import SignedDocument
from motcua.documents.services import result_prepare
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.tests.helpers import (
    PASSWORD,
    World,
    at,
    build_world,
    counter_received,
    make_procedure,
    make_user,
    online_submitted,
)
from motcua.testing.axe import assert_no_serious_violations
from motcua.testing.browser import save_screenshot
from motcua.web.backoffice.tests.helpers import result_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 2 November 2026, well before the tests run: the dossiers are late by now, as many are.
MONDAY = 2
NOVEMBER = 11


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def procedure(world: World) -> Procedure:
    return make_procedure(world, documents=["Tờ khai đăng ký khai sinh"])


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập, thư điện tử hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")


def _pdf(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n",
    }


def _downloaded(download: Any) -> bytes:
    return Path(download.path()).read_bytes()


def test_a_walk_in_is_received_at_the_counter_and_gets_the_receipt(
    page: Any, world: World, procedure: Procedure
) -> None:
    sign_in(page, world.intake_a.username)
    page.goto("/can-bo/")
    assert_no_serious_violations(page)
    page.get_by_role("link", name="Tiếp nhận tại quầy").click()

    page.get_by_label("Thủ tục", exact=True).select_option(procedure.code)
    page.get_by_role("button", name="Xem giấy tờ cần nộp").click()
    page.get_by_label("Số định danh cá nhân (12 chữ số) hoặc mã số thuế").fill("025085009999")
    page.get_by_label("Số định danh cá nhân (12 chữ số) hoặc mã số thuế").press("Tab")
    page.get_by_text("Không có hồ sơ trước với số định danh này").wait_for()
    page.get_by_label("Họ và tên").fill("Lê Văn Cường")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn 3, xã Ea Kar")
    page.get_by_role("checkbox", name="Tờ khai đăng ký khai sinh").check()
    page.get_by_label("Bản quét “Tờ khai đăng ký khai sinh”").set_input_files(
        [_pdf("to-khai-trang-1.pdf"), _pdf("to-khai-trang-2.pdf")]
    )
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-intake-form")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    page.get_by_role("heading", name="Đã tiếp nhận hồ sơ").wait_for()
    dossier = Dossier.objects.get()
    assert page.get_by_test_id("code").inner_text() == dossier.code
    assert dossier.components.count() == 2
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-intake-done")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải giấy tiếp nhận và hẹn trả kết quả (Mẫu 01, PDF)").click()
    download = info.value
    assert download.suggested_filename == f"mau-01-{dossier.code}.pdf"
    assert _downloaded(download).startswith(b"%PDF")


def test_an_intake_officer_receives_an_online_dossier(page: Any, world: World, procedure: Procedure) -> None:
    make_procedure(world, code="2.000001.000.00.00.H15")
    online = make_procedure(world, code="2.000002.000.00.00.H15")
    dossier = online_submitted(world, online, when=at(MONDAY, 8, month=NOVEMBER))
    sign_in(page, world.intake_a.username)

    page.goto("/can-bo/")
    page.get_by_role("link", name=str(dossier.public_id)).click()
    page.get_by_text("Tiếp nhận hồ sơ", exact=True).click()
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-dossier-submitted")
    page.get_by_role("button", name="Tiếp nhận và cấp giấy tiếp nhận").click()

    page.get_by_text("Đã thực hiện: Tiếp nhận hồ sơ.").wait_for()
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING
    assert page.get_by_role("heading", level=1).inner_text() == f"Hồ sơ {dossier.code}"
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải giấy tiếp nhận và hẹn trả kết quả (Mẫu 01, PDF)").click()
    assert info.value.suggested_filename == f"mau-01-{dossier.code}.pdf"
    assert _downloaded(info.value).startswith(b"%PDF")


def test_a_specialist_asks_for_a_supplement(page: Any, world: World) -> None:
    plain = make_procedure(world)
    dossier = counter_received(world, plain, when=at(MONDAY, 9, month=NOVEMBER))
    sign_in(page, world.specialist_a.username)

    page.goto("/can-bo/?role=specialist")
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-dashboard-specialist")
    page.get_by_role("link", name=dossier.code).first.click()
    page.get_by_text("Yêu cầu bổ sung", exact=True).click()
    page.get_by_label("Nội dung cần bổ sung, sửa đổi (mỗi dòng một nội dung)").fill(
        "Bản sao giấy chứng sinh\nSổ hộ khẩu"
    )
    page.get_by_label("Lý do", exact=True).fill("   ")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()

    # The reason was blank: the message is next to the field and the items are still there.
    page.locator("#ask_supplement-reason-error").wait_for()
    assert page.locator("#ask_supplement-reason-error").inner_text() == "Bắt buộc nhập."
    items = page.get_by_label("Nội dung cần bổ sung, sửa đổi (mỗi dòng một nội dung)")
    assert items.input_value() == "Bản sao giấy chứng sinh\nSổ hộ khẩu"
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-supplement-error")
    page.get_by_label("Lý do", exact=True).fill("Thiếu giấy chứng sinh")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()

    page.get_by_text("Đã thực hiện: Yêu cầu bổ sung.").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Chờ bổ sung hồ sơ"
    request = SupplementRequest.objects.get()
    assert (request.items, request.reason) == (
        ["Bản sao giấy chứng sinh", "Sổ hộ khẩu"],
        "Thiếu giấy chứng sinh",
    )
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WAITING_SUPPLEMENT


def test_the_leader_approves_and_signs(page: Any, world: World) -> None:
    load_demo_certificates(units=[world.commune_a, world.centre_a])
    plain = make_procedure(world)
    dossier = counter_received(world, plain, when=at(MONDAY, 9, month=NOVEMBER))
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist_a, at=at(MONDAY, 10, month=NOVEMBER)
    )
    result_prepare(dossier=dossier, actor=world.specialist_a, pdf=result_pdf(), title="Giấy khai sinh")
    sign_in(page, world.leader_a.username)

    page.goto(f"/can-bo/ho-so/{dossier.public_id}/")
    page.get_by_text("Phê duyệt và ký", exact=True).click()
    page.get_by_label("Kết quả (nội dung được cấp)").fill("Giấy khai sinh số 12/2026")
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-leader-approve")
    page.get_by_role("button", name="Phê duyệt và ký kết quả").click()

    page.get_by_text("Đã thực hiện: Phê duyệt và ký.").wait_for()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.result_note) == (Dossier.Status.RESOLVED, "Giấy khai sinh số 12/2026")
    signed = SignedDocument.objects.get(dossier=dossier)
    assert signed.signed_by == world.leader_a
    with page.expect_download() as info:
        page.get_by_role("link", name="Kết quả đã ký: Giấy khai sinh").click()
    assert _downloaded(info.value).startswith(b"%PDF")
    save_screenshot(page, "backoffice-leader-signed")


def test_an_administrator_grants_a_role(page: Any, world: World) -> None:
    make_user("quantri.a", (Role.ADMIN, world.commune_a), full_name="Đỗ Thị Quản")
    sign_in(page, "quantri.a")

    page.goto("/accounts/staff/")
    page.get_by_role("link", name=world.specialist_a2.full_name).click()
    page.get_by_label("Vai trò", exact=True).select_option(Role.LEADER.value)
    page.get_by_label("Đơn vị", exact=True).select_option(str(world.commune_a.pk))
    page.get_by_role("button", name="Cấp vai trò").click()

    page.get_by_text("Đã cấp vai trò.").wait_for()
    save_screenshot(page, "backoffice-admin-granted")
    assert (
        RoleGrant.objects.active()
        .filter(user=world.specialist_a2, role=Role.LEADER, unit=world.commune_a)
        .count()
        == 1
    )


def test_guidance_and_reassignment_pages_pass_axe(page: Any, world: World) -> None:
    plain = make_procedure(world)
    dossier = counter_received(world, plain, when=at(MONDAY, 9, month=NOVEMBER))
    services.dossier_reassign(
        dossier=dossier, actor=world.leader_a, assignee=world.specialist_a, at=at(MONDAY, 10, month=NOVEMBER)
    )
    sign_in(page, world.intake_a.username)
    page.goto("/can-bo/huong-dan/")
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-guidance")
    page.goto(f"/can-bo/ho-so/{dossier.public_id}/")
    assert_no_serious_violations(page)
    save_screenshot(page, "backoffice-dossier-processing")

    page.context.clear_cookies()
    sign_in(page, world.leader_a.username)
    page.goto(f"/can-bo/phan-cong/?absent={world.specialist_a.pk}")
    assert_no_serious_violations(page)
    page.get_by_label("Giao tất cả cho").select_option(str(world.specialist_a2.pk))
    page.get_by_role("button", name="Phân công lại các hồ sơ này").click()
    page.get_by_text("Đã giao 1 hồ sơ cho").wait_for()
    save_screenshot(page, "backoffice-reassigned")
    dossier.refresh_from_db()
    assert dossier.assignee == world.specialist_a2
