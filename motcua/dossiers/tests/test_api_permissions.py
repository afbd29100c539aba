"""Every dossier endpoint, asked by anonymous / a citizen who is not the applicant / an officer of another
commune / the right person / a supervisor on the province. The dossier belongs to `world.citizen` at
commune A (received Monday 7/12/2026 09:00 on a 5-working-day procedure); the API acts at 15:00.

Anonymous: 401. Strangers: 404, as for a dossier that does not exist. The right person: 2xx. The
province supervisor reads everything; on actions the services decide (403, or 200 where a supervisor
may act, as for reassign); an online draft is invisible to staff (404)."""

from collections.abc import Callable
from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
from motcua.dossiers.tests.api_support import (
    BASE,
    Api,
    dossier_payload,
    freeze,
    pdf_bytes,
    province_supervisor,
)
from motcua.dossiers.tests.helpers import ITEMS, REASON, World, at, in_state, make_procedure, pdf

pytestmark = pytest.mark.django_db

S = Dossier.Status
ACTORS = ["anonymous", "other_citizen", "officer_b", "right", "supervisor"]


@pytest.fixture
def five_days(world: World) -> Procedure:
    return make_procedure(world, amount=5, unit="working_days")


def actor(world: World, name: str, right: str) -> User | None:
    people: dict[str, Callable[[], User | None]] = {
        "anonymous": lambda: None,
        "other_citizen": lambda: world.other_citizen,
        "officer_b": lambda: world.intake_b,
        "right": lambda: getattr(world, right),
        "supervisor": lambda: province_supervisor(world),
    }
    return people[name]()


def at_approval(world: World, procedure: Procedure) -> Dossier:
    dossier = in_state(world, procedure, S.PROCESSING)
    return services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))


def upload_for(user: User | None) -> str:
    return Api(user).upload(pdf_bytes(f"{user}")).body["upload"] if user else ""


# (action, how to build the dossier, who may act, body, the supervisor's answer)
ACTIONS: list[tuple[str, Callable[[World, Procedure], Dossier], str, Callable[[World, Any], Any], int]] = [
    ("submit", lambda w, p: in_state(w, p, S.DRAFT), "citizen", lambda w, u: None, 404),
    ("receive", lambda w, p: in_state(w, p, S.SUBMITTED), "intake_a", lambda w, u: None, 403),
    (
        "ask_supplement_at_intake",
        lambda w, p: in_state(w, p, S.SUBMITTED),
        "intake_a",
        lambda w, u: {"items": ITEMS, "reason": REASON},
        403,
    ),
    (
        "resubmit",
        lambda w, p: in_state(w, p, S.SUPPLEMENT_AT_INTAKE),
        "citizen",
        lambda w, u: {"components": [{"name": "Giấy chứng sinh", "upload": upload_for(u)}]},
        403,
    ),
    (
        "refuse_intake",
        lambda w, p: in_state(w, p, S.SUBMITTED),
        "intake_a",
        lambda w, u: {"reason": REASON},
        403,
    ),
    ("forward", lambda w, p: in_state(w, p, S.PROCESSING), "specialist_a", lambda w, u: {}, 403),
    ("send_back", at_approval, "leader_a", lambda w, u: {"note": "Thẩm định lại"}, 403),
    (
        "reassign",
        lambda w, p: in_state(w, p, S.PROCESSING),
        "leader_a",
        lambda w, u: {"assignee": w.specialist_a2.pk},
        200,
    ),
    (
        "ask_supplement",
        lambda w, p: in_state(w, p, S.PROCESSING),
        "specialist_a",
        lambda w, u: {"items": ITEMS, "reason": REASON},
        403,
    ),
    (
        "supplement",
        lambda w, p: in_state(w, p, S.WAITING_SUPPLEMENT),
        "citizen",
        lambda w, u: {"components": [{"name": "Giấy chứng sinh", "upload": upload_for(u)}]},
        403,
    ),
    (
        "apologize",
        lambda w, p: in_state(w, p, S.PROCESSING),
        "leader_a",
        lambda w, u: {"reason": "Cần xác minh", "new_appointment": "2026-12-21T17:00:00+07:00"},
        403,
    ),
    ("reject", lambda w, p: in_state(w, p, S.PROCESSING), "leader_a", lambda w, u: {"reason": REASON}, 403),
    ("approve", at_approval, "leader_a", lambda w, u: {"result_note": "Giấy khai sinh"}, 403),
    (
        "return_result",
        lambda w, p: in_state(w, p, S.RESOLVED),
        "intake_a",
        lambda w, u: {"method": "counter"},
        403,
    ),
    (
        "stop",
        lambda w, p: in_state(w, p, S.PROCESSING),
        "intake_a",
        lambda w, u: {"reason": "Đề nghị dừng"},
        403,
    ),
    (
        "withdraw",
        lambda w, p: in_state(w, p, S.SUBMITTED),
        "citizen",
        lambda w, u: {"reason": "Không cần nữa"},
        403,
    ),
]


