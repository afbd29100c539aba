"""Who sees a dossier (`Dossier.objects.visible_to`) and who may act on it: role and unit scope for each
action; an officer of another commune is refused and nothing changes."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.accounts.models import Role
from motcua.core.errors import PermissionDenied
from motcua.core.models import OutboxEvent
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import (
    ITEMS,
    REASON,
    World,
    at,
    counter_draft,
    counter_received,
    in_state,
    make_user,
    online_draft,
    uploaded,
    walk_in,
)

S = Dossier.Status


@pytest.fixture
def dossiers(world: World, procedure: Any) -> dict[str, Dossier]:
    """One dossier of each kind the scoping must tell apart."""
    provincial = services.counter_intake(
        actor=world.intake_province,
        procedure=procedure,
        applicant=walk_in(),
        receiving_unit=world.province_centre,
        competent_unit=world.commune_b,
        form_data={},
        components=[uploaded()],
        return_method="counter",
        at=at(7, 9),
    )
    return {
        "citizen_draft": online_draft(world, procedure, when=at(7, 8)),
        "citizen_processing": in_state(world, procedure, S.PROCESSING),
        "counter_a": counter_received(world, procedure, when=at(7, 9)),
        "counter_draft_a": counter_draft(world, procedure, when=at(7, 9)),
        "counter_b": counter_received(world, procedure, when=at(7, 9), officer=world.intake_b),
        "provincial_for_b": provincial,
    }


def seen(user: Any, dossiers: dict[str, Dossier]) -> set[str]:
    visible = set(Dossier.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, dossier in dossiers.items() if dossier.pk in visible}


def test_the_applicant_sees_their_own_dossiers_drafts_included(
    world: World, dossiers: dict[str, Dossier]
) -> None:
    assert seen(world.citizen, dossiers) == {"citizen_draft", "citizen_processing"}
    assert seen(world.other_citizen, dossiers) == set()


def test_staff_see_the_dossiers_of_their_subtree_but_not_online_drafts(
    world: World, dossiers: dict[str, Dossier]
) -> None:
    commune_a = {"citizen_processing", "counter_a", "counter_draft_a"}
    assert seen(world.intake_a, dossiers) == commune_a
    assert seen(world.specialist_a, dossiers) == commune_a
    assert seen(world.leader_a, dossiers) == commune_a
    assert seen(world.supervisor_a, dossiers) == commune_a
    assert seen(world.intake_b, dossiers) == {"counter_b"}
    # Commune B is competent for the provincial centre's dossier: its staff see it; the centre too.
    assert seen(world.specialist_b, dossiers) == {"counter_b", "provincial_for_b"}
    assert seen(world.intake_province, dossiers) == {"provincial_for_b"}


def test_a_provincial_supervisor_sees_the_whole_province(world: World, dossiers: dict[str, Dossier]) -> None:
    supervisor = make_user("giamsat.tinh", (Role.SUPERVISOR, world.province))
    assert seen(supervisor, dossiers) == set(dossiers) - {"citizen_draft"}
    assert seen(world.superuser, dossiers) == set(dossiers) - {"citizen_draft"}


def test_roles_outside_dossier_work_and_anonymous_see_nothing(
    world: World, dossiers: dict[str, Dossier]
) -> None:
    editor = make_user("bientap.tinh", (Role.CATALOG_EDITOR, world.province), (Role.ADMIN, world.province))
    assert seen(editor, dossiers) == set()
    assert seen(AnonymousUser(), dossiers) == set()
    assert seen(None, dossiers) == set()
    world.specialist_a.is_active = False
    world.specialist_a.save()
    assert seen(world.specialist_a, dossiers) == set()


def test_a_coordinating_unit_sees_the_dossier(world: World, procedure: Any) -> None:
    from motcua.dossiers.tests.helpers import make_procedure

    coordinated = make_procedure(world, code="1.000002.000.00.00.H15", coordinating=[world.commune_b])
    dossier = counter_received(world, coordinated, when=at(7, 9))
    assert Dossier.objects.visible_to(world.specialist_b).filter(pk=dossier.pk).exists()
    assert not Dossier.objects.visible_to(world.intake_b).filter(pk=dossier.pk).exists()


# An officer of the other commune (or another citizen) for each action, on a dossier in the right state.
OUTSIDERS: list[tuple[str, str, Callable[[Dossier, World], Any]]] = [
    ("submit", S.DRAFT, lambda d, w: services.dossier_submit(dossier=d, actor=w.other_citizen, at=at(7, 15))),
    (
        "receive",
        S.SUBMITTED,
        lambda d, w: services.dossier_receive(dossier=d, actor=w.intake_b, at=at(7, 15)),
    ),
    (
        "receive_by_citizen",
        S.SUBMITTED,
        lambda d, w: services.dossier_receive(dossier=d, actor=w.citizen, at=at(7, 15)),
    ),
    (
        "ask_supplement_at_intake",
        S.SUBMITTED,
        lambda d, w: services.dossier_ask_supplement_at_intake(
            dossier=d, actor=w.intake_b, items=ITEMS, reason=REASON
        ),
    ),
    (
        "resubmit",
        S.SUPPLEMENT_AT_INTAKE,
        lambda d, w: services.dossier_resubmit(dossier=d, actor=w.other_citizen),
    ),
    (
        "resubmit_by_officer",
        S.SUPPLEMENT_AT_INTAKE,
        lambda d, w: services.dossier_resubmit(dossier=d, actor=w.intake_a),
    ),
    (
        "refuse_intake",
        S.SUBMITTED,
        lambda d, w: services.dossier_refuse_intake(dossier=d, actor=w.intake_b, reason=REASON),
    ),
    ("forward", S.PROCESSING, lambda d, w: services.dossier_forward(dossier=d, actor=w.specialist_b)),
    (
        "send_back",
        S.PROCESSING,
        lambda d, w: services.dossier_send_back(dossier=d, actor=w.leader_b, note=REASON),
    ),
    (
        "reassign",
        S.PROCESSING,
        lambda d, w: services.dossier_reassign(dossier=d, actor=w.leader_b, assignee=w.specialist_a2),
    ),
    (
        "ask_supplement",
        S.PROCESSING,
        lambda d, w: services.dossier_ask_supplement(
            dossier=d, actor=w.specialist_b, items=ITEMS, reason=REASON
        ),
    ),
    (
        "supplement",
        S.WAITING_SUPPLEMENT,
        lambda d, w: services.dossier_supplement(dossier=d, actor=w.intake_b),
    ),
    (
        "apologize",
        S.PROCESSING,
        lambda d, w: services.dossier_apologize(
            dossier=d, actor=w.leader_b, reason=REASON, new_appointment=at(21), at=at(7, 9, 30)
        ),
    ),
    (
        "reject",
        S.PROCESSING,
        lambda d, w: services.dossier_reject(dossier=d, actor=w.leader_b, reason=REASON),
    ),
    ("approve", S.PROCESSING, lambda d, w: services.dossier_approve(dossier=d, actor=w.leader_b)),
    (
        "return_result",
        S.RESOLVED,
        lambda d, w: services.dossier_return_result(dossier=d, actor=w.intake_b, method="counter"),
    ),
    ("stop", S.PROCESSING, lambda d, w: services.dossier_stop(dossier=d, actor=w.intake_b, reason=REASON)),
    (
        "withdraw",
        S.SUBMITTED,
        lambda d, w: services.dossier_withdraw(dossier=d, actor=w.other_citizen, reason=REASON),
    ),
]


@pytest.mark.parametrize(("action", "status", "call"), OUTSIDERS, ids=[row[0] for row in OUTSIDERS])
def test_an_outsider_is_refused_and_nothing_changes(
    world: World, procedure: Any, action: str, status: str, call: Any
) -> None:
    dossier = in_state(world, procedure, status)
    if action in {"send_back", "approve"}:
        dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    outbox = OutboxEvent.objects.count()
    with pytest.raises(PermissionDenied) as caught:
        call(dossier, world)
    assert (caught.value.code, caught.value.status) == ("permission_denied", 403)
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version) == (dossier.status, dossier.version)
    assert OutboxEvent.objects.count() == outbox


def test_creation_by_the_right_person_only(world: World, procedure: Any) -> None:
    def create(actor: Any, applicant: Any, channel: str, unit: Any) -> Dossier:
        return services.dossier_create(
            actor=actor,
            procedure=procedure,
            applicant=applicant,
            channel=channel,
            receiving_unit=unit,
            form_data={},
            components=[uploaded()],
            return_method="counter",
            at=at(7, 9),
        )

    online, direct = Dossier.Channel.ONLINE, Dossier.Channel.DIRECT
    for actor, applicant, channel, unit in [
        (world.citizen, world.other_citizen, online, world.centre_a),  # for someone else
        (world.intake_a, world.citizen, online, world.centre_a),  # online is the applicant's own act
        (world.citizen, walk_in(), direct, world.centre_a),
        (world.intake_b, walk_in(), direct, world.centre_a),  # another commune's counter
        (world.specialist_a, walk_in(), direct, world.centre_a),
    ]:
        with pytest.raises(PermissionDenied):
            create(actor, applicant, channel, unit)
    assert Dossier.objects.count() == 0
    assert create(world.intake_a, world.citizen, direct, world.centre_a).applicant == world.citizen
