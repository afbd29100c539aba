"""The journeys of issue 5 over real HTTP, as real clients: a citizen, an intake officer, a specialist and
a leader, each with their own API token, against a running server (Django's live server). Each step
sends the ETag it last read in If-Match. The server's clock is held at chosen moments of December 2026
(Monday 7/12 = day 7; working hours 07:30–11:30, 13:00–17:00)."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_support import (
    BASE,
    Answer,
    FrozenClock,
    HttpApi,
    dossier_payload,
    freeze,
    pdf_bytes,
)
from motcua.dossiers.tests.helpers import World, at, make_procedure

# serialized_rollback: the national calendar seeded by the migrations comes back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class People:
    """The four clients of the journeys, over HTTP."""

    def __init__(self, url: str, world: World) -> None:
        self.citizen = HttpApi(url, world.citizen)
        self.intake = HttpApi(url, world.intake_a)
        self.specialist = HttpApi(url, world.specialist_a)
        self.leader = HttpApi(url, world.leader_a)


@pytest.fixture
def people(live_server: Any, world: World) -> People:
    return People(live_server.url, world)


@pytest.fixture
def clock(monkeypatch: Any) -> FrozenClock:
    return freeze(monkeypatch, at(7, 9))


@pytest.fixture
def five_days(world: World) -> Procedure:
    """5 working days, hours convention, pause mode, one supplement request, the default process."""
    return make_procedure(world, amount=5, unit="working_days")


def ok(answer: Answer, status: int = 200) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.etag == f'"{answer.body["version"]}"'
    return answer.body  # type: ignore[no-any-return]


def step(client: HttpApi, dossier: dict[str, Any], action: str, body: Any = None, **headers: str) -> Answer:
    """POST the action with the ETag of the dossier as last read."""
    return client.post(f"{BASE}/{dossier['id']}/{action}", body, **{"If-Match": dossier["etag"], **headers})


def online_dossier(people: People, procedure: Procedure, world: World) -> dict[str, Any]:
    """The citizen uploads the declaration, creates the draft with it and submits it."""
    upload = people.citizen.upload(pdf_bytes("to khai"), filename="to-khai.pdf")
    assert upload.status == 201, upload.body
    draft = ok(
        people.citizen.post(
            BASE,
            {
                "procedure": procedure.code,
                "channel": "online",
                "receiving_unit": world.centre_a.pk,
                "return_method": "counter",
                "components": [{"name": "Tờ khai đăng ký khai sinh", "upload": upload.body["upload"]}],
            },
        ),
        201,
    )
    assert (draft["status"], draft["components"][0]["size"]) == ("draft", upload.body["size"])
    return ok(step(people.citizen, draft, "submit"))


def kinds(dossier: dict[str, Any]) -> list[str]:
    return list(DossierEvent.objects.filter(dossier__public_id=dossier["id"]).values_list("kind", flat=True))


def test_the_happy_path(people: People, world: World, procedure: Procedure, clock: FrozenClock) -> None:
    """Create with an uploaded file, submit, receive, forward, approve, return the result; the applicant
    follows it, and anyone with the code and the Form 01 secret sees its status."""
    clock.set(at(7, 8, 30))
    submitted = online_dossier(people, procedure, world)
    assert (submitted["status"], submitted["receive_due_at"]) == ("submitted", "2026-12-08T08:30:00+07:00")

    clock.set(at(7, 9))
    received = ok(step(people.intake, submitted, "receive"))
    assert (received["status"], received["code"], received["received_at"], received["appointment_at"]) == (
        "processing",
        "H15.50.05.13-261207-0001",
        "2026-12-07T09:00:00+07:00",
        "2026-12-08T08:30:00+07:00",  # 8 working hours from the system receipt at 08:30
    )
    assert received["current_step"] == "appraise"

    clock.set(at(7, 10))
    forwarded = ok(step(people.specialist, received, "forward", {"note": "Đủ điều kiện"}))
    assert forwarded["current_step"] == "approve"

    clock.set(at(7, 14))
    approved = ok(step(people.leader, forwarded, "approve", {"result_note": "Giấy khai sinh số 12/2026"}))
    assert (approved["status"], approved["resolved_at"], approved["result_note"]) == (
        "resolved",
        "2026-12-07T14:00:00+07:00",
        "Giấy khai sinh số 12/2026",
    )

    clock.set(at(7, 15))
    returned = ok(step(people.intake, approved, "return_result", {"method": "counter"}))
    assert (returned["status"], returned["returned_at"], returned["version"]) == (
        "returned",
        "2026-12-07T15:00:00+07:00",
        6,
    )

    mine = people.citizen.get(BASE)
    assert [item["id"] for item in mine.body["items"]] == [returned["id"]]
    events = people.citizen.get(f"{BASE}/{returned['id']}/events").body
    assert [(event["kind"], event["at"]) for event in events] == [
        ("created", "2026-12-07T08:30:00+07:00"),
        ("submitted", "2026-12-07T08:30:00+07:00"),
        ("received", "2026-12-07T09:00:00+07:00"),
        ("forwarded", "2026-12-07T10:00:00+07:00"),
        ("approved", "2026-12-07T14:00:00+07:00"),
        ("returned", "2026-12-07T15:00:00+07:00"),
    ]
    slips = people.citizen.get(f"{BASE}/{returned['id']}/slips").body
    assert "01" in [slip["form"] for slip in slips]  # the receipt and appointment, issued after commit
    receipt = people.citizen.get(f"{BASE}/{returned['id']}/slips/01")
    assert (receipt.status, receipt.headers["content-type"], receipt.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    secret = Dossier.objects.get(public_id=returned["id"]).lookup_secret
    public = HttpApi(people.citizen.base_url, None).post(
        f"{BASE}/lookup", {"code": returned["code"], "secret": secret}
    )
    assert (public.status, public.body["status"], [s["name"] for s in public.body["steps_done"]]) == (
        200,
        "returned",
        ["Thẩm định hồ sơ", "Phê duyệt kết quả", "Trả kết quả"],
    )


def test_supplement_at_intake(people: People, world: World, procedure: Procedure, clock: FrozenClock) -> None:
    submitted = online_dossier(people, procedure, world)

    clock.set(at(7, 10))
    asked = ok(
        step(
            people.intake,
            submitted,
            "ask_supplement_at_intake",
            {"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu giấy chứng sinh"},
        )
    )
    clock.set(at(8, 9))
    upload = people.citizen.upload(pdf_bytes("giay chung sinh"))
    resubmitted = ok(
        step(
            people.citizen,
            asked,
            "resubmit",
            {"components": [{"name": "Bản sao giấy chứng sinh", "upload": upload.body["upload"]}]},
        )
    )
    clock.set(at(8, 10))
    received = ok(step(people.intake, resubmitted, "receive"))

    assert (asked["status"], resubmitted["status"], received["status"]) == (
        "supplement_at_intake",
        "submitted",
        "processing",
    )
    assert [c["name"] for c in received["components"]] == [
        "Tờ khai đăng ký khai sinh",
        "Bản sao giấy chứng sinh",
    ]
    assert resubmitted["system_received_at"] == "2026-12-08T09:00:00+07:00"  # counts again from completion
    assert kinds(received) == [
        "created",
        "submitted",
        "supplement_requested_at_intake",
        "resubmitted",
        "received",
    ]


def test_supplement_in_processing_moves_the_due_moment_by_the_working_time_waited(
    people: People, world: World, five_days: Procedure, clock: FrozenClock
) -> None:
    """Received Monday 7/12 09:00 on 5 working days: due Monday 14/12 09:00. Asked Tuesday 8/12 10:00,
    supplemented Thursday 10/12 15:00: 330 + 480 + 360 = 1170 working minutes waited, so the due moment
    moves to Wednesday 16/12 14:00. A second request is beyond the procedure's maximum (one)."""
    received = ok(step(people.intake, online_dossier(people, five_days, world), "receive"))
    assert received["due_at"] == "2026-12-14T09:00:00+07:00"

    clock.set(at(8, 10))
    asked = ok(
        step(
            people.specialist,
            received,
            "ask_supplement",
            {"items": ["Bản sao sổ hộ khẩu"], "reason": "Cần đối chiếu nơi cư trú"},
        )
    )
    assert (asked["status"], asked["clock"]["paused"]) == ("waiting_supplement", True)

    clock.set(at(10, 15))
    upload = people.citizen.upload(pdf_bytes("so ho khau"))
    supplemented = ok(
        step(
            people.citizen,
            asked,
            "supplement",
            {"components": [{"name": "Bản sao sổ hộ khẩu", "upload": upload.body["upload"]}]},
        )
    )
    assert (supplemented["status"], supplemented["due_at"], supplemented["appointment_at"]) == (
        "processing",
        "2026-12-16T14:00:00+07:00",
        "2026-12-14T09:00:00+07:00",  # the appointment changes only with an apology
    )
    event = DossierEvent.objects.get(dossier__public_id=received["id"], kind="supplemented")
    assert event.data["waited_working_minutes"] == 1170

    clock.set(at(11, 9))
    again = step(people.specialist, supplemented, "ask_supplement", {"items": ["Ảnh"], "reason": "Thiếu ảnh"})
    assert (again.status, again.code) == (409, "supplement_limit")
    assert again.body["message"] == (
        "Thủ tục chỉ cho phép yêu cầu bổ sung 1 lần trong quá trình giải quyết và hồ sơ này đã có 1 lần; "
        "hãy giải quyết hồ sơ theo hiện trạng."
    )
    assert people.specialist.get(f"{BASE}/{received['id']}").body["status"] == "processing"


