"""Who may open each back-office page: anonymous people are sent to the login page, citizens get 403, an
officer of another commune gets 404 for what belongs to commune A, and every form refuses a post without
its CSRF token."""

from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, IntakeNote
from motcua.dossiers.services import intake_guidance_record
from motcua.dossiers.tests.helpers import PASSWORD, World, at, counter_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world: World, procedure: Procedure) -> Dossier:
    return counter_received(world, procedure, when=at(7, 9))


@pytest.fixture
def note(world: World, procedure: Procedure) -> IntakeNote:
    return intake_guidance_record(
        actor=world.intake_a,
        receiving_unit=world.centre_a,
        procedure=procedure,
        applicant_name="Lê Văn Cường",
        items=["Bản sao giấy chứng sinh"],
        at=at(7, 9),
    )


def _pages(dossier: Dossier, note: IntakeNote) -> dict[str, str]:
    base = f"/can-bo/ho-so/{dossier.public_id}/"
    return {
        "dashboard": "/can-bo/",
        "intake": "/can-bo/tiep-nhan/",
        "intake_applicant": "/can-bo/tiep-nhan/nguoi-nop/",
        "intake_done": f"/can-bo/tiep-nhan/xong/{dossier.public_id}/",
        "guidance": "/can-bo/huong-dan/",
        "guidance_done": f"/can-bo/huong-dan/{note.pk}/",
        "guidance_slip": f"/can-bo/huong-dan/{note.pk}/phieu/",
        "reassign": "/can-bo/phan-cong/",
        "dossier": base,
        "component": base + "thanh-phan/1/",
        "slip": base + "phieu/01/",
    }


def _open(client: Client, url: str) -> Any:
    """GET the page; the applicant lookup is a POST (the ID number never goes into a URL)."""
    if url.endswith("/nguoi-nop/"):
        return client.post(url, {"applicant_identifier": "025085009999"})
    return client.get(url)


# Pages about one dossier or one intake note of commune A: another commune's officer must not learn
# that they exist.
COMMUNE_A_PAGES = ("intake_done", "guidance_done", "guidance_slip", "dossier", "component", "slip")
PAGE_NAMES = (
    "dashboard",
    "intake",
    "intake_applicant",
    "intake_done",
    "guidance",
    "guidance_done",
    "guidance_slip",
    "reassign",
    "dossier",
    "component",
    "slip",
)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_anonymous_is_sent_to_the_login_page(
    client: Client, dossier: Dossier, note: IntakeNote, name: str
) -> None:
    response = _open(client, _pages(dossier, note)[name])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_citizen_is_refused(
    client: Client, world: World, dossier: Dossier, note: IntakeNote, name: str
) -> None:
    client.login(username=world.citizen.username, password=PASSWORD)

    response = _open(client, _pages(dossier, note)[name])

    assert response.status_code == 403


@pytest.mark.parametrize("name", COMMUNE_A_PAGES)
def test_officer_of_another_commune_gets_404(
    client: Client, world: World, dossier: Dossier, note: IntakeNote, name: str
) -> None:
    client.login(username=world.intake_b.username, password=PASSWORD)

    response = _open(client, _pages(dossier, note)[name])

    assert response.status_code == 404


@pytest.mark.parametrize("name", COMMUNE_A_PAGES)
def test_officer_of_commune_a_opens_them(
    client: Client, world: World, dossier: Dossier, note: IntakeNote, name: str
) -> None:
    client.login(username=world.intake_a.username, password=PASSWORD)

    response = _open(client, _pages(dossier, note)[name])

    assert response.status_code == 200


def test_another_communes_officer_cannot_act_on_the_dossier(
    client: Client, world: World, dossier: Dossier
) -> None:
    client.login(username=world.intake_b.username, password=PASSWORD)

    response = client.post(
        f"/can-bo/ho-so/{dossier.public_id}/stop/", {"version": dossier.version, "reason": "Đề nghị dừng"}
    )

    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING


def test_specialist_without_intake_role_cannot_open_the_counter(client: Client, world: World) -> None:
    client.login(username=world.specialist_a.username, password=PASSWORD)

    assert client.get("/can-bo/tiep-nhan/").status_code == 403
    assert client.get("/can-bo/huong-dan/").status_code == 403


def test_intake_officer_cannot_open_the_reassignment_page(client: Client, world: World) -> None:
    client.login(username=world.intake_a.username, password=PASSWORD)

    assert client.get("/can-bo/phan-cong/").status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("stop/", {"reason": "Đề nghị dừng"}),
        ("send_back/", {"note": "Thiếu chữ ký"}),
    ],
)
def test_actions_refuse_a_post_without_the_csrf_token(
    world: World, dossier: Dossier, path: str, data: dict[str, Any]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.login(username=world.intake_a.username, password=PASSWORD)
    version = dossier.version

    response = client.post(f"/can-bo/ho-so/{dossier.public_id}/{path}", {"version": version, **data})

    assert response.status_code == 403
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (Dossier.Status.PROCESSING, version)


@pytest.mark.parametrize("path", ["/can-bo/tiep-nhan/", "/can-bo/huong-dan/", "/can-bo/phan-cong/"])
def test_forms_refuse_a_post_without_the_csrf_token(world: World, procedure: Procedure, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.login(username=world.leader_a.username, password=PASSWORD)

    response = client.post(path, {"procedure": procedure.code, "applicant_name": "Lê Văn Cường"})

    assert response.status_code == 403
    assert IntakeNote.objects.count() == 0
    assert Dossier.objects.count() == 0


def test_pages_carry_the_csrf_token_in_their_forms(client: Client, world: World, dossier: Dossier) -> None:
    client.login(username=world.intake_a.username, password=PASSWORD)

    html = client.get(f"/can-bo/ho-so/{dossier.public_id}/").content.decode()

    assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"')
