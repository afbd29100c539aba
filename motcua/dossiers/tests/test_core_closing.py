"""The end of a dossier: rejection, return of the result, stop (Form 05) and withdrawal."""

from typing import Any

import pytest

from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.tests.helpers import REASON, World, at, counter_received, in_state

S = Dossier.Status


def test_rejection_is_final_and_closes_the_open_step(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 8))
    for outsider in (world.leader_b, world.specialist_a, world.intake_a):
        with pytest.raises(PermissionDenied):
            services.dossier_reject(dossier=dossier, actor=outsider, reason=REASON, at=at(7, 9))
    dossier = services.dossier_reject(
        dossier=dossier, actor=world.leader_a, reason="Không đủ điều kiện", at=at(7, 9)
    )
    assert (dossier.status, dossier.ended_at, dossier.end_reason, dossier.current_step, dossier.assignee) == (
        S.REJECTED,
        at(7, 9),
        "Không đủ điều kiện",
        None,
        None,
    )
    assert list(DossierStep.objects.filter(dossier=dossier).values_list("key", "outcome", "finished_by")) == [
        ("appraise", "rejected", world.leader_a.pk)
    ]
    event = dossier.events.get(kind="rejected")
    assert (event.data["reason"], event.data["end_status"]) == ("Không đủ điều kiện", "rejected")


def test_return_of_the_result_by_an_intake_officer(world: World, procedure: Any) -> None:
    dossier = in_state(world, procedure, S.RESOLVED)
    for outsider in (world.intake_b, world.leader_a, world.citizen):
        with pytest.raises(PermissionDenied):
            services.dossier_return_result(dossier=dossier, actor=outsider, method="counter", at=at(7, 15))
    with pytest.raises(ApplicationError) as caught:
        services.dossier_return_result(dossier=dossier, actor=world.intake_a, method="drone", at=at(7, 15))
    assert (caught.value.code, set(caught.value.fields)) == ("invalid", {"method"})
    dossier = services.dossier_return_result(
        dossier=dossier, actor=world.intake_a, method="authorised", at=at(7, 15)
    )
    assert (dossier.status, dossier.returned_at, dossier.result_returned_by) == (
        S.RETURNED,
        at(7, 15),
        "authorised",
    )
    assert dossier.events.get(kind="returned").data["automatic"] is False


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.SUPPLEMENT_AT_INTAKE, S.PROCESSING, S.WAITING_SUPPLEMENT, S.RESOLVED]
)
def test_stop_at_the_applicants_request_from_any_open_state(
    world: World, procedure: Any, status: str
) -> None:
    dossier = in_state(world, procedure, status)
    with pytest.raises(PermissionDenied):
        services.dossier_stop(dossier=dossier, actor=world.intake_b, reason="Đề nghị dừng", at=at(7, 15))
    with pytest.raises(PermissionDenied):
        services.dossier_stop(dossier=dossier, actor=world.citizen, reason="Đề nghị dừng", at=at(7, 15))
    stopped = services.dossier_stop(
        dossier=dossier, actor=world.intake_a, reason="Đề nghị dừng", at=at(7, 15)
    )
    assert (stopped.status, stopped.stop_kind, stopped.stopped_at, stopped.end_reason) == (
        S.STOPPED,
        "stopped",
        at(7, 15),
        "Đề nghị dừng",
    )
    # The end of processing stays the first end: a resolved dossier ended at its resolution.
    assert stopped.ended_at == (at(7, 11) if status == S.RESOLVED else at(7, 15))
    assert not DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).exists()
    assert stopped.events.get(kind="stopped").data["stop_kind"] == "stopped"


@pytest.mark.parametrize("status", [S.SUBMITTED, S.SUPPLEMENT_AT_INTAKE, S.WAITING_SUPPLEMENT])
def test_withdrawal_by_the_applicant(world: World, procedure: Any, status: str) -> None:
    dossier = in_state(world, procedure, status)
    for outsider in (world.other_citizen, world.intake_a):
        with pytest.raises(PermissionDenied):
            services.dossier_withdraw(
                dossier=dossier, actor=outsider, reason="Không còn nhu cầu", at=at(7, 15)
            )
    withdrawn = services.dossier_withdraw(
        dossier=dossier, actor=world.citizen, reason="Không còn nhu cầu", at=at(7, 15)
    )
    assert (withdrawn.status, withdrawn.stop_kind, withdrawn.ended_at) == (S.STOPPED, "withdrawn", at(7, 15))
    assert withdrawn.events.order_by("-sequence").first().kind == "withdrawn"


def test_a_walk_ins_dossier_cannot_be_withdrawn_by_anyone_online(world: World, procedure: Any) -> None:
    dossier = services.dossier_ask_supplement(
        dossier=counter_received(world, procedure, when=at(7, 8)),
        actor=world.specialist_a,
        items=["Giấy chứng sinh"],
        reason=REASON,
        at=at(7, 9),
    )
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(
            dossier=dossier, actor=world.citizen, reason="Không còn nhu cầu", at=at(7, 10)
        )
    # The counter stops it at the applicant's request instead (Form 05).
    assert (
        services.dossier_stop(dossier=dossier, actor=world.intake_a, reason="Rút hồ sơ", at=at(7, 10)).status
        == S.STOPPED
    )