def test_apology_once_and_only_with_a_working_day_left(
    people: People, world: World, five_days: Procedure, clock: FrozenClock
) -> None:
    """Due Monday 14/12 09:00. On Friday 11/12 at 08:00, 9 working hours are left: the apology is
    accepted with a new appointment; a second is refused. Another dossier, on Friday 11/12 at 10:00 with
    7 working hours left, is refused: too late."""
    received = ok(step(people.intake, online_dossier(people, five_days, world), "receive"))
    late = ok(step(people.intake, online_dossier(people, five_days, world), "receive"))

    clock.set(at(11, 8))
    apology = {"reason": "Cần xác minh thêm với cơ quan khác", "new_appointment": "2026-12-18T16:00:00+07:00"}
    apologised = ok(step(people.leader, received, "apologize", apology))
    assert (apologised["appointment_at"], apologised["due_at"]) == (
        "2026-12-18T16:00:00+07:00",
        "2026-12-18T16:00:00+07:00",
    )
    second = step(
        people.leader, apologised, "apologize", {**apology, "new_appointment": "2026-12-21T16:00:00+07:00"}
    )
    assert (second.status, second.code) == (409, "apology_already_given")

    clock.set(at(11, 10))
    too_late = step(people.leader, late, "apologize", apology)
    assert (too_late.status, too_late.code) == (409, "apology_too_late")
    assert people.leader.get(f"{BASE}/{late['id']}").body["appointment_at"] == "2026-12-14T09:00:00+07:00"


