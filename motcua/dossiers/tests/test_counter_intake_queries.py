"""A counter intake costs a fixed number of queries (issue 5, performance): the three actions share what
they read (procedure version, units, the draft itself), the row is written once and the counters moved
once. The counts are exact so that an N+1 or a repeated lookup shows up as a failure here."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatusCounter
from motcua.dossiers.tests.api_support import BASE, Api, dossier_payload, freeze
from motcua.dossiers.tests.helpers import World, at, counter_received

pytestmark = pytest.mark.django_db

# Service (one component): the role, the procedure version with its methods, fees and e-forms, the units
# of the procedure, the draft and its component, three events each with its audit record (3 queries: the
# audit chain) and outbox row, the required documents, the code, the calendars, the first step, the row
# updated once, two counters, the savepoint. Over HTTP it was 96 before the three actions shared their reads.
SERVICE_QUERIES = 46
# Over HTTP: token, idempotency record and its answer, procedure, receiving unit, the answer's reads
# (dossier, clock, components, steps) and their savepoints; the claim shares the action's transaction
# (one savepoint more than when it was committed on its own: 65).
HTTP_QUERIES = 67


def test_a_counter_intake_costs_a_fixed_number_of_queries(
    world: World, procedure: Procedure, django_assert_num_queries: Any
) -> None:
    counter_received(world, procedure, when=at(7, 9))  # the counters' rows exist from now on
    with django_assert_num_queries(SERVICE_QUERIES):
        dossier = counter_received(world, procedure, when=at(7, 10))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.code, dossier.version) == (
        Dossier.Status.PROCESSING,
        "H15.50.05.13-261207-0002",
        3,
    )
    assert list(dossier.events.order_by("sequence").values_list("sequence", "kind")) == [
        (1, DossierEvent.Kind.CREATED),
        (2, DossierEvent.Kind.SUBMITTED),
        (3, DossierEvent.Kind.RECEIVED),
    ]
    counters = DossierStatusCounter.objects.filter(unit=world.centre_a, part="receiving", value__gt=0)
    assert dict(counters.values_list("status", "value")) == {"processing": 2}


def test_a_counter_intake_over_http_costs_a_fixed_number_of_queries(
    world: World, procedure: Procedure, monkeypatch: Any, django_assert_num_queries: Any
) -> None:
    freeze(monkeypatch, at(7, 9))
    officer = Api(world.intake_a)
    first = officer.post(BASE, dossier_payload(world, procedure, receive=True), **{"Idempotency-Key": "k-1"})
    with django_assert_num_queries(HTTP_QUERIES):
        answer = officer.post(
            BASE, dossier_payload(world, procedure, receive=True), **{"Idempotency-Key": "k-2"}
        )

    assert (first.status, answer.status, answer.body["status"]) == (201, 201, "processing")
    assert answer.body["code"] == "H15.50.05.13-261207-0002"
