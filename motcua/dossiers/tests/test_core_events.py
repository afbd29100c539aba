"""Each action appends one numbered event, writes one outbox row `dossier.<kind>` carrying the event and one
audit record, and bumps the version; a stale version is refused (docs/EVENTS.md)."""

import json
import logging
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict
from motcua.core.models import AuditRecord, OutboxEvent
from motcua.dossiers import services
from motcua.dossiers.events import event_payload
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatusCounter
from motcua.dossiers.tests.helpers import World, at, counter_received

S = Dossier.Status


def test_the_whole_life_numbers_its_events_and_mirrors_them_in_the_outbox(
    world: World, procedure: Any
) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    versions = [dossier.version]
    dossier = services.dossier_forward(
        dossier=dossier, actor=world.specialist_a, expected_version=3, at=at(7, 14)
    )
    versions.append(dossier.version)
    dossier = services.dossier_approve(dossier=dossier, actor=world.leader_a, expected_version=4, at=at(8, 8))
    versions.append(dossier.version)
    dossier = services.dossier_return_result(
        dossier=dossier, actor=world.intake_a, method="counter", expected_version=5, at=at(8, 9)
    )
    versions.append(dossier.version)
    assert versions == [3, 4, 5, 6]

    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("sequence"))
    assert [
        (e.sequence, e.kind, e.actor_id, e.from_status, e.to_status, e.schema_version) for e in events
    ] == [
        (1, "created", world.intake_a.pk, "", S.DRAFT, 1),
        (2, "submitted", world.intake_a.pk, S.DRAFT, S.SUBMITTED, 1),
        (3, "received", world.intake_a.pk, S.SUBMITTED, S.PROCESSING, 1),
        (4, "forwarded", world.specialist_a.pk, S.PROCESSING, S.PROCESSING, 1),
        (5, "approved", world.leader_a.pk, S.PROCESSING, S.RESOLVED, 1),
        (6, "returned", world.intake_a.pk, S.RESOLVED, S.RETURNED, 1),
    ]
    outbox = sorted(
        OutboxEvent.objects.filter(aggregate_type__model="dossier", aggregate_id=str(dossier.pk)),
        key=lambda row: row.payload["event"],
    )
    assert [(row.kind, row.payload["event"]) for row in outbox] == [
        (f"dossier.{event.kind}", event.sequence) for event in events
    ]
    assert [row.aggregate_type.model for row in outbox] == ["dossier"] * 6
    audits = list(
        AuditRecord.objects.filter(object_type__model="dossier", object_id=str(dossier.pk)).order_by("id")
    )
    assert [(a.action, a.actor_id, a.partition_unit) for a in audits] == [
        (event.kind, event.actor_id, world.centre_a.pk) for event in events
    ]
    assert audits[2].after["code"] == "H15.50.05.13-261207-0001"
    assert audits[2].before["status"] == S.SUBMITTED


def test_the_received_event_payload(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    event = dossier.events.get(kind="received")
    step = dossier.current_step
    expected = {
        "schema_version": 1,
        "event": 3,
        "kind": "received",
        "at": "2026-12-07T10:00:00+07:00",
        "actor": world.intake_a.pk,
        "from_status": "submitted",
        "to_status": "processing",
        "dossier": {
            "public_id": str(dossier.public_id),
            "code": "H15.50.05.13-261207-0001",
            "procedure": procedure.pk,
            "procedure_version": procedure.latest_version.pk,
            "channel": "1",
            "receiving_unit": world.centre_a.pk,
            "competent_unit": world.commune_a.pk,
            "version": 3,
        },
        "data": {
            "code": "H15.50.05.13-261207-0001",
            "channel": "1",
            "received_at": "2026-12-07T10:00:00+07:00",
            "receive_due_at": None,
            "received_late": False,
            "clock_started_at": "2026-12-07T10:00:00+07:00",
            "clock_start_rule": "receipt",
            "appointment_at": "2026-12-08T10:00:00+07:00",
            "due_at": "2026-12-08T10:00:00+07:00",
            "time_limit": {
                "amount": "8.00",
                "unit": "working_hours",
                "convention": "hours",
                "supplement_clock": "pause",
            },
            "steps": [
                {
                    "sequence": 1,
                    "key": "appraise",
                    "name": "Thẩm định hồ sơ",
                    "role": "specialist",
                    "unit": world.commune_a.pk,
                    "assignee": None,
                    "started_at": "2026-12-07T10:00:00+07:00",
                    "due_at": None,
                    "finished_at": None,
                    "outcome": "",
                    "timeliness": "",
                }
            ],
        },
    }
    row = OutboxEvent.objects.get(kind="dossier.received")
    assert row.payload == expected
    assert (
        event_payload(DossierEvent.objects.get(pk=event.pk), Dossier.objects.get(pk=dossier.pk)) == expected
    )
    assert step.name == "Thẩm định hồ sơ"


def test_personal_id_numbers_stay_out_of_events_outbox_audit_and_logs(
    world: World, procedure: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        dossier = counter_received(world, procedure, when=at(7, 10))
    assert dossier.applicant_identifier == "025085009999"
    texts = [json.dumps(row.payload) for row in OutboxEvent.objects.all()]
    texts += [json.dumps(e.data) for e in DossierEvent.objects.all()]
    texts += [json.dumps([a.before, a.after]) for a in AuditRecord.objects.all()]
    texts += [caplog.text]
    assert all("025085009999" not in text for text in texts)
    assert "dossier_received" in caplog.text


def test_a_stale_version_is_refused_and_changes_nothing(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    with translation.override("vi"), pytest.raises(Conflict) as caught:
        services.dossier_forward(dossier=dossier, actor=world.specialist_a, expected_version=2, at=at(7, 11))
    assert (caught.value.code, caught.value.status, caught.value.extra) == (
        "stale_version",
        409,
        {"version": 3},
    )
    with translation.override("vi"):
        assert str(caught.value.message) == (
            "Hồ sơ đã được người khác cập nhật sau khi bạn mở (hiện là phiên bản 3, "
            "bạn đang xem phiên bản 2). Hãy tải lại hồ sơ và thực hiện lại."
        )
    assert Dossier.objects.get(pk=dossier.pk).version == 3
    assert DossierEvent.objects.filter(dossier=dossier).count() == 3


def test_the_counters_follow_every_change_of_state(world: World, procedure: Any) -> None:
    def counts() -> dict[tuple[str, int, str], int]:
        return {
            (row.part, row.unit_id, row.status): row.value
            for row in DossierStatusCounter.objects.exclude(value=0)
        }

    first = counter_received(world, procedure, when=at(7, 10))
    counter_received(world, procedure, when=at(7, 11))
    assert counts() == {
        ("receiving", world.centre_a.pk, S.PROCESSING): 2,
        ("competent", world.commune_a.pk, S.PROCESSING): 2,
    }
    services.dossier_reject(dossier=first, actor=world.leader_a, reason="Không đủ điều kiện", at=at(7, 14))
    assert counts() == {
        ("receiving", world.centre_a.pk, S.PROCESSING): 1,
        ("receiving", world.centre_a.pk, S.REJECTED): 1,
        ("competent", world.commune_a.pk, S.PROCESSING): 1,
        ("competent", world.commune_a.pk, S.REJECTED): 1,
    }
    # A counter intake moves the counters once, from nothing to processing: no draft or submitted row.
    assert DossierStatusCounter.objects.filter(status__in=[S.DRAFT, S.SUBMITTED]).count() == 0
