"""The dossier page's actions over HTTP: one htmx round trip each, the service's errors shown in
Vietnamese next to the field with what was typed kept, and the non-JavaScript fallback."""

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.documents.demo import load_demo_certificates
from motcua.documents.models import SignedDocument
from motcua.documents.services import result_prepare
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.tests.helpers import PASSWORD, World, at, counter_received, online_submitted
from motcua.web.backoffice.tests.helpers import result_pdf

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _login(client: Client, user: object) -> None:
    client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]


def test_receiving_an_online_dossier_is_one_round_trip(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = online_submitted(world, procedure, when=at(2, 8, month=11))
    _login(client, world.intake_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/receive/", {"version": dossier.version}, **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="dossier">')
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in html
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING
    assert f"Hồ sơ {dossier.code}" in html
    assert "Tải giấy tiếp nhận và hẹn trả kết quả (Mẫu 01, PDF)" in html


def test_the_receipt_slip_downloads_as_pdf(client: Client, world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.intake_a)

    response = client.get(f"/can-bo/ho-so/{dossier.public_id}/phieu/01/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="mau-01-{dossier.code}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_supplement_request_without_a_reason_is_shown_next_to_the_field_and_keeps_the_items(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.specialist_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/ask_supplement/",
        {"version": dossier.version, "items": "Bản sao giấy chứng sinh\n", "reason": "  "},
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<details class="" id="action-ask_supplement" open>' in html
    assert '<span class="errorlist" id="ask_supplement-reason-error">Bắt buộc nhập.</span>' in html
    assert ">Bản sao giấy chứng sinh\n</textarea>" in html
    assert "Nêu lý do yêu cầu bổ sung." in html
    assert SupplementRequest.objects.count() == 0


def test_a_specialist_asks_for_a_supplement(client: Client, world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.specialist_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/ask_supplement/",
        {
            "version": dossier.version,
            "items": "Bản sao giấy chứng sinh\nSổ hộ khẩu",
            "reason": "Thiếu giấy tờ",
        },
        **HTMX,
    )

    assert response.status_code == 200
    request = SupplementRequest.objects.get()
    assert (request.items, request.reason) == (["Bản sao giấy chứng sinh", "Sổ hộ khẩu"], "Thiếu giấy tờ")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WAITING_SUPPLEMENT
    assert "Đang chờ người nộp bổ sung" in response.content.decode()


def test_a_stale_version_says_someone_else_changed_the_dossier(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.specialist_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/send_back/", {"version": dossier.version - 1, "note": "x"}, **HTMX
    )

    assert response.status_code == 200
    assert (
        "Hồ sơ đã được người khác cập nhật sau khi bạn mở (hiện là phiên bản 3, bạn đang xem phiên bản 2). "
        "Hãy tải lại hồ sơ và thực hiện lại."
    ) in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.version == 3


def test_without_javascript_an_action_redirects_to_the_page(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.intake_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/stop/", {"version": dossier.version, "reason": "Đề nghị dừng"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.public_id}/"
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.STOPPED


def test_without_javascript_an_error_redraws_the_page_with_status_400(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.intake_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/stop/", {"version": dossier.version, "reason": ""}
    )

    assert response.status_code == 400
    assert '<span class="errorlist" id="stop-reason-error">Bắt buộc nhập.</span>' in response.content.decode()


def test_an_unknown_action_is_404(client: Client, world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.intake_a)

    assert client.post(f"/can-bo/ho-so/{dossier.public_id}/explode/", {}).status_code == 404


def test_the_page_offers_only_what_the_person_may_do(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))

    offered = {}
    for person in (world.intake_a, world.specialist_a, world.leader_a, world.supervisor_a):
        _login(client, person)
        html = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()
        offered[person.username] = [
            name
            for name in (
                "receive",
                "forward",
                "send_back",
                "ask_supplement",
                "approve",
                "reject",
                "apologize",
                "reassign",
                "stop",
                "return_result",
                "prepare_result",
            )
            if f'id="action-{name}"' in html
        ]

    assert offered == {
        "tiepnhan.a": ["stop"],
        "chuyenvien.a": ["forward", "send_back", "ask_supplement", "prepare_result"],
        "lanhdao.a": ["reject", "apologize", "reassign", "prepare_result"],
        "giamsat.a": ["reassign"],
    }


def _resolved(world: World, procedure: Procedure) -> Dossier:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(2, 10, month=11))
    return services.dossier_approve(
        dossier=dossier, actor=world.leader_a, result_note="Giấy khai sinh", at=at(2, 11, month=11)
    )


def test_the_result_is_returned_by_post(client: Client, world: World, procedure: Procedure) -> None:
    dossier = _resolved(world, procedure)
    _login(client, world.intake_a)
    page = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()
    assert 'id="action-return_result"' in page

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/return_result/",
        {"version": dossier.version, "method": "post"},
        **HTMX,
    )

    assert "Đã thực hiện: Trả kết quả." in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.result_returned_by) == (Dossier.Status.RETURNED, "post")


def test_a_prepared_result_left_unsigned_is_signed_from_the_page(
    client: Client, world: World, procedure: Procedure
) -> None:
    load_demo_certificates(units=[world.commune_a, world.centre_a])
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(2, 10, month=11))
    result_prepare(dossier=dossier, actor=world.specialist_a, pdf=result_pdf(), title="Giấy khai sinh")
    # Approved while the signature could not run (here: no commit, so no outbox delivery).
    dossier = services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(2, 11, month=11))
    _login(client, world.leader_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/sign_result/", {"version": dossier.version}, **HTMX
    )

    signed = SignedDocument.objects.get(dossier=dossier)
    assert (signed.title, signed.signed_by) == ("Giấy khai sinh", world.leader_a)
    assert (
        f'href="/can-bo/ho-so/{dossier.public_id}/ket-qua/{signed.public_id}/"' in response.content.decode()
    )
    download = client.get(f"/can-bo/ho-so/{dossier.public_id}/ket-qua/{signed.public_id}/")
    assert download["Content-Type"] == "application/pdf"


