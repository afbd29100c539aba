"""A visitor scans the QR code of a signed result and checks it in Chromium, then uploads a changed copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.documents import services
from motcua.documents.demo import load_demo_certificates
from motcua.documents.storage import read_document
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.tests.helpers import at, build_world, counter_received, make_procedure
from motcua.testing.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_visitor_verifies_a_result_and_a_changed_copy(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    world = build_world()
    load_demo_certificates(units=[world.commune_a])
    dossier = counter_received(world, make_procedure(world), when=at(7, 9))
    signed = services.result_issue(
        dossier=dossier, actor=world.leader_a, pdf=pdf_bytes(), title="Giấy khai sinh"
    )
    data = read_document(signed.file)
    where = data.index(b"trang 2")
    changed = tmp_path / "ban-sua.pdf"
    changed.write_bytes(data[:where] + b"T" + data[where + 1 :])

    page.goto(f"{live_server.url}/verify/{signed.public_id}")

    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert verdict.inner_text() == "Chữ ký hợp lệ và văn bản không bị thay đổi kể từ khi ký."
    save_screenshot(page, "documents-verify-valid")

    page.set_input_files("input[type=file]", str(changed))
    page.get_by_role("button", name="Kiểm tra").click()

    upload = page.locator("[data-upload]")
    assert upload.get_attribute("data-upload") == "invalid"
    save_screenshot(page, "documents-verify-changed-copy")
