"""Bad input gets a JSON problem with a Vietnamese message per field, never a 500: schema errors (422),
references to nothing (422), files of the wrong type or size (400), unknown dossiers and slips (404)."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers import storage
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_support import BASE, Api, dossier_payload, freeze, pdf_bytes
from motcua.dossiers.tests.helpers import World, at, in_state

pytestmark = pytest.mark.django_db

INVALID = "Một số trường chưa hợp lệ; vui lòng sửa lại và thử lại."
REQUIRED = "Vui lòng điền thông tin này."
CHOOSE = "Hãy chọn một trong các giá trị cho phép."


def test_an_empty_create_names_every_missing_field(world: World) -> None:
    answer = Api(world.intake_a).post(BASE, {})

    assert (answer.status, answer.code, answer.body["message"]) == (422, "validation_error", INVALID)
    assert answer.body["fields"] == {
        "procedure": REQUIRED,
        "channel": REQUIRED,
        "receiving_unit": REQUIRED,
        "return_method": REQUIRED,
    }
    assert Dossier.objects.count() == 0


def test_values_of_the_wrong_kind_are_named(world: World, procedure: Procedure) -> None:
    payload = dossier_payload(
        world, procedure, channel="fax", receiving_unit="một", return_method="pigeon", components="none"
    )

    answer = Api(world.intake_a).post(BASE, payload)

    assert answer.status == 422
    assert answer.body["fields"] == {
        "channel": CHOOSE,
        "receiving_unit": "Nhập một số nguyên.",
        "return_method": CHOOSE,
        "components": "Giá trị này không hợp lệ.",
    }


def test_a_body_that_is_not_json_is_a_400_problem(world: World) -> None:
    api = Api(world.intake_a)
    answer = api.client.post(BASE, data="{not json", content_type="application/json", headers=api.auth)

    assert answer.status_code == 400
    assert set(answer.json()) >= {"code", "message", "fields"}
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"procedure": "9.999999"}, {"procedure": "Không có thủ tục nào có mã này."}),
        ({"receiving_unit": 999_999}, {"receiving_unit": "Không tìm thấy đơn vị có mã số này."}),
        ({"competent_unit": 999_999}, {"competent_unit": "Không tìm thấy đơn vị có mã số này."}),
        ({"applicant": None}, {"applicant": "Hãy cho biết thông tin người nộp hồ sơ mà bạn tiếp nhận."}),
        (
            {"channel": "postal", "receive": True},
            {
                "receive": (
                    "Chỉ hồ sơ nộp trực tiếp tại Bộ phận Một cửa mới được tiếp nhận ngay trong cùng một "
                    "lần gọi."
                )
            },
        ),
    ],
)
def test_references_to_nothing_are_named(
    world: World, procedure: Procedure, monkeypatch: Any, changes: dict[str, Any], fields: dict[str, str]
) -> None:
    freeze(monkeypatch, at(7, 9))

    answer = Api(world.intake_a).post(BASE, dossier_payload(world, procedure, **changes))

    assert (answer.status, answer.code, answer.body["fields"]) == (422, "validation_error", fields)
    assert Dossier.objects.count() == 0


def test_an_applicant_account_applies_in_its_own_name(world: World, procedure: Procedure) -> None:
    answer = Api(world.citizen).post(BASE, dossier_payload(world, procedure, channel="online"))

    assert (answer.status, answer.body["fields"]) == (
        422,
        {"applicant": "Bạn nộp hồ sơ với tư cách chính mình; hãy bỏ trường này."},
    )


def test_the_services_checks_come_back_as_field_problems(world: World, procedure: Procedure) -> None:
    """A bad personal ID number: the service's message on the field."""
    payload = dossier_payload(world, procedure)
    payload["applicant"]["identifier"] = "12345"

    answer = Api(world.intake_a).post(BASE, payload)

    assert (answer.status, answer.code) == (400, "invalid_applicant")
    assert list(answer.body["fields"]) == ["applicant.identifier"]


def test_a_text_file_is_refused_at_upload(world: World) -> None:
    answer = Api(world.citizen).upload(b"just some notes", filename="ghi-chu.txt", content_type="text/plain")

    assert (answer.status, answer.code) == (400, "invalid_file")
    assert answer.body["fields"] == {
        "file": "ghi-chu.txt: Gửi bản quét PDF, JPEG, PNG hoặc TIFF, hoặc tệp Word, Excel."
    }


