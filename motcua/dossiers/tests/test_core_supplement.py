"""Supplement requests during processing (LEGAL.md §1.6): pause moves the due moment by exactly the working
time waited, restart runs the whole limit again, and requests beyond the procedure's maximum are refused."""

from typing import Any

import pytest
from django.utils import translation

from motcua.accounts.models import Role
from motcua.core.errors import Conflict, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.deadlines import competent_calendar, dossier_clock
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    Step,
    World,
    at,
    counter_received,
    make_procedure,
    uploaded,
)

S = Dossier.Status


def five_days(world: World, **kwargs: Any) -> Any:
    return make_procedure(
        world,
        amount=5,
        unit="working_days",
        steps=[
            Step("appraise", Role.SPECIALIST, "competent", 960, ["appraise", "request_supplement"]),
            Step("approve", Role.LEADER, "competent", 240, ["approve", "reject"], ["appraise"]),
        ],
        **kwargs,
    )


def ask(dossier: Dossier, world: World, when: Any) -> Dossier:
    return services.dossier_ask_supplement(
        dossier=dossier, actor=world.specialist_a, items=ITEMS, reason=REASON, at=when
    )


def test_pause_moves_the_due_moment_by_exactly_the_working_time_waited(world: World) -> None:
    dossier = counter_received(world, five_days(world), when=at(7, 8))
    assert dossier.due_at == at(14, 8)
    assert dossier.current_step.due_at == at(9, 8)

    dossier = ask(dossier, world, at(8, 10))
    assert dossier.status == S.WAITING_SUPPLEMENT
    requested = dossier.events.get(kind="supplement_requested").data
    assert requested == {
        "request": SupplementRequest.objects.get().pk,
        "number": 1,
        "items": ITEMS,
        "reason": REASON,
        "clock_mode": "pause",
        "due_before": "2026-12-14T08:00:00+07:00",
        "used_minutes": 600,
        "left_minutes": 1800,
    }
    # While waiting, the clock is frozen.
    state = dossier_clock(dossier=dossier, at=at(9, 15))
    assert (state.paused, state.used_minutes, state.left_minutes) == (True, 600, 1800)

    dossier = services.dossier_supplement(
        dossier=dossier, actor=world.intake_a, components=[uploaded("Giấy chứng sinh")], at=at(10, 14)
    )
    calendar = competent_calendar(dossier)
    waited = calendar.working_minutes_between(at(8, 10), at(10, 14))
    assert waited == 1110
    assert dossier.status == S.PROCESSING
    assert dossier.due_at == at(16, 10, 30)
    assert calendar.working_minutes_between(at(14, 8), dossier.due_at) == waited
    assert dossier.appointment_at == at(14, 8)  # the appointment given at receipt never moves
    assert dossier.current_step.due_at == at(11, 10, 30)
    request = SupplementRequest.objects.get()
    assert (request.completed_at, request.completed_by, request.due_before, request.due_after) == (
        at(10, 14),
        world.intake_a,
        at(14, 8),
        at(16, 10, 30),
    )
    assert dossier.events.get(kind="supplemented").data["waited_working_minutes"] == 1110
    assert dossier.events.get(kind="supplemented").data["due_after"] == "2026-12-16T10:30:00+07:00"
    assert list(dossier.components.values_list("name", "supplement_request")) == [
        ("Tờ khai đăng ký khai sinh", None),
        ("Giấy chứng sinh", request.pk),
    ]
    state = dossier_clock(dossier=dossier, at=at(10, 14))
    assert (state.due, state.used_minutes, state.left_minutes, state.paused) == (
        at(16, 10, 30),
        600,
        1800,
        False,
    )


def test_restart_runs_the_whole_time_limit_again_from_the_supplement(world: World) -> None:
    dossier = counter_received(world, five_days(world, supplement_clock="restart"), when=at(7, 8))
    dossier = ask(dossier, world, at(8, 10))
    dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(10, 14))
    assert dossier.due_at == at(17, 14)
    state = dossier_clock(dossier=dossier, at=at(10, 15))
    assert (state.used_minutes, state.left_minutes) == (60, 2340)


def test_a_second_request_beyond_the_maximum_is_refused(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    dossier = ask(dossier, world, at(7, 9))
    dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(7, 10))
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        ask(dossier, world, at(7, 11))
    assert caught.value.code == "supplement_limit"
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Thủ tục chỉ cho phép yêu cầu bổ sung 1 lần trong quá trình giải quyết và hồ sơ này đã có 1 lần; "
            "hãy giải quyết hồ sơ theo hiện trạng."
        )
    assert Dossier.objects.get(pk=dossier.pk).status == S.PROCESSING
    assert SupplementRequest.objects.count() == 1


def test_a_procedure_may_allow_two_requests(world: World) -> None:
    dossier = counter_received(world, make_procedure(world, max_supplements=2), when=at(7, 8))
    for hour in (9, 11):
        dossier = ask(dossier, world, at(7, hour))
        dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(7, hour + 1))
    with pytest.raises(Conflict) as caught:
        ask(dossier, world, at(7, 14))
    assert caught.value.code == "supplement_limit"
    assert dossier.events.filter(kind="supplement_requested").count() == 2
    # Pauses of 60 (09:00–10:00) and 30 working minutes (11:00–12:00 holds only 11:00–11:30).
    assert dossier.due_at == at(8, 9, 30)


def test_only_a_specialist_of_the_competent_unit_asks(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    for outsider in (world.specialist_b, world.leader_a, world.intake_a, world.citizen):
        with pytest.raises(PermissionDenied):
            services.dossier_ask_supplement(
                dossier=dossier, actor=outsider, items=ITEMS, reason=REASON, at=at(7, 9)
            )


def test_the_applicant_or_an_intake_officer_supplements(world: World, procedure: Any) -> None:
    dossier = services.dossier_receive(
        dossier=services.dossier_submit(
            dossier=services.dossier_create(
                actor=world.citizen,
                procedure=procedure,
                applicant=world.citizen,
                channel=Dossier.Channel.ONLINE,
                receiving_unit=world.centre_a,
                form_data={},
                components=[uploaded()],
                return_method="counter",
                at=at(7, 8),
            ),
            actor=world.citizen,
            at=at(7, 8),
        ),
        actor=world.intake_a,
        at=at(7, 9),
    )
    dossier = ask(dossier, world, at(7, 10))
    for outsider in (world.other_citizen, world.intake_b, world.specialist_a):
        with pytest.raises(PermissionDenied):
            services.dossier_supplement(dossier=dossier, actor=outsider, at=at(7, 11))
    supplemented = services.dossier_supplement(dossier=dossier, actor=world.citizen, at=at(7, 11))
    assert supplemented.status == S.PROCESSING
