"""Counter intake and Form 02 guidance over HTTP: received in one step, nothing lost on an error (typed
values and scans already stored are kept), the applicant prefilled from an earlier dossier."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierComponent, IntakeNote
from motcua.dossiers.tests.helpers import PASSWORD, World, at, counter_received, make_procedure

pytestmark = pytest.mark.django_db


def _scan(name: str, body: str = "") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n" + (body or name).encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def officer(client: Client, world: World) -> Client:
    client.login(username=world.intake_a.username, password=PASSWORD)
    return client


def _form(procedure: Procedure, **extra: object) -> dict[str, object]:
    document = procedure.latest_version.documents.get()  # type: ignore[union-attr]
    return {
        "procedure": procedure.code,
        "unit": "",
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Cường",
        "applicant_identifier": "025085009999",
        "applicant_address": "Thôn 3, xã Ea Kar",
        "applicant_phone": "0987654321",
        "return_method": "counter",
        f"doc-{document.pk}": "on",
        **extra,
    }


def test_the_form_lists_the_procedures_papers(officer: Client, counter_procedure: Procedure) -> None:
    html = officer.get(f"/can-bo/tiep-nhan/?procedure={counter_procedure.code}").content.decode()

    assert "Tờ khai đăng ký kết hôn" in html
    assert 'name="files-extra" multiple' in html


def test_a_walk_in_is_received_in_one_step_with_several_scans(
    officer: Client, world: World, counter_procedure: Procedure
) -> None:
    document = counter_procedure.latest_version.documents.get()  # type: ignore[union-attr]
    data = _form(counter_procedure)
    data[f"files-{document.pk}"] = [_scan("to-khai-1.pdf"), _scan("to-khai-2.pdf")]
    data["files-extra"] = [_scan("cccd.pdf")]

    response = officer.post("/can-bo/tiep-nhan/", data)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/tiep-nhan/xong/{dossier.public_id}/"
    assert (dossier.status, dossier.channel, dossier.applicant_name, dossier.applicant_identifier) == (
        Dossier.Status.PROCESSING,
        Dossier.Channel.DIRECT,
        "Lê Văn Cường",
        "025085009999",
    )
    assert list(dossier.components.order_by("position").values_list("name", "filename", "provenance")) == [
        ("Tờ khai đăng ký kết hôn", "to-khai-1.pdf", DossierComponent.Provenance.DIGITISED_AT_INTAKE),
        ("Tờ khai đăng ký kết hôn", "to-khai-2.pdf", DossierComponent.Provenance.DIGITISED_AT_INTAKE),
        ("cccd.pdf", "cccd.pdf", DossierComponent.Provenance.DIGITISED_AT_INTAKE),
    ]
    done = officer.get(response["Location"]).content.decode()
    assert dossier.code in done
    assert f'href="/can-bo/ho-so/{dossier.public_id}/phieu/01/" download' in done


def test_the_same_form_sent_twice_receives_one_dossier(officer: Client, counter_procedure: Procedure) -> None:
    """A double click on "receive", or the browser re-sending the POST: one dossier, one code."""
    html = officer.get(f"/can-bo/tiep-nhan/?procedure={counter_procedure.code}").content.decode()
    key = html.split('name="submission" value="', 1)[1].split('"', 1)[0]
    document = counter_procedure.latest_version.documents.get()  # type: ignore[union-attr]

    responses = [
        officer.post(
            "/can-bo/tiep-nhan/",
            {**_form(counter_procedure, submission=key), f"files-{document.pk}": [_scan("to-khai.pdf")]},
        )
        for _ in range(2)
    ]

    dossier = Dossier.objects.get()
    assert len(key) == 36
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {f"/can-bo/tiep-nhan/xong/{dossier.public_id}/"}
    assert dossier.events.filter(kind="received").count() == 1


def test_an_error_keeps_what_was_typed_and_the_scans(officer: Client, counter_procedure: Procedure) -> None:
    document = counter_procedure.latest_version.documents.get()  # type: ignore[union-attr]
    data = _form(counter_procedure, applicant_name="", applicant_identifier="12345")
    data[f"files-{document.pk}"] = [_scan("to-khai.pdf")]

    response = officer.post("/can-bo/tiep-nhan/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert '<span class="errorlist" id="applicant_name-error">Nhập họ tên người nộp hồ sơ.</span>' in html
    assert 'value="12345"' in html
    assert 'value="Thôn 3, xã Ea Kar"' in html
    assert "Đã quét: to-khai.pdf" in html
    assert Dossier.objects.count() == 0
    token = html.split(f'name="kept-{document.pk}" value="', 1)[1].split('"', 1)[0]

    # The officer corrects the name and the number; the scan is not chosen again.
    fixed = _form(counter_procedure, **{f"kept-{document.pk}": token})
    second = officer.post("/can-bo/tiep-nhan/", fixed)

    assert second.status_code == 302
    assert list(Dossier.objects.get().components.values_list("filename", flat=True)) == ["to-khai.pdf"]


def test_a_checked_paper_without_its_scan_is_named(officer: Client, counter_procedure: Procedure) -> None:
    document = counter_procedure.latest_version.documents.get()  # type: ignore[union-attr]

    response = officer.post("/can-bo/tiep-nhan/", _form(counter_procedure))

    assert response.status_code == 400
    assert (
        f'<span class="errorlist" id="doc-{document.pk}-error">'
        "Quét giấy tờ này và đính kèm tệp, hoặc bỏ đánh dấu.</span>"
    ) in response.content.decode()


def test_a_missing_required_paper_is_shown_on_the_checklist(
    officer: Client, counter_procedure: Procedure
) -> None:
    document = counter_procedure.latest_version.documents.get()  # type: ignore[union-attr]
    data = _form(counter_procedure)
    del data[f"doc-{document.pk}"]

    response = officer.post("/can-bo/tiep-nhan/", data)

    assert response.status_code == 400
    assert '<span class="errorlist" id="components-error">' in response.content.decode()
    assert Dossier.objects.count() == 0


def test_the_applicant_is_prefilled_from_an_earlier_dossier(
    officer: Client, world: World, procedure: Procedure
) -> None:
    counter_received(world, procedure, when=at(7, 9))

    response = officer.post(
        "/can-bo/tiep-nhan/nguoi-nop/", {"applicant_identifier": "025085009999"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.startswith('<fieldset id="applicant">')
    assert 'value="Lê Văn Cường"' in html
    assert 'value="Thôn 3, xã Ea Kar"' in html
    assert "Đã điền từ hồ sơ trước của người nộp" in html


def test_another_communes_dossiers_do_not_prefill(client: Client, world: World, procedure: Procedure) -> None:
    counter_received(world, procedure, when=at(7, 9))
    client.login(username=world.intake_b.username, password=PASSWORD)

    html = client.post(
        "/can-bo/tiep-nhan/nguoi-nop/", {"applicant_identifier": "025085009999"}
    ).content.decode()

    assert "Lê Văn Cường" not in html
    assert "Không có hồ sơ trước với số định danh này" in html


def test_guidance_records_form_02_without_a_dossier(
    officer: Client, world: World, procedure: Procedure
) -> None:
    response = officer.post(
        "/can-bo/huong-dan/",
        {
            "unit": world.centre_a.pk,
            "procedure": procedure.code,
            "applicant_name": "Lê Văn Cường",
            "items": "Bản sao giấy chứng sinh\n\nSổ hộ khẩu\n",
        },
    )

    note = IntakeNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/huong-dan/{note.pk}/"
    assert note.items == ["Bản sao giấy chứng sinh", "Sổ hộ khẩu"]
    assert Dossier.objects.count() == 0
    slip = officer.get(f"/can-bo/huong-dan/{note.pk}/phieu/")
    assert slip["Content-Type"] == "application/pdf"
    assert slip["Content-Disposition"] == f'attachment; filename="mau-02-huong-dan-{note.pk}.pdf"'


def test_guidance_without_items_keeps_the_name(officer: Client, world: World, procedure: Procedure) -> None:
    response = officer.post(
        "/can-bo/huong-dan/",
        {
            "unit": world.centre_a.pk,
            "procedure": procedure.code,
            "applicant_name": "Lê Văn Cường",
            "items": "",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Lê Văn Cường"' in html
    assert '<span class="errorlist" id="g-items-error">' in html
    assert IntakeNote.objects.count() == 0


CHILD_FORM = {
    "type": "object",
    "properties": {
        "child_name": {"type": "string", "title": "Họ, chữ đệm, tên của trẻ", "maxLength": 100},
        "birth_date": {"type": "string", "title": "Ngày sinh", "format": "date"},
    },
    "required": ["child_name", "birth_date"],
}


def test_the_e_form_is_filled_at_the_counter_and_its_errors_sit_next_to_its_fields(
    officer: Client, world: World
) -> None:
    procedure = make_procedure(world, code="1.000001.000.00.00.H15", eforms={"to_khai": CHILD_FORM})
    data: dict[str, object] = {
        "procedure": procedure.code,
        "applicant_name": "Lê Văn Cường",
        "applicant_kind": "citizen",
        "return_method": "counter",
        "files-extra": [_scan("to-khai.pdf")],
    }
    data["ef-to_khai.child_name"] = "Lê Minh Khang"
    data["ef-to_khai.birth_date"] = "30/02/2026"

    response = officer.post("/can-bo/tiep-nhan/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="ef-to_khai.child_name" value="Lê Minh Khang"' in html
    assert '<span class="errorlist" id="ef-to_khai-birth_date-error">' in html
    token = html.split('name="kept-extra" value="', 1)[1].split('"', 1)[0]

    data = {key: value for key, value in data.items() if key != "files-extra"}
    second = officer.post(
        "/can-bo/tiep-nhan/", {**data, "ef-to_khai.birth_date": "2026-02-28", "kept-extra": token}
    )

    assert second.status_code == 302
    assert Dossier.objects.get().form_data == {
        "to_khai": {"child_name": "Lê Minh Khang", "birth_date": "2026-02-28"}
    }