def expected(name: str, supervisor: int, success: int = 200) -> int:
    return {"anonymous": 401, "other_citizen": 404, "officer_b": 404, "right": success}.get(name, supervisor)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize(
    ("action", "build", "right", "body", "supervisor"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
def test_action(
    world: World,
    five_days: Procedure,
    monkeypatch: Any,
    who: str,
    action: str,
    build: Callable[[World, Procedure], Dossier],
    right: str,
    body: Callable[[World, Any], Any],
    supervisor: int,
) -> None:
    dossier = build(world, five_days)
    before = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count())
    freeze(monkeypatch, at(7, 15))
    user = actor(world, who, right)

    answer = Api(user).act(dossier, action, body(world, user), version=dossier.version)

    status = expected(who, supervisor)
    assert answer.status == status, answer.body
    dossier.refresh_from_db()
    after = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count())
    if status == 200:
        assert answer.body["id"] == str(dossier.public_id)
        assert answer.body["version"] == dossier.version == before[1] + 1
        assert answer.etag == f'"{dossier.version}"'
    else:
        assert (
            answer.code
            == {401: "not_authenticated", 403: "permission_denied", 404: "dossier_not_found"}[status]
        )
        assert after == before  # nothing changed


def slip_for(dossier: Dossier) -> DossierSlip:
    event = DossierEvent.objects.get(dossier=dossier, kind=DossierEvent.Kind.RECEIVED)
    return DossierSlip.objects.create(
        dossier=dossier, event=event, form=DossierSlip.Form.RECEIPT, file=pdf("slip")
    )


READS = {
    "read": lambda d: f"{BASE}/{d.public_id}",
    "events": lambda d: f"{BASE}/{d.public_id}/events",
    "slips": lambda d: f"{BASE}/{d.public_id}/slips",
    "slip": lambda d: f"{BASE}/{d.public_id}/slips/01",
    "component_file": lambda d: f"{BASE}/{d.public_id}/components/1/file",
}


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("right", ["citizen", "intake_a", "specialist_a", "leader_a", "supervisor_a"])
@pytest.mark.parametrize("read", list(READS))
def test_read(world: World, five_days: Procedure, who: str, right: str, read: str) -> None:
    dossier = in_state(world, five_days, S.PROCESSING)
    slip_for(dossier)

    answer = Api(actor(world, who, right)).get(READS[read](dossier))

    assert answer.status == expected(who, supervisor=200)
    if answer.status >= 400:
        assert answer.code == {401: "not_authenticated", 404: "dossier_not_found"}[answer.status]
    elif read == "read":
        assert (answer.body["id"], answer.etag) == (str(dossier.public_id), f'"{dossier.version}"')
    elif read in {"slip", "component_file"}:
        assert answer.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("anonymous", None),
        ("other_citizen", False),
        ("officer_b", False),
        ("right", True),
        ("supervisor", True),
    ],
)
@pytest.mark.parametrize("right", ["citizen", "intake_a", "specialist_a", "leader_a", "supervisor_a"])
def test_list(world: World, five_days: Procedure, who: str, visible: bool | None, right: str) -> None:
    dossier = in_state(world, five_days, S.PROCESSING)

    answer = Api(actor(world, who, right)).get(BASE)

    if visible is None:
        assert (answer.status, answer.code) == (401, "not_authenticated")
        return
    assert answer.status == 200
    assert [item["id"] for item in answer.body["items"]] == ([str(dossier.public_id)] if visible else [])


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other_citizen", 201), ("officer_b", 201), ("right", 201), ("supervisor", 201)],
)
def test_upload(world: World, who: str, status: int) -> None:
    answer = Api(actor(world, who, "citizen")).upload(pdf_bytes("upload"))

    assert answer.status == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other_citizen", 403), ("officer_b", 403), ("right", 201), ("supervisor", 403)],
)
def test_counter_intake_at_commune_a(world: World, five_days: Procedure, who: str, status: int) -> None:
    """Only commune A's intake officer receives at commune A's counter (a citizen's account applies in its
    own name, and cannot receive it either)."""
    user = actor(world, who, "intake_a")
    payload = dossier_payload(world, five_days, receive=True)
    if who == "other_citizen":
        payload.pop("applicant")

    answer = Api(user).post(BASE, payload)

    assert answer.status == status, answer.body
    assert Dossier.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("other_citizen", 201), ("officer_b", 403), ("right", 201), ("supervisor", 403)],
)
def test_create_online_draft_in_ones_own_name(
    world: World, five_days: Procedure, who: str, status: int
) -> None:
    """Citizens create their own online drafts; staff cannot create an online dossier for someone."""
    user = actor(world, who, "citizen")
    payload = dossier_payload(world, five_days, channel="online")
    if user is not None and user.kind != User.Kind.STAFF:
        payload.pop("applicant")

    answer = Api(user).post(BASE, payload)

    assert answer.status == status, answer.body
    if status == 201:
        assert Dossier.objects.get().applicant == user


@pytest.mark.parametrize("who", ACTORS)
def test_public_lookup_needs_no_account(world: World, five_days: Procedure, who: str) -> None:
    dossier = in_state(world, five_days, S.PROCESSING)

    answer = Api(actor(world, who, "citizen")).post(
        f"{BASE}/lookup", {"code": dossier.code, "secret": dossier.lookup_secret}
    )

    assert (answer.status, answer.body["code"]) == (200, dossier.code)