def test_a_file_over_the_limit_is_refused_at_upload(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(storage, "MAX_BYTES", 1024 * 1024)

    answer = Api(world.citizen).upload(pdf_bytes("x" * (1024 * 1024)))

    assert (answer.status, answer.code) == (400, "invalid_file")
    assert answer.body["fields"] == {"file": "to-khai.pdf: Tệp lớn hơn 1 MB; hãy tách nhỏ hoặc nén tệp."}


def test_an_upload_without_a_file_is_a_422(world: World) -> None:
    api = Api(world.citizen)
    answer = api.client.post(f"{BASE}/uploads", data={}, headers=api.auth)

    assert (answer.status_code, answer.json()["fields"]) == (
        422,
        {"file": "Hãy đính kèm tệp trong trường multipart “file”."},
    )


def test_an_upload_answers_a_token_for_its_uploader_only(world: World, procedure: Procedure) -> None:
    token = Api(world.citizen).upload(pdf_bytes("mine")).body["upload"]
    payload = dossier_payload(world, procedure, components=[{"name": "Tờ khai", "upload": token}])

    answer = Api(world.intake_a).post(BASE, payload)

    assert (answer.status, answer.code) == (400, "invalid_components")
    assert answer.body["fields"] == {
        "components.0.upload": "Tệp tải lên không tồn tại hoặc đã hết hạn; hãy tải tệp lên lại."
    }


@pytest.mark.parametrize("token", ["garbage", "eyJmaWxlIjoxfQ:1xVB2P:forged"])
def test_a_forged_upload_token_is_refused(world: World, procedure: Procedure, token: str) -> None:
    payload = dossier_payload(world, procedure, components=[{"name": "Tờ khai", "upload": token}])

    answer = Api(world.intake_a).post(BASE, payload)

    assert (answer.status, list(answer.body["fields"])) == (400, ["components.0.upload"])


def test_a_component_naming_a_document_the_procedure_does_not_ask_for(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    token = officer.upload(pdf_bytes("x")).body["upload"]
    payload = dossier_payload(
        world, procedure, components=[{"upload": token, "required_document": "Giấy phép lái xe"}]
    )

    answer = officer.post(BASE, payload)

    assert (answer.status, answer.body["fields"]) == (
        400,
        {"components.0.required_document": "Thủ tục không yêu cầu giấy tờ nào có tên này."},
    )


def test_a_reused_component_must_be_one_the_user_may_see(
    world: World, procedure: Procedure, monkeypatch: Any
) -> None:
    earlier = in_state(world, procedure, "returned")
    freeze(monkeypatch, at(8, 9))
    payload = dossier_payload(world, procedure, channel="online", return_method="counter")
    payload.pop("applicant")
    payload["components"] = [
        {
            "name": "Tờ khai",
            "provenance": "reused",
            "source": {"dossier": str(earlier.public_id), "position": 1},
        }
    ]

    mine = Api(world.citizen).post(BASE, payload)
    theirs = Api(world.other_citizen).post(BASE, payload)

    assert mine.status == 201
    assert mine.body["components"][0]["provenance"] == "reused"
    assert (theirs.status, theirs.body["fields"]) == (
        400,
        {"components.0.source": "Không có thành phần hồ sơ nào bạn được xem ở vị trí này của hồ sơ đó."},
    )


def test_an_action_with_an_empty_list_is_a_422(world: World, procedure: Procedure, monkeypatch: Any) -> None:
    dossier = in_state(world, procedure, "submitted")
    freeze(monkeypatch, at(7, 10))

    answer = Api(world.intake_a).act(dossier, "ask_supplement_at_intake", {"items": [], "reason": ""})

    assert answer.status == 422
    assert set(answer.body["fields"]) == {"items", "reason"}


def test_an_appointment_without_its_offset_is_refused(world: World, monkeypatch: Any) -> None:
    from motcua.dossiers.tests.helpers import make_procedure

    dossier = in_state(world, make_procedure(world, amount=5, unit="working_days"), "processing")
    freeze(monkeypatch, at(7, 10))

    answer = Api(world.leader_a).act(
        dossier, "apologize", {"reason": "Cần xác minh", "new_appointment": "2026-12-21T17:00:00"}
    )

    assert (answer.status, answer.code) == (400, "invalid_appointment")


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/00000000-0000-4000-8000-000000000000",
        f"{BASE}/00000000-0000-4000-8000-000000000000/events",
        f"{BASE}/00000000-0000-4000-8000-000000000000/slips",
    ],
)
def test_an_unknown_dossier_is_a_404_problem(world: World, path: str) -> None:
    answer = Api(world.superuser).get(path)

    assert (answer.status, answer.code, answer.body["message"]) == (
        404,
        "dossier_not_found",
        "Không có hồ sơ nào bạn được xem mang mã này.",
    )


def test_an_unknown_dossier_action_is_a_404_problem(world: World) -> None:
    answer = Api(world.superuser).act("00000000-0000-4000-8000-000000000000", "receive", version=1)

    assert (answer.status, answer.code) == (404, "dossier_not_found")


@pytest.mark.parametrize("path", [f"{BASE}/not-a-uuid", f"{BASE}/00000000-0000-4000-8000-000000000000/fly"])
def test_a_path_that_names_nothing_is_a_404_problem(world: World, path: str) -> None:
    answer = Api(world.superuser).get(path)

    assert (answer.status, answer.code, answer.body["message"]) == (404, "not_found", "Không tìm thấy.")


def test_a_slip_not_issued_is_a_404_problem(world: World, procedure: Procedure) -> None:
    dossier = in_state(world, procedure, "submitted")

    answer = Api(world.intake_a).get(f"{BASE}/{dossier.public_id}/slips/03")
    unknown_form = Api(world.intake_a).get(f"{BASE}/{dossier.public_id}/slips/99")

    assert (answer.status, answer.code) == (404, "slip_not_found")
    assert answer.body["message"] == "Chưa có phiếu theo mẫu này nào được lập cho hồ sơ."
    assert (unknown_form.status, unknown_form.body["fields"]) == (422, {"number": CHOOSE})
