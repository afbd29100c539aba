"""The specialist's and leader's queue is read in three lanes (queues.py, `_step_lanes`): their units'
dossiers with a step waiting on the role, the dossiers they hold, and by key the visits the dossier's own
columns do not describe (a fan-out to coordinating agencies, steps run outside the competent unit). Every
dossier waiting on the officer is there, once."""

from typing import Any

import pytest

from motcua.accounts.models import Role
from motcua.catalog.models import ProcessAction as A
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.queues import work_queue
from motcua.dossiers.tests.helpers import Step, World, at, counter_received, make_procedure, make_user
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create

pytestmark = pytest.mark.django_db


def ids(user: Any, role: str = Role.SPECIALIST) -> list[int]:
    return [item.dossier.pk for item in work_queue(user=user, role=role, now=at(8, 16)).items]


@pytest.fixture
def fanned_out(world: World) -> tuple[Dossier, Dossier, Any]:
    """Two dossiers decided by commune A: one consulting the province's justice department and commune B
    (a fan-out: no single current step), one still at commune A's appraisal."""
    justice = unit_create(
        name="Sở Tư pháp tỉnh Đắk Lắk",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.DEPARTMENT,
        parent=world.province,
    )
    lawyer = make_user("chuyenvien.stp", (Role.SPECIALIST, justice))
    procedure = make_procedure(
        world,
        amount=5,
        unit="working_days",
        coordinating=[justice, world.commune_b],
        steps=[
            Step("receive", Role.INTAKE_OFFICER, "receiving", 240, [A.RECEIVE, A.TRANSFER]),
            Step("appraise", Role.SPECIALIST, "competent", 960, [A.APPRAISE], ["receive"]),
            Step("consult", Role.SPECIALIST, "coordinating", 480, [A.COORDINATE], ["appraise"]),
            Step("approve", Role.LEADER, "competent", 240, [A.APPROVE, A.SIGN, A.REJECT], ["consult"]),
            Step("return", Role.INTAKE_OFFICER, "receiving", 120, [A.RETURN_RESULT], ["approve"]),
        ],
    )
    consulting = counter_received(world, procedure, when=at(7, 8))
    consulting = services.dossier_forward(dossier=consulting, actor=world.specialist_a, at=at(8, 10))
    appraising = counter_received(world, procedure, when=at(7, 9))
    return consulting, appraising, lawyer


def test_a_fan_out_waits_on_each_coordinating_unit_and_not_on_the_competent_one(
    world: World, fanned_out: tuple[Dossier, Dossier, Any]
) -> None:
    consulting, appraising, lawyer = fanned_out

    assert (consulting.current_step, consulting.assignee) == (None, None)
    assert ids(lawyer) == [consulting.pk]
    assert ids(world.specialist_b) == [consulting.pk]
    assert ids(world.specialist_a) == [appraising.pk]


def test_a_visit_of_a_fan_out_assigned_to_someone_waits_on_them_only(
    world: World, fanned_out: tuple[Dossier, Dossier, Any]
) -> None:
    consulting, _appraising, lawyer = fanned_out
    colleague = make_user("chuyenvien.b2", (Role.SPECIALIST, world.commune_b))

    consulting = services.dossier_reassign(
        dossier=consulting, actor=world.leader_b, assignee=colleague, at=at(8, 11)
    )

    assert consulting.assignee is None  # still two open visits
    assert (ids(colleague), ids(world.specialist_b), ids(lawyer)) == ([consulting.pk], [], [consulting.pk])


def test_a_dossier_found_by_two_lanes_is_shown_once(
    world: World, fanned_out: tuple[Dossier, Dossier, Any]
) -> None:
    consulting, appraising, _lawyer = fanned_out

    # The superuser covers every unit: commune A's lane and the coordinating visits both find `consulting`.
    assert ids(world.superuser) == [consulting.pk, appraising.pk]