def test_a_leader_reassigns_the_step(client: Client, world: World, procedure: Procedure) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.leader_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/reassign/",
        {"version": dossier.version, "assignee": world.specialist_a2.pk},
        **HTMX,
    )

    assert "Đã thực hiện: Phân công lại." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.assignee == world.specialist_a2


def test_an_apology_with_a_date_that_is_not_one_says_so(
    client: Client, world: World, procedure: Procedure
) -> None:
    dossier = counter_received(world, procedure, when=at(2, 9, month=11))
    _login(client, world.leader_a)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/apologize/",
        {"version": dossier.version, "reason": "Cần xác minh", "new_appointment": "ngày mai"},
        **HTMX,
    )

    html = response.content.decode()
    assert (
        '<span class="errorlist" id="apologize-new_appointment-error">'
        "Nhập ngày và giờ, ví dụ 15/12/2026 16:00.</span>"
    ) in html
    assert ">Cần xác minh</textarea>" in html


def test_opening_a_dossier_logs_that_its_personal_data_was_read(
    client: Client, world: World, procedure: Procedure
) -> None:
    """ND 13/2023: a civil servant reading an applicant's identity is itself recorded, without the data."""
    from motcua.core.audit import audit_trail_of

    dossier = counter_received(world, procedure, when=at(2, 8, month=11))
    _login(client, world.specialist_a)

    assert client.get(f"/can-bo/ho-so/{dossier.public_id}/").status_code == 200

    record = audit_trail_of(dossier).filter(action="view_personal_data").get()
    assert record.actor_id == world.specialist_a.pk
    assert record.after == {
        "fields": [
            "applicant_address",
            "applicant_email",
            "applicant_identifier",
            "applicant_name",
            "applicant_phone",
            "components",
            "form_data",
        ]
    }
    assert dossier.applicant_identifier not in str(record.after)
