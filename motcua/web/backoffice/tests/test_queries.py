"""List pages make a bounded number of queries whatever the number of rows: 3 dossiers or 30, the same
ceiling."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.tests.helpers import PASSWORD, World, at, counter_received, online_submitted

pytestmark = pytest.mark.django_db


def _submitted(world: World, procedure: Procedure, count: int) -> None:
    for index in range(count):
        online_submitted(world, procedure, when=at(7, 8, index))


def _processing_for(world: World, procedure: Procedure, count: int) -> None:
    """`count` dossiers at the appraisal step, assigned to specialist A."""
    for index in range(count):
        dossier = counter_received(world, procedure, when=at(7, 9, index))
        services.dossier_reassign(
            dossier=dossier, actor=world.leader_a, assignee=world.specialist_a, at=at(7, 10)
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("rows", [3, 30])
def test_intake_dashboard_queries_do_not_grow_with_the_rows(
    client: Client, world: World, procedure: Procedure, rows: int, django_assert_max_num_queries: Any
) -> None:
    _submitted(world, procedure, rows)
    client.login(username=world.intake_a.username, password=PASSWORD)

    with django_assert_max_num_queries(22):
        response = client.get("/can-bo/?role=intake_officer")

    assert response.content.decode().count('href="/can-bo/ho-so/') == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_specialist_dashboard_queries_do_not_grow_with_the_rows(
    client: Client, world: World, procedure: Procedure, rows: int, django_assert_max_num_queries: Any
) -> None:
    _processing_for(world, procedure, rows)
    client.login(username=world.specialist_a.username, password=PASSWORD)

    with django_assert_max_num_queries(22):
        response = client.get("/can-bo/?role=specialist")

    html = response.content.decode()
    assert html.count("<tr class=") == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_reassignment_page_queries_do_not_grow_with_the_rows(
    client: Client, world: World, procedure: Procedure, rows: int, django_assert_max_num_queries: Any
) -> None:
    _processing_for(world, procedure, rows)
    client.login(username=world.leader_a.username, password=PASSWORD)

    with django_assert_max_num_queries(16):
        response = client.get(f"/can-bo/phan-cong/?absent={world.specialist_a.pk}")

    assert response.content.decode().count('href="/can-bo/ho-so/') == rows


def test_the_same_count_for_3_and_30_dossiers(client: Client, world: World, procedure: Procedure) -> None:
    client.login(username=world.intake_a.username, password=PASSWORD)
    _submitted(world, procedure, 3)
    few = _queries(client, "/can-bo/?role=intake_officer")
    _submitted(world, procedure, 27)

    many = _queries(client, "/can-bo/?role=intake_officer")

    assert many == few
