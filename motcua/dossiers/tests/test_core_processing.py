"""The walk through the internal process: forward, send back, reassign; per-step budgets (Form 06: early,
on time, late); a fan-out to coordinating agencies joining before approval; the default process."""

from typing import Any

import pytest

from motcua.accounts.models import Role
from motcua.catalog.models import ProcessAction as A
from motcua.core.errors import ApplicationError, Conflict, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.tests.helpers import Step, World, at, counter_received, make_procedure, make_user
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create

S = Dossier.Status


def visits(dossier: Dossier) -> list[tuple[Any, ...]]:
    return list(
        DossierStep.objects.filter(dossier=dossier)
        .order_by("sequence")
        .values_list("sequence", "key", "unit__name", "assignee__username", "outcome", "timeliness")
    )


@pytest.fixture
def coordinated(world: World) -> tuple[Any, Unit, Any]:
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
            Step(
                "appraise", Role.SPECIALIST, "competent", 960, [A.APPRAISE, A.REQUEST_SUPPLEMENT], ["receive"]
            ),
            Step("consult", Role.SPECIALIST, "coordinating", 480, [A.COORDINATE], ["appraise"]),
            Step("approve", Role.LEADER, "competent", 240, [A.APPROVE, A.SIGN, A.REJECT], ["consult"]),
            Step("return", Role.INTAKE_OFFICER, "receiving", 120, [A.RETURN_RESULT], ["approve"]),
        ],
    )
    return procedure, justice, lawyer


def test_a_process_with_coordination_from_receipt_to_return(world: World, coordinated: Any) -> None:
    procedure, justice, lawyer = coordinated
    dossier = counter_received(world, procedure, when=at(7, 8))
    assert set(dossier.coordinating_units.all()) == {justice, world.commune_b}
    # The receiving step is done by the receipt; the appraisal opens with 960 working minutes.
    assert visits(dossier) == [
        (1, "receive", world.centre_a.name, "tiepnhan.a", "forwarded", "on_time"),
        (2, "appraise", world.commune_a.name, None, "", ""),
    ]
    appraise = dossier.current_step
    assert (appraise.budget_minutes, appraise.started_at, appraise.due_at) == (960, at(7, 8), at(9, 8))

    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist_a, note="Đủ điều kiện", at=at(8, 10)
    )
    # Fan-out: one visit per coordinating agency, no single current step.
    assert (dossier.current_step, dossier.assignee) == (None, None)
    assert visits(dossier)[1:] == [
        (2, "appraise", world.commune_a.name, None, "forwarded", "early"),
        (3, "consult", world.commune_b.name, None, "", ""),
        (4, "consult", justice.name, None, "", ""),
    ]
    assert DossierStep.objects.get(sequence=3, dossier=dossier).due_at == at(9, 10)
    event = dossier.events.get(kind="forwarded")
    assert event.data["timeliness"] == "early"
    assert event.data["from_step"]["finished_at"] == "2026-12-08T10:00:00+07:00"
    assert event.data["note"] == "Đủ điều kiện"
    assert [step["unit"] for step in event.data["to_steps"]] == [world.commune_b.pk, justice.pk]

    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_b, at=at(9, 9))
    assert [v[1] for v in visits(dossier)] == ["receive", "appraise", "consult", "consult"]  # the join waits
    dossier = services.dossier_forward(dossier=dossier, actor=lawyer, at=at(9, 11))
    assert visits(dossier)[2:] == [
        (3, "consult", world.commune_b.name, None, "forwarded", "on_time"),
        (4, "consult", justice.name, None, "forwarded", "late"),
        (5, "approve", world.commune_a.name, None, "", ""),
    ]
    assert dossier.current_step.key == "approve"

    with pytest.raises(Conflict) as caught:
        services.dossier_forward(dossier=dossier, actor=world.leader_a, at=at(9, 14))
    assert caught.value.code == "approval_step"

    dossier = services.dossier_send_back(
        dossier=dossier, actor=world.leader_a, note="Làm rõ ý kiến", at=at(9, 14)
    )
    assert visits(dossier)[4:] == [
        (5, "approve", world.commune_a.name, None, "sent_back", "on_time"),
        (6, "consult", justice.name, "chuyenvien.stp", "", ""),
    ]
    assert (dossier.current_step.key, dossier.assignee) == ("consult", lawyer)
    dossier = services.dossier_forward(dossier=dossier, actor=lawyer, at=at(10, 8))
    assert dossier.current_step.key == "approve"

    dossier = services.dossier_approve(
        dossier=dossier, actor=world.leader_a, result_note="Giấy khai sinh", at=at(10, 9)
    )
    assert dossier.status == S.RESOLVED
    assert (dossier.resolved_at, dossier.ended_at, dossier.result_note) == (
        at(10, 9),
        at(10, 9),
        "Giấy khai sinh",
    )
    assert dossier.current_step.key == "return"
    approved = dossier.events.get(kind="approved")
    # 5 working days from Monday 08:00: due Monday 14/12 08:00; resolved Thursday: early.
    assert (approved.data["due_at"], approved.data["timeliness"]) == ("2026-12-14T08:00:00+07:00", "early")

    dossier = services.dossier_return_result(
        dossier=dossier, actor=world.intake_a, method="counter", at=at(10, 15)
    )
    assert (dossier.status, dossier.returned_at, dossier.result_returned_by) == (
        S.RETURNED,
        at(10, 15),
        "counter",
    )
    assert (dossier.current_step, dossier.assignee) == (None, None)
    # The return step had 2 working hours from 09:00: handed over at 15:00, it is late.
    assert visits(dossier)[-1] == (8, "return", world.centre_a.name, None, "returned", "late")
    assert list(dossier.events.values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "received",
        "forwarded",
        "forwarded",
        "forwarded",
        "sent_back",
        "forwarded",
        "approved",
        "returned",
    ]


