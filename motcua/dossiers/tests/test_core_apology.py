"""The apology and new appointment (Form 04; LEGAL.md §1.8): a leader of the competent unit, once, only while
at least 1 working day is left before the due moment."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.deadlines import dossier_at_risk, dossier_clock
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.tests.helpers import ITEMS, REASON, World, at, counter_received, make_procedure

S = Dossier.Status
DELAY = "Cần xác minh thực tế"


@pytest.fixture
def received(world: World) -> Dossier:
    """5 working days from Monday 7/12 08:00: due Monday 14/12 08:00."""
    return counter_received(world, make_procedure(world, amount=5, unit="working_days"), when=at(7, 8))


def apologize(dossier: Dossier, world: World, when: dt.datetime, new: dt.datetime | None = None) -> Dossier:
    return services.dossier_apologize(
        dossier=dossier, actor=world.leader_a, reason=DELAY, new_appointment=new or at(18, 17), at=when
    )


def test_an_apology_exactly_one_working_day_before_the_due_moment_is_accepted(
    world: World, received: Dossier
) -> None:
    assert dossier_clock(dossier=received, at=at(11, 8)).left_minutes == 480
    dossier = apologize(received, world, at(11, 8))
    assert (dossier.status, dossier.appointment_at, dossier.due_at) == (S.PROCESSING, at(18, 17), at(18, 17))
    apology = Apology.objects.get(dossier=dossier)
    assert (apology.reason, apology.previous_appointment, apology.previous_due, apology.new_appointment) == (
        DELAY,
        at(14, 8),
        at(14, 8),
        at(18, 17),
    )
    assert (apology.issued_at, apology.issued_by) == (at(11, 8), world.leader_a)
    assert dossier.events.get(kind="apologized").data == {
        "apology": apology.pk,
        "reason": DELAY,
        "previous_appointment": "2026-12-14T08:00:00+07:00",
        "previous_due": "2026-12-14T08:00:00+07:00",
        "new_appointment": "2026-12-18T17:00:00+07:00",
        "left_minutes": 480,
    }
    state = dossier_clock(dossier=dossier, at=at(14, 8))
    assert (state.due, state.late_by_minutes, state.left_minutes) == (at(18, 17), 0, 2370)


def test_an_apology_one_minute_later_is_too_late(world: World, received: Dossier) -> None:
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        apologize(received, world, at(11, 8, 1))
    assert caught.value.code == "apology_too_late"
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Văn bản xin lỗi phải được gửi chậm nhất 01 ngày làm việc trước thời hạn giải quyết "
            "(08:00 14/12/2026); hiện chỉ còn 7,98 giờ làm việc."
        )
    assert Apology.objects.count() == 0


def test_an_apology_is_given_once(world: World, received: Dossier) -> None:
    dossier = apologize(received, world, at(8, 9))
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        apologize(dossier, world, at(9, 9), new=at(21, 17))
    assert caught.value.code == "apology_already_given"
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Văn bản xin lỗi và hẹn lại ngày trả kết quả đã được gửi lúc 09:00 08/12/2026; "
            "chỉ được hẹn lại không quá một lần."
        )
    assert Dossier.objects.get(pk=dossier.pk).appointment_at == at(18, 17)


@pytest.mark.parametrize("new", [at(14, 8), at(11, 17), dt.datetime(2026, 12, 18, 17, 0)])
def test_the_new_appointment_must_be_later_than_the_due_moment(
    world: World, received: Dossier, new: Any
) -> None:
    with pytest.raises(ApplicationError) as caught:
        apologize(received, world, at(8, 9), new=new)
    assert (caught.value.code, set(caught.value.fields)) == ("invalid_appointment", {"new_appointment"})


def test_only_a_leader_of_the_competent_unit_apologizes(world: World, received: Dossier) -> None:
    for outsider in (world.leader_b, world.specialist_a, world.intake_a, world.supervisor_a):
        with pytest.raises(PermissionDenied):
            services.dossier_apologize(
                dossier=received, actor=outsider, reason=DELAY, new_appointment=at(18, 17), at=at(8, 9)
            )
    with pytest.raises(ApplicationError) as caught:
        services.dossier_apologize(
            dossier=received, actor=world.leader_a, reason="", new_appointment=at(18, 17), at=at(8, 9)
        )
    assert caught.value.code == "required"


def test_an_apology_while_waiting_then_the_wait_after_it_moves_the_new_appointment(
    world: World, received: Dossier
) -> None:
    dossier = services.dossier_ask_supplement(
        dossier=received, actor=world.specialist_a, items=ITEMS, reason=REASON, at=at(8, 10)
    )
    dossier = apologize(dossier, world, at(9, 9))
    assert (dossier.status, dossier.due_at) == (S.WAITING_SUPPLEMENT, at(18, 17))
    dossier = services.dossier_supplement(dossier=dossier, actor=world.intake_a, at=at(10, 9))
    # Only the 480 working minutes waited after the apology (Wed 09:00 → Thu 09:00) move it.
    assert dossier.due_at == at(21, 17)


def test_an_apology_takes_the_dossier_out_of_risk(world: World, received: Dossier) -> None:
    assert dossier_at_risk(dossier=received, at=at(10, 9)) is True
    dossier = apologize(received, world, at(10, 9))
    assert dossier_at_risk(dossier=dossier, at=at(10, 9)) is False
    assert dossier_at_risk(dossier=dossier, at=at(16, 17)) is True
