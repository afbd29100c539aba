"""The online submission wizard without a browser: each step's checks, what is kept, the dossier made."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.catalog.models import Procedure
from motcua.documents.services import store_upload
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.tests.helpers import PASSWORD, World, make_procedure
from motcua.web.portal.tests.conftest import BIRTH_NOTICE, CODE, ID_CARD, MARRIAGE, SCHEMA, pdf_bytes

pytestmark = pytest.mark.django_db

FORM = {"child_name": "Nguyễn Văn Bình", "birth_date": "2026-11-01", "father_phone": "0912345678"}


@pytest.fixture
def client_an(world: World) -> Client:
    client = Client()
    assert client.login(username=world.citizen.username, password=PASSWORD)
    return client


def _place(world: World, **extra: Any) -> dict[str, Any]:
    return {"place-receiving_unit": str(world.centre_a.pk), "place-return_method": "electronic", **extra}


def _docs(procedure: Procedure) -> dict[str, int]:
    version = procedure.latest_version
    assert version is not None
    return {document.name: document.pk for document in version.documents.all()}


def test_the_form_step_keeps_what_was_typed_and_names_each_error(
    client_an: Client, world: World, procedure: Procedure
) -> None:
    url = reverse("portal:submit_form", args=[CODE])

    response = client_an.post(url, _place(world, child_name="Nguyễn Văn Bình", father_phone="12345"))

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Nguyễn Văn Bình"' in html
    assert 'value="12345"' in html
    assert 'id="eform-birth_date-error"' in html
    assert 'id="eform-father_phone-error"' in html
    assert 'aria-invalid="true"' in html


def test_the_form_step_requires_where_and_how(client_an: Client, world: World, procedure: Procedure) -> None:
    response = client_an.post(reverse("portal:submit_form", args=[CODE]), FORM)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Chọn nơi tiếp nhận hồ sơ của bạn." in html
    assert "Chọn cách bạn nhận kết quả." in html


def test_the_whole_wizard_makes_a_submitted_online_dossier_with_a_reused_document(
    client_an: Client, world: World, procedure: Procedure
) -> None:
    item = store_upload(
        actor=world.citizen,
        content=pdf_bytes("CCCD"),
        filename="cccd.pdf",
        title="Căn cước của Nguyễn Văn An",
        document_type_code="CCCD",
    )
    docs = _docs(procedure)
    response = client_an.post(reverse("portal:submit_form", args=[CODE]), _place(world, **FORM))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submit_documents", args=[CODE])

    # The birth notice is missing: an error next to it; the ID card choice is kept.
    response = client_an.post(
        reverse("portal:submit_documents", args=[CODE]),
        {f"source-{docs[ID_CARD]}": f"store:{item.public_id}"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="document-{docs[BIRTH_NOTICE]}-error"' in html
    assert f'id="document-{docs[ID_CARD]}-error"' not in html
    assert f'value="store:{item.public_id}" checked' in html

    upload = SimpleUploadedFile("giay-chung-sinh.pdf", pdf_bytes("GCS"), content_type="application/pdf")
    response = client_an.post(
        reverse("portal:submit_documents", args=[CODE]), {f"file-{docs[BIRTH_NOTICE]}": upload}
    )
    assert response.status_code == 302

    review = client_an.get(reverse("portal:submit_review", args=[CODE]))
    assert review.status_code == 200
    html = review.content.decode()
    assert "8.000 đồng" in html
    assert "Trung tâm Phục vụ hành chính công xã Ea Kar" in html
    assert "Ủy ban nhân dân xã Ea Kar" in html
    assert "giay-chung-sinh.pdf" in html
    assert "Căn cước của Nguyễn Văn An" in html
    assert review.context["estimate"].due_at is not None

    response = client_an.post(reverse("portal:submit_review", args=[CODE]))

    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dossier", args=[dossier.public_id])
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.channel == Dossier.Channel.ONLINE
    assert dossier.return_method == "electronic"
    assert dossier.receiving_unit == world.centre_a
    assert dossier.competent_unit == world.commune_a
    assert dossier.fees_due_vnd == 8000
    assert dossier.form_data == {"to-khai-khai-sinh": FORM}
    components = list(dossier.components.order_by("position"))
    assert [(c.name, c.provenance, c.filename) for c in components] == [
        (BIRTH_NOTICE, DossierComponent.Provenance.UPLOADED, "giay-chung-sinh.pdf"),
        (ID_CARD, DossierComponent.Provenance.REUSED, "Căn cước của Nguyễn Văn An"),
    ]
    assert components[1].file == item.file
    # The wizard starts afresh afterwards.
    assert client_an.session["portal_submission"] == {}
    assert MARRIAGE not in [c.name for c in components]


def test_a_submission_sent_twice_makes_one_dossier(
    client_an: Client, world: World, procedure: Procedure
) -> None:
    """A double click, a retried POST or a second tab: the second sending finds the first dossier."""
    docs = _docs(procedure)
    client_an.post(reverse("portal:submit_form", args=[CODE]), _place(world, **FORM))
    for name in (BIRTH_NOTICE, ID_CARD):
        upload = SimpleUploadedFile(f"{docs[name]}.pdf", pdf_bytes(name), content_type="application/pdf")
        client_an.post(reverse("portal:submit_documents", args=[CODE]), {f"file-{docs[name]}": upload})
    in_progress = client_an.session["portal_submission"]

    first = client_an.post(reverse("portal:submit_review", args=[CODE]))
    session = client_an.session
    session["portal_submission"] = in_progress  # the second request still holds the wizard
    session.save()
    second = client_an.post(reverse("portal:submit_review", args=[CODE]))

    dossier = Dossier.objects.get(applicant=world.citizen)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("portal:dossier", args=[dossier.public_id])
    assert dossier.components.count() == 2
    assert dossier.events.filter(kind="submitted").count() == 1


def test_an_upload_is_kept_when_another_document_is_refused(
    client_an: Client, world: World, procedure: Procedure
) -> None:
    docs = _docs(procedure)
    client_an.post(reverse("portal:submit_form", args=[CODE]), _place(world, **FORM))
    good = SimpleUploadedFile("gcs.pdf", pdf_bytes("GCS"), content_type="application/pdf")
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a document", content_type="application/pdf")

    response = client_an.post(
        reverse("portal:submit_documents", args=[CODE]),
        {f"file-{docs[BIRTH_NOTICE]}": good, f"file-{docs[ID_CARD]}": bad},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Đã tải lên: gcs.pdf." in html
    assert "virus.exe: " in html
    good_again = SimpleUploadedFile("cccd.pdf", pdf_bytes("CCCD"), content_type="application/pdf")
    response = client_an.post(
        reverse("portal:submit_documents", args=[CODE]), {f"file-{docs[ID_CARD]}": good_again}
    )
    assert response.status_code == 302


def test_the_documents_step_is_reached_only_after_the_forms(
    client_an: Client, world: World, procedure: Procedure
) -> None:
    response = client_an.get(reverse("portal:submit_documents", args=[CODE]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:submit_form", args=[CODE])


def test_staff_cannot_submit_online(world: World, procedure: Procedure) -> None:
    client = Client()
    client.login(username=world.intake_a.username, password=PASSWORD)

    response = client.get(reverse("portal:submit_form", args=[CODE]))

    assert response.status_code == 403


def test_the_procedure_page_offers_online_submission(world: World, procedure: Procedure) -> None:
    response = Client().get(reverse("catalog:detail", args=[CODE]))

    assert response.status_code == 200
    assert f'href="{reverse("portal:submit_form", args=[CODE])}"' in response.content.decode()


def test_a_procedure_with_two_e_forms_asks_for_each_in_turn(client_an: Client, world: World) -> None:
    second = {
        "type": "object",
        "required": ["mother_name"],
        "properties": {"mother_name": {"type": "string", "title": "Họ, chữ đệm, tên người mẹ"}},
    }
    make_procedure(world, code="1.000001.000.00.00.H15", eforms={"to-khai-1": SCHEMA, "to-khai-2": second})
    code = "1.000001.000.00.00.H15"

    first = client_an.post(reverse("portal:submit_form", args=[code]), _place(world, **FORM))
    assert first["Location"] == reverse("portal:submit_form_n", args=[code, 1])
    page = client_an.get(first["Location"])
    assert page.status_code == 200
    assert 'name="place-receiving_unit"' not in page.content.decode()
    skipped = client_an.get(reverse("portal:submit_documents", args=[code]))
    assert skipped["Location"] == reverse("portal:submit_form_n", args=[code, 1])

    done = client_an.post(first["Location"], {"mother_name": "Trần Thị Cúc"})

    assert done["Location"] == reverse("portal:submit_documents", args=[code])
    assert client_an.get(reverse("portal:submit_form_n", args=[code, 2])).status_code == 404
    review = client_an.get(reverse("portal:submit_review", args=[code]))
    assert review.status_code == 200
    html = review.content.decode()
    assert "Trần Thị Cúc" in html
    assert "Nguyễn Văn Bình" in html


def test_a_procedure_not_offered_online_sends_back_to_its_page(client_an: Client, world: World) -> None:
    make_procedure(world, code="1.000002.000.00.00.H15", channels=("direct",))

    response = client_an.get(reverse("portal:submit_form", args=["1.000002.000.00.00.H15"]), follow=True)

    assert response.redirect_chain == [(reverse("catalog:detail", args=["1.000002.000.00.00.H15"]), 302)]
    assert "Hiện không thể nộp trực tuyến thủ tục này." in response.content.decode()
    assert reverse("portal:submit_form", args=["1.000002.000.00.00.H15"]) not in response.content.decode()


def test_an_unknown_procedure_is_404(client_an: Client, world: World) -> None:
    assert client_an.get(reverse("portal:submit_form", args=["9.999999.000.00.00.H15"])).status_code == 404


def test_a_procedure_listing_no_method_accepts_online_dossiers(client_an: Client, world: World) -> None:
    make_procedure(world, code="1.000003.000.00.00.H15", channels=())
    page = Client().get(reverse("catalog:detail", args=["1.000003.000.00.00.H15"]))

    assert reverse("portal:submit_form", args=["1.000003.000.00.00.H15"]) in page.content.decode()
    assert client_an.get(reverse("portal:submit_form", args=["1.000003.000.00.00.H15"])).status_code == 200
