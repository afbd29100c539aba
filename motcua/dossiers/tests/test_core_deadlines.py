"""Every open dossier knows at any moment: due, used, left, late by, and whether it is at risk."""

from typing import Any

import pytest

from motcua.dossiers import services
from motcua.dossiers.deadlines import dossier_at_risk, dossier_clock, timeliness
from motcua.dossiers.tests.helpers import (
    REASON,
    World,
    at,
    counter_received,
    in_state,
    make_procedure,
    online_submitted,
)


def test_no_clock_before_receipt(world: World, procedure: Any) -> None:
    dossier = online_submitted(world, procedure, when=at(7, 8))
    assert dossier_clock(dossier=dossier, at=at(7, 9)) is None
    assert dossier_at_risk(dossier=dossier, at=at(7, 9)) is False


@pytest.mark.parametrize(
    ("moment", "used", "left", "late_by"),
    [
        (at(7, 9), 0, 480, 0),
        (at(7, 12), 150, 330, 0),  # the lunch break does not count
        (at(8, 8), 420, 60, 0),
        (at(8, 9), 480, 0, 0),
        (at(8, 10), 540, 0, 60),
        (at(11, 17), 2310, 0, 1830),
        (at(12, 10), 2310, 0, 1830),  # Saturday: no working time passes
    ],
)
def test_used_left_and_late_by_in_working_minutes(
    world: World, procedure: Any, moment: Any, used: int, left: int, late_by: int
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    state = dossier_clock(dossier=dossier, at=moment)
    assert (state.due, state.used_minutes, state.left_minutes, state.late_by_minutes, state.paused) == (
        at(8, 9),
        used,
        left,
        late_by,
        False,
    )


def test_the_clock_stops_at_the_end_of_processing(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 9))
    dossier = services.dossier_reject(dossier=dossier, actor=world.leader_a, reason=REASON, at=at(7, 14))
    state = dossier_clock(dossier=dossier, at=at(9, 9))
    assert (state.used_minutes, state.left_minutes, state.late_by_minutes) == (210, 270, 0)
    assert dossier_at_risk(dossier=dossier, at=at(7, 14)) is False


@pytest.mark.parametrize(
    ("moment", "risk"),
    [
        (at(9, 17), False),
        (at(10, 7, 31), False),
        (at(10, 8), True),
        (at(11, 17), True),
        (at(14, 8), True),
        (at(14, 8, 1), False),
    ],
)
def test_at_risk_with_two_working_days_left_or_fewer_until_late(
    world: World, moment: Any, risk: bool
) -> None:
    procedure = make_procedure(world, amount=5, unit="working_days")
    dossier = counter_received(world, procedure, when=at(7, 8))  # due Monday 14/12 08:00
    # Two working days (960 min) before it: Thursday 10/12 08:00 (Thu 450 + Fri 480 + Mon 30).
    assert dossier_at_risk(dossier=dossier, at=moment) is risk


def test_the_at_risk_threshold_is_a_setting(world: World, settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "AT_RISK_WORKING_DAYS": 1}
    procedure = make_procedure(world, amount=5, unit="working_days")
    dossier = counter_received(world, procedure, when=at(7, 8))
    assert dossier_at_risk(dossier=dossier, at=at(10, 8)) is False
    assert dossier_at_risk(dossier=dossier, at=at(11, 7, 59)) is False
    assert dossier_at_risk(dossier=dossier, at=at(11, 8)) is True


def test_a_dossier_waiting_for_a_supplement_keeps_its_frozen_risk(world: World, procedure: Any) -> None:
    # Online: the clock started at the system receipt (08:00); asked at 10:00: 360 minutes left.
    dossier = in_state(world, procedure, "waiting_supplement")
    state = dossier_clock(dossier=dossier, at=at(9, 9))
    assert (state.paused, state.used_minutes, state.left_minutes) == (True, 120, 360)
    assert dossier_at_risk(dossier=dossier, at=at(9, 9)) is True


def test_timeliness_of_form_06() -> None:
    assert timeliness(finished_at=at(8, 17), due_at=at(9, 8)) == "early"
    assert timeliness(finished_at=at(9, 7, 59), due_at=at(9, 8)) == "on_time"
    assert timeliness(finished_at=at(9, 8), due_at=at(9, 8)) == "on_time"
    assert timeliness(finished_at=at(9, 8, 1), due_at=at(9, 8)) == "late"
    assert timeliness(finished_at=at(9, 8, 1), due_at=None) == "on_time"
