"""The state table of issue 5: every legal transition, and every illegal one refused with a 409
"invalid_state" naming the current state in Vietnamese, changing nothing."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict
from motcua.core.models import OutboxEvent
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import ITEMS, REASON, World, at, in_state, make_procedure, uploaded

S = Dossier.Status

Action = Callable[[Dossier, World], Dossier]

ACTIONS: dict[str, tuple[Action, set[str]]] = {
    "submit": (lambda d, w: services.dossier_submit(dossier=d, actor=w.citizen, at=at(7, 15)), {S.DRAFT}),
    "receive": (
        lambda d, w: services.dossier_receive(dossier=d, actor=w.intake_a, at=at(7, 15)),
        {S.SUBMITTED},
    ),
    "ask_supplement_at_intake": (
        lambda d, w: services.dossier_ask_supplement_at_intake(
            dossier=d, actor=w.intake_a, items=ITEMS, reason=REASON, at=at(7, 15)
        ),
        {S.SUBMITTED},
    ),
    "resubmit": (
        lambda d, w: services.dossier_resubmit(
            dossier=d, actor=w.citizen, components=[uploaded()], at=at(7, 15)
        ),
        {S.SUPPLEMENT_AT_INTAKE},
    ),
    "refuse_intake": (
        lambda d, w: services.dossier_refuse_intake(dossier=d, actor=w.intake_a, reason=REASON, at=at(7, 15)),
        {S.SUBMITTED},
    ),
    "forward": (
        lambda d, w: services.dossier_forward(dossier=d, actor=w.specialist_a, at=at(7, 15)),
        {S.PROCESSING},
    ),
    "send_back": (
        lambda d, w: services.dossier_send_back(
            dossier=d, actor=w.specialist_a, note="Xem lại", at=at(7, 15)
        ),
        {S.PROCESSING},
    ),
    "reassign": (
        lambda d, w: services.dossier_reassign(
            dossier=d, actor=w.leader_a, assignee=w.specialist_a2, at=at(7, 15)
        ),
        {S.PROCESSING},
    ),
    "ask_supplement": (
        lambda d, w: services.dossier_ask_supplement(
            dossier=d, actor=w.specialist_a, items=ITEMS, reason=REASON, at=at(7, 15)
        ),
        {S.PROCESSING},
    ),
    "supplement": (
        lambda d, w: services.dossier_supplement(
            dossier=d, actor=w.citizen, components=[uploaded()], at=at(7, 15)
        ),
        {S.WAITING_SUPPLEMENT},
    ),
    "apologize": (
        lambda d, w: services.dossier_apologize(
            dossier=d, actor=w.leader_a, reason="Cần xác minh", new_appointment=at(21), at=at(7, 15)
        ),
        {S.PROCESSING, S.WAITING_SUPPLEMENT},
    ),
    "reject": (
        lambda d, w: services.dossier_reject(dossier=d, actor=w.leader_a, reason=REASON, at=at(7, 15)),
        {S.PROCESSING},
    ),
    "approve": (
        lambda d, w: services.dossier_approve(dossier=d, actor=w.leader_a, at=at(7, 15)),
        {S.PROCESSING},
    ),
    "return_result": (
        lambda d, w: services.dossier_return_result(
            dossier=d, actor=w.intake_a, method="counter", at=at(7, 15)
        ),
        {S.RESOLVED},
    ),
    "stop": (
        lambda d, w: services.dossier_stop(dossier=d, actor=w.intake_a, reason="Đề nghị dừng", at=at(7, 15)),
        set(S.values) - Dossier.FINAL_STATUSES,
    ),
    "withdraw": (
        lambda d, w: services.dossier_withdraw(
            dossier=d, actor=w.citizen, reason="Không còn nhu cầu", at=at(7, 15)
        ),
        {S.SUBMITTED, S.SUPPLEMENT_AT_INTAKE, S.WAITING_SUPPLEMENT},
    ),
}

VIETNAMESE_STATUS = {
    S.DRAFT: "bản nháp",
    S.SUBMITTED: "đã nộp, chờ tiếp nhận",
    S.SUPPLEMENT_AT_INTAKE: "chờ bổ sung trước khi tiếp nhận",
    S.REFUSED_AT_INTAKE: "từ chối tiếp nhận",
    S.PROCESSING: "đang xử lý",
    S.WAITING_SUPPLEMENT: "chờ bổ sung hồ sơ",
    S.REJECTED: "từ chối giải quyết",
    S.RESOLVED: "đã xử lý xong, chờ trả kết quả",
    S.RETURNED: "đã trả kết quả",
    S.STOPPED: "dừng xử lý",
}

ILLEGAL = [
    (name, status)
    for name, (_action, allowed) in ACTIONS.items()
    for status in S.values
    if status not in allowed
]


def test_the_table_covers_ten_states_and_sixteen_actions() -> None:
    assert len(S.values) == 10
    assert len(ACTIONS) == 16
    assert len(ILLEGAL) == 160 - sum(len(allowed) for _action, allowed in ACTIONS.values())
    assert len(ILLEGAL) == 136


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_an_illegal_transition_is_refused_naming_the_state(
    world: World, procedure: Any, action: str, status: str
) -> None:
    dossier = in_state(world, procedure, status)
    events, outbox = DossierEvent.objects.count(), OutboxEvent.objects.count()
    call, _allowed = ACTIONS[action]
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        call(dossier, world)
    assert caught.value.code == "invalid_state"
    assert caught.value.status == 409
    with translation.override("vi"):
        assert str(caught.value.message) == (
            f"Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “{VIETNAMESE_STATUS[status]}”."
        )
    assert caught.value.extra == {"status": status}
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version) == (dossier.status, dossier.version)
    assert (DossierEvent.objects.count(), OutboxEvent.objects.count()) == (events, outbox)


LEGAL = [
    ("submit", S.DRAFT, S.SUBMITTED, "submitted"),
    ("receive", S.SUBMITTED, S.PROCESSING, "received"),
    ("ask_supplement_at_intake", S.SUBMITTED, S.SUPPLEMENT_AT_INTAKE, "supplement_requested_at_intake"),
    ("resubmit", S.SUPPLEMENT_AT_INTAKE, S.SUBMITTED, "resubmitted"),
    ("refuse_intake", S.SUBMITTED, S.REFUSED_AT_INTAKE, "refused_at_intake"),
    ("forward", S.PROCESSING, S.PROCESSING, "forwarded"),
    ("reassign", S.PROCESSING, S.PROCESSING, "reassigned"),
    ("ask_supplement", S.PROCESSING, S.WAITING_SUPPLEMENT, "supplement_requested"),
    ("supplement", S.WAITING_SUPPLEMENT, S.PROCESSING, "supplemented"),
    ("apologize", S.PROCESSING, S.PROCESSING, "apologized"),
    ("apologize", S.WAITING_SUPPLEMENT, S.WAITING_SUPPLEMENT, "apologized"),
    ("reject", S.PROCESSING, S.REJECTED, "rejected"),
    ("return_result", S.RESOLVED, S.RETURNED, "returned"),
    *[("stop", status, S.STOPPED, "stopped") for status in sorted(set(S.values) - Dossier.FINAL_STATUSES)],
    *[("withdraw", status, S.STOPPED, "withdrawn") for status in sorted(ACTIONS["withdraw"][1])],
]


@pytest.mark.parametrize(("action", "status", "to_status", "kind"), LEGAL)
def test_a_legal_transition_moves_the_state_and_records_one_event(
    world: World, action: str, status: str, to_status: str, kind: str
) -> None:
    # Five working days, so that the apology at 15:00 on the receipt day has more than a day left.
    procedure = make_procedure(world, amount=5, unit="working_days")
    dossier = in_state(world, procedure, status)
    events = list(dossier.events.values_list("sequence", flat=True))
    call, _allowed = ACTIONS[action]
    result = call(dossier, world)
    assert result.status == to_status
    assert result.version == dossier.version + 1
    new = list(
        DossierEvent.objects.filter(dossier=dossier)
        .exclude(sequence__in=events)
        .values_list("kind", "from_status", "to_status")
    )
    assert new == [(kind, status, to_status)]
    assert OutboxEvent.objects.filter(kind=f"dossier.{kind}", aggregate_id=str(dossier.pk)).count() == 1


def test_approve_moves_processing_to_resolved(world: World, procedure: Any) -> None:
    dossier = in_state(world, procedure, S.PROCESSING)
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    result = services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 11))
    assert (result.status, result.version) == (S.RESOLVED, dossier.version + 1)
    assert list(result.events.order_by("-sequence").values_list("kind", "from_status", "to_status")[:1]) == [
        ("approved", S.PROCESSING, S.RESOLVED)
    ]


def test_send_back_moves_processing_to_the_previous_step(world: World, procedure: Any) -> None:
    dossier = in_state(world, procedure, S.PROCESSING)
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    result = services.dossier_send_back(
        dossier=dossier, actor=world.leader_a, note="Bổ sung ý kiến", at=at(7, 11)
    )
    assert (result.status, result.version) == (S.PROCESSING, dossier.version + 1)
    assert result.current_step.key == "appraise"
    assert result.assignee == world.specialist_a