def test_only_the_holder_of_the_step_forwards(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    for outsider in (world.specialist_b, world.leader_a, world.intake_a, world.citizen):
        with pytest.raises(PermissionDenied):
            services.dossier_forward(dossier=dossier, actor=outsider, at=at(7, 9))
    forwarded = services.dossier_forward(
        dossier=dossier, actor=world.specialist_a2, assignee=world.leader_a, at=at(7, 9)
    )
    assert (forwarded.current_step.key, forwarded.assignee) == ("approve", world.leader_a)


def test_forwarding_to_someone_without_the_steps_role_changes_nothing(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    with pytest.raises(ApplicationError) as caught:
        services.dossier_forward(
            dossier=dossier, actor=world.specialist_a, assignee=world.leader_b, at=at(7, 9)
        )
    assert (caught.value.code, set(caught.value.fields)) == ("invalid_assignee", {"assignee"})
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.version, after.current_step.key) == (dossier.version, "appraise")
    assert DossierStep.objects.filter(dossier=dossier).count() == 1


def test_forward_to_a_step_that_does_not_follow_is_refused(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    with pytest.raises(ApplicationError) as caught:
        services.dossier_forward(
            dossier=dossier, actor=world.specialist_a, to_step="return_result", at=at(7, 9)
        )
    assert (caught.value.code, caught.value.fields.keys()) == ("invalid_step", {"to_step"})
    forwarded = services.dossier_forward(
        dossier=dossier, actor=world.specialist_a, to_step="approve", at=at(7, 9)
    )
    assert forwarded.current_step.key == "approve"


def test_send_back_from_the_first_step_is_refused(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    with pytest.raises(Conflict) as caught:
        services.dossier_send_back(dossier=dossier, actor=world.specialist_a, note="Xem lại", at=at(7, 9))
    assert caught.value.code == "first_step"
    with pytest.raises(ApplicationError) as caught:
        services.dossier_send_back(dossier=dossier, actor=world.specialist_a, note=" ", at=at(7, 9))
    assert caught.value.code == "required"


def test_reassign_by_a_leader_or_supervisor_of_the_steps_unit(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    for outsider in (world.specialist_a, world.leader_b, world.intake_a):
        with pytest.raises(PermissionDenied):
            services.dossier_reassign(
                dossier=dossier, actor=outsider, assignee=world.specialist_a2, at=at(7, 9)
            )
    with pytest.raises(ApplicationError) as caught:
        services.dossier_reassign(dossier=dossier, actor=world.leader_a, assignee=world.intake_a, at=at(7, 9))
    assert caught.value.code == "invalid_assignee"

    dossier = services.dossier_reassign(
        dossier=dossier, actor=world.leader_a, assignee=world.specialist_a2, at=at(7, 9)
    )
    assert (dossier.assignee, dossier.current_step.assignee) == (world.specialist_a2, world.specialist_a2)
    assert dossier.events.get(kind="reassigned").data["to_assignee"] == world.specialist_a2.pk
    with pytest.raises(ApplicationError) as caught:
        services.dossier_reassign(
            dossier=dossier, actor=world.supervisor_a, assignee=world.specialist_a2, at=at(7, 10)
        )
    assert caught.value.code == "same_assignee"
    # Now only the assignee may forward.
    with pytest.raises(PermissionDenied):
        services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 10))
    dossier = services.dossier_reassign(
        dossier=dossier, actor=world.supervisor_a, assignee=world.specialist_a, at=at(7, 10)
    )
    assert (
        services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 11)).current_step.key
        == "approve"
    )


def test_approval_only_at_the_approval_step_by_its_leader(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    with pytest.raises(Conflict) as caught:
        services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 9))
    assert caught.value.code == "not_at_approval_step"
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 9))
    for outsider in (world.leader_b, world.specialist_a, world.supervisor_a):
        with pytest.raises(PermissionDenied):
            services.dossier_approve(dossier=dossier, actor=outsider, at=at(7, 10))
    assert services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 10)).status == S.RESOLVED


def test_an_electronic_result_is_returned_at_approval(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8), return_method="electronic")
    dossier = services.dossier_forward(dossier=dossier, actor=world.specialist_a, at=at(7, 9))
    dossier = services.dossier_approve(dossier=dossier, actor=world.leader_a, at=at(7, 10))
    assert (dossier.status, dossier.returned_at, dossier.result_returned_by) == (
        S.RETURNED,
        at(7, 10),
        "electronic",
    )
    assert list(dossier.events.order_by("sequence").values_list("kind", "actor", "from_status", "to_status"))[
        -2:
    ] == [
        ("approved", world.leader_a.pk, S.PROCESSING, S.RESOLVED),
        ("returned", None, S.RESOLVED, S.RETURNED),
    ]
    assert dossier.events.get(kind="returned").data["automatic"] is True
    assert dossier.version == 6
    assert not DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).exists()
