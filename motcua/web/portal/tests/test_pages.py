"""Every portal page: who may open it (anonymous → sign-in, another citizen → 404), CSRF on its forms,
what it shows, the answers to a supplement request and the withdrawal, downloads, the public lookup,
and the list's query count whatever the number of dossiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.documents.demo import load_demo_certificates
from motcua.documents.services import result_issue
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.slips.qr import verification_url
from motcua.dossiers.slips.services import slip_issue_for_event
from motcua.dossiers.tests.helpers import PASSWORD, World, make_procedure, online_draft
from motcua.web.portal.tests.conftest import CODE, dossier_in_state, last_monday, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain(world: World) -> Procedure:
    """A procedure without e-form or required document (the dossier helpers' default)."""
    return make_procedure(world)


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _issue_slips(dossier: Dossier) -> list[DossierSlip]:
    slips = []
    for event in DossierEvent.objects.filter(dossier=dossier).order_by("sequence"):
        slips += slip_issue_for_event(event=event)
    return slips


@pytest.fixture
def resolved(world: World, plain: Procedure) -> tuple[Dossier, Any]:
    """A resolved dossier of the citizen with its receipt slip and a signed result."""
    dossier = dossier_in_state(world, plain, Dossier.Status.PROCESSING)
    load_demo_certificates(units=[world.commune_a])
    signed = result_issue(
        dossier=dossier, actor=world.leader_a, pdf=pdf_bytes("Giấy khai sinh"), title="Giấy khai sinh"
    )
    _issue_slips(dossier)
    return dossier, signed


def _dossier_urls(dossier: Dossier, signed: Any, slip: DossierSlip) -> list[tuple[str, str]]:
    key = dossier.public_id
    return [
        ("get", reverse("portal:dossier", args=[key])),
        ("post", reverse("portal:supplement", args=[key])),
        ("get", reverse("portal:withdraw", args=[key])),
        ("post", reverse("portal:withdraw", args=[key])),
        ("get", reverse("portal:component_file", args=[key, 1])),
        ("get", reverse("portal:slip_file", args=[key, slip.pk])),
        ("get", reverse("portal:result_file", args=[key, signed.public_id])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_private_page(resolved: Any) -> None:
    dossier, signed = resolved
    slip = DossierSlip.objects.filter(dossier=dossier).first()
    assert slip is not None
    urls = [
        *_dossier_urls(dossier, signed, slip),
        ("get", reverse("portal:my_dossiers")),
        ("get", reverse("portal:submit_form", args=[CODE])),
        ("get", reverse("portal:submit_form_n", args=[CODE, 1])),
        ("get", reverse("portal:submit_documents", args=[CODE])),
        ("get", reverse("portal:submit_review", args=[CODE])),
        ("post", reverse("portal:submit_review", args=[CODE])),
    ]
    client = Client()
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}", url


def test_another_citizen_gets_404_on_every_page_of_the_dossier(world: World, resolved: Any) -> None:
    dossier, signed = resolved
    slip = DossierSlip.objects.filter(dossier=dossier).first()
    assert slip is not None
    for user in (world.other_citizen, world.intake_a):  # staff who see it at work do not see it here
        client = _client(user)
        for method, url in _dossier_urls(dossier, signed, slip):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (user.username, url)
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.PROCESSING


def test_the_list_shows_only_the_applicants_own_dossiers(world: World, plain: Procedure) -> None:
    mine = dossier_in_state(world, plain, Dossier.Status.PROCESSING)
    other = online_draft(world, plain, when=last_monday(8))
    Dossier.objects.filter(pk=other.pk).update(applicant=world.other_citizen)

    response = _client(world.citizen).get(reverse("portal:my_dossiers"))

    assert response.status_code == 200
    assert [d.pk for d in response.context["dossiers"]] == [mine.pk]
    html = response.content.decode()
    assert mine.code in html
    assert "Đang xử lý" in html


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_dossiers(
    world: World, plain: Procedure, django_assert_max_num_queries: Any
) -> None:
    client = _client(world.citizen)
    url = reverse("portal:my_dossiers")
    for _ in range(3):
        dossier_in_state(world, plain, Dossier.Status.PROCESSING)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(27):
        online_draft(world, plain, when=last_monday(8))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].count == 30
    assert len(response.context["dossiers"]) == 20
    # session, user, the navigation's permission checks, the count and the page of dossiers
    assert len(few.captured_queries) <= 8


def test_the_dossier_page_shows_the_history_slips_and_result(world: World, resolved: Any) -> None:
    dossier, signed = resolved

    response = _client(world.citizen).get(reverse("portal:dossier", args=[dossier.public_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.code in html
    assert dossier.lookup_secret in html
    assert reverse("portal:result_file", args=[dossier.public_id, signed.public_id]) in html
    slip = DossierSlip.objects.get(dossier=dossier, form="01")
    assert reverse("portal:slip_file", args=[dossier.public_id, slip.pk]) in html
    assert "Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html
    detail = response.context["detail"]
    assert [event.kind for event in detail.events] == ["created", "submitted", "received"]
    assert detail.may_withdraw is False


def test_the_applicant_downloads_the_signed_result_the_slip_and_a_component(
    world: World, resolved: Any
) -> None:
    dossier, signed = resolved
    client = _client(world.citizen)
    slip = DossierSlip.objects.get(dossier=dossier, form="01")

    result = client.get(reverse("portal:result_file", args=[dossier.public_id, signed.public_id]))
    receipt = client.get(reverse("portal:slip_file", args=[dossier.public_id, slip.pk]))
    component = client.get(reverse("portal:component_file", args=[dossier.public_id, 1]))

    assert result.status_code == 200
    assert result["Content-Type"] == "application/pdf"
    assert result["Content-Disposition"] == f'attachment; filename="ket-qua-{dossier.code}.pdf"'
    assert b"".join(result.streaming_content).startswith(b"%PDF")
    assert receipt.status_code == 200
    assert receipt["Content-Disposition"] == f'attachment; filename="mau-01-{dossier.code}.pdf"'
    assert component.status_code == 200
    assert component["Content-Disposition"] == 'attachment; filename="to-khai.pdf"'
    assert client.get(reverse("portal:component_file", args=[dossier.public_id, 9])).status_code == 404


def test_the_applicant_answers_a_supplement_request_during_processing(world: World, plain: Procedure) -> None:
    dossier = dossier_in_state(world, plain, Dossier.Status.WAITING_SUPPLEMENT)
    client = _client(world.citizen)
    page = client.get(reverse("portal:dossier", args=[dossier.public_id]))
    assert "Bản sao giấy chứng sinh" in page.content.decode()
    assert page.context["detail"].may_supplement is True
    url = reverse("portal:supplement", args=[dossier.public_id])

    empty = client.post(url, {"version": dossier.version})
    assert empty.status_code == 400
    assert "Hãy đính kèm ít nhất một tệp đáp ứng yêu cầu bổ sung." in empty.content.decode()

    upload = SimpleUploadedFile("chung-sinh.pdf", pdf_bytes("GCS"), content_type="application/pdf")
    response = client.post(url, {"version": dossier.version, "file-0": upload})

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING
    added = dossier.components.order_by("-position").first()
    assert added is not None
    assert (added.name, added.filename, added.supplement_request is not None) == (
        "Bản sao giấy chứng sinh",
        "chung-sinh.pdf",
        True,
    )


def test_a_supplement_upload_is_kept_when_another_file_is_refused(world: World, plain: Procedure) -> None:
    dossier = dossier_in_state(world, plain, Dossier.Status.SUPPLEMENT_AT_INTAKE)
    client = _client(world.citizen)
    url = reverse("portal:supplement", args=[dossier.public_id])
    good = SimpleUploadedFile("chung-sinh.pdf", pdf_bytes("GCS"), content_type="application/pdf")
    bad = SimpleUploadedFile("khac.txt", b"plain text", content_type="text/plain")

    refused = client.post(url, {"version": dossier.version, "file-0": good, "file-other": bad})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Đã tải lên: chung-sinh.pdf." in html
    assert "khac.txt: " in html
    response = client.post(url, {"version": dossier.version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED


def test_the_applicant_withdraws_after_confirming_with_a_reason(world: World, plain: Procedure) -> None:
    dossier = dossier_in_state(world, plain, Dossier.Status.SUBMITTED)
    client = _client(world.citizen)
    url = reverse("portal:withdraw", args=[dossier.public_id])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Có, rút hồ sơ" in confirm.content.decode()

    missing = client.post(url, {"version": dossier.version, "reason": ""})
    assert missing.status_code == 400
    assert "Nêu lý do rút hồ sơ." in missing.content.decode()

    response = client.post(url, {"version": dossier.version, "reason": "Tôi nộp nhầm thủ tục"})

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.stop_kind, dossier.end_reason) == (
        Dossier.Status.STOPPED,
        Dossier.StopKind.WITHDRAWN,
        "Tôi nộp nhầm thủ tục",
    )
    again = client.get(url)
    assert again.status_code == 302


def test_a_stale_withdrawal_is_refused_with_a_message(world: World, plain: Procedure) -> None:
    dossier = dossier_in_state(world, plain, Dossier.Status.SUBMITTED)
    services.dossier_ask_supplement_at_intake(
        dossier=dossier, actor=world.intake_a, items=["Tờ khai"], reason="Thiếu", at=last_monday(9)
    )

    response = _client(world.citizen).post(
        reverse("portal:withdraw", args=[dossier.public_id]), {"version": dossier.version, "reason": "Nhầm"}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.SUPPLEMENT_AT_INTAKE


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("supplement", {"version": "1"}),
        ("withdraw", {"version": "1", "reason": "Nhầm"}),
    ],
)
def test_the_dossier_forms_refuse_a_post_without_csrf_token(
    world: World, plain: Procedure, name: str, data: dict[str, str]
) -> None:
    dossier = dossier_in_state(world, plain, Dossier.Status.SUPPLEMENT_AT_INTAKE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)

    response = client.post(reverse(f"portal:{name}", args=[dossier.public_id]), data)

    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.SUPPLEMENT_AT_INTAKE


@pytest.mark.parametrize("step", ["submit_form", "submit_documents", "submit_review"])
def test_the_wizard_refuses_a_post_without_csrf_token(world: World, procedure: Procedure, step: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)

    response = client.post(reverse(f"portal:{step}", args=[CODE]), {})

    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_the_lookup_refuses_a_post_without_csrf_token(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("portal:lookup"), {"code": "x", "secret": "ABCDEF"}
    )

    assert response.status_code == 403


def test_the_public_lookup_shows_the_status_and_nothing_personal(world: World, plain: Procedure) -> None:
    cache.clear()
    dossier = dossier_in_state(world, plain, Dossier.Status.PROCESSING)
    client = Client()

    response = client.post(
        reverse("portal:lookup"), {"code": dossier.code, "secret": dossier.lookup_secret.lower()}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Hồ sơ {dossier.code}" in html
    assert "Đang xử lý" in html
    assert "Nguyễn Văn An" not in html
    assert "025085001234" not in html


def test_the_public_lookup_says_when_code_or_secret_is_wrong(world: World, plain: Procedure) -> None:
    cache.clear()
    dossier = dossier_in_state(world, plain, Dossier.Status.PROCESSING)

    wrong = Client().post(reverse("portal:lookup"), {"code": dossier.code, "secret": "AAAAAA"})
    short = Client().post(reverse("portal:lookup"), {"code": dossier.code, "secret": "AB"})

    assert wrong.status_code == 404
    assert "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này" in wrong.content.decode()
    assert short.status_code == 400
    assert "Mã tra cứu gồm đúng 6 ký tự." in short.content.decode()


def test_the_public_lookup_is_rate_limited_per_address(world: World, settings: Any) -> None:
    cache.clear()
    settings.MOTCUA = {**settings.MOTCUA, "LOOKUP_THROTTLE": "3/60", "THROTTLE_EXEMPT_IPS": []}
    client = Client()
    data = {"code": "H15.50.05.13-261207-0001", "secret": "AAAAAA"}
    codes = [client.post(reverse("portal:lookup"), data).status_code for _ in range(4)]

    assert codes == [404, 404, 404, 429]
    throttled = client.post(reverse("portal:lookup"), data)
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert "Bạn tra cứu quá nhiều lần từ địa chỉ này; hãy thử lại sau" in throttled.content.decode()
    cache.clear()


def test_the_lookup_page_opens_for_everyone() -> None:
    response = Client().get(reverse("portal:lookup"))

    assert response.status_code == 200


def test_the_address_on_the_receipt_qr_code_opens_the_lookup_with_the_code(client: Any) -> None:
    url = verification_url("H15.50.05.13-261207-0001").removeprefix(settings.SITE_URL)

    response = client.get(url, follow=True)

    assert url == "/tra-cuu?code=H15.50.05.13-261207-0001"
    assert response.redirect_chain == [("/tra-cuu/?code=H15.50.05.13-261207-0001", 301)]
    assert response.status_code == 200
    assert 'value="H15.50.05.13-261207-0001"' in response.content.decode()


def test_a_citizen_downloads_everything_held_about_them(client: Any, world: World, plain: Procedure) -> None:
    from motcua.dossiers.inputs import Applicant
    from motcua.dossiers.tests.helpers import uploaded

    online = dossier_in_state(world, plain, Dossier.Status.PROCESSING)
    at_counter = services.counter_intake(  # before the citizen had said who they were: by ID number
        actor=world.intake_a,
        procedure=plain,
        applicant=Applicant(name="Nguyễn Văn An", identifier=world.citizen.personal_id, phone="0912345678"),
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=last_monday(10),
    )
    someone_else = services.counter_intake(
        actor=world.intake_a,
        procedure=plain,
        applicant=Applicant(name="Lê Văn Cường", identifier="025085009999"),
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=last_monday(10),
    )
    staff = Client()
    staff.force_login(world.specialist_a)
    assert staff.get(f"/can-bo/ho-so/{online.public_id}/").status_code == 200
    client.force_login(world.citizen)

    response = client.get("/ho-so-cua-toi/du-lieu-cua-toi/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="du-lieu-ca-nhan-motcua.json"'
    data = response.json()
    assert data["format"] == "motcua-personal-data/1"
    assert data["account"]["personal_id"] == world.citizen.personal_id
    assert [d["id"] for d in data["dossiers"]] == [str(online.public_id), str(at_counter.public_id)]
    assert str(someone_else.public_id) not in response.content.decode()
    assert [e["kind"] for e in data["dossiers"][0]["events"]] == ["created", "submitted", "received"]
    assert data["dossiers"][1]["components"][0]["provenance"] == "uploaded"
    assert [(r["dossier"], r["by"]) for r in data["read_by_staff"]] == [
        (online.code, "Chuyenvien A (chuyenvien.a)")
    ]


def test_my_data_needs_a_signed_in_person(client: Any) -> None:
    response = client.get("/ho-so-cua-toi/du-lieu-cua-toi/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