def test_refusal_at_intake(people: People, world: World, procedure: Procedure, clock: FrozenClock) -> None:
    submitted = online_dossier(people, procedure, world)

    clock.set(at(7, 10))
    refused = ok(step(people.intake, submitted, "refuse_intake", {"reason": "Không thuộc thẩm quyền của xã"}))
    after = step(people.intake, refused, "receive")

    assert (refused["status"], refused["end_reason"], refused["ended_at"]) == (
        "refused_at_intake",
        "Không thuộc thẩm quyền của xã",
        "2026-12-07T10:00:00+07:00",
    )
    assert (after.status, after.code) == (409, "invalid_state")
    assert (
        after.body["message"]
        == "Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “từ chối tiếp nhận”."
    )


def test_stop_at_the_applicants_request(
    people: People, world: World, procedure: Procedure, clock: FrozenClock
) -> None:
    received = ok(step(people.intake, online_dossier(people, procedure, world), "receive"))

    clock.set(at(7, 11))
    stopped = ok(step(people.intake, received, "stop", {"reason": "Người nộp đề nghị dừng giải quyết"}))

    assert (stopped["status"], stopped["stop_kind"], stopped["stopped_at"], stopped["current_step"]) == (
        "stopped",
        "stopped",
        "2026-12-07T11:00:00+07:00",
        None,
    )
    assert kinds(stopped)[-1] == "stopped"


def test_withdrawal_by_the_applicant(
    people: People, world: World, procedure: Procedure, clock: FrozenClock
) -> None:
    submitted = online_dossier(people, procedure, world)

    clock.set(at(7, 9, 30))
    withdrawn = ok(step(people.citizen, submitted, "withdraw", {"reason": "Không còn nhu cầu"}))
    officer_after = step(people.intake, withdrawn, "receive")

    assert (withdrawn["status"], withdrawn["stop_kind"]) == ("stopped", "withdrawn")
    assert (officer_after.status, officer_after.code) == (409, "invalid_state")


def test_counter_intake_in_one_call(
    people: People, world: World, procedure: Procedure, clock: FrozenClock
) -> None:
    """A walk-in at the counter: the officer uploads the scan and creates, submits and receives in one
    request (retried once with its Idempotency-Key, as a client does after a time-out)."""
    scan = people.intake.upload(pdf_bytes("ban scan"))
    payload = dossier_payload(
        world,
        procedure,
        receive=True,
        components=[{"name": "Tờ khai", "provenance": "digitised_at_intake", "upload": scan.body["upload"]}],
    )

    first = people.intake.post(BASE, payload, **{"Idempotency-Key": "quay-1-0001"})
    retry = people.intake.post(BASE, payload, **{"Idempotency-Key": "quay-1-0001"})

    body = ok(first, 201)
    assert (body["status"], body["code"], body["channel"], body["channel_code"]) == (
        "processing",
        "H15.50.05.13-261207-0001",
        "direct",
        "1",
    )
    assert (body["received_at"], body["clock_started_at"], body["appointment_at"]) == (
        "2026-12-07T09:00:00+07:00",
        "2026-12-07T09:00:00+07:00",
        "2026-12-08T09:00:00+07:00",
    )
    assert (body["applicant"]["name"], body["applicant"]["has_account"]) == ("Lê Văn Cường", False)
    assert body["components"][0]["provenance"] == "digitised_at_intake"
    assert first.headers["location"].endswith(f"{BASE}/{body['id']}")
    assert (retry.status, retry.content, retry.headers["idempotent-replayed"]) == (201, first.content, "true")
    assert Dossier.objects.count() == 1
    assert kinds(body) == ["created", "submitted", "received"]
