"""The work queues read their pages through indexes: on a generated history, the database's plan of every
lane query (first page and a later one) scans an index of the dossiers, never the whole table."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Role
from motcua.dossiers.queues import work_queue
from motcua.dossiers.synthetic import generate
from motcua.dossiers.tests.helpers import Step, World, at, make_procedure

pytestmark = pytest.mark.django_db

UNTIL = at(18, 16)
DOSSIERS = 12_000 if connection.vendor == "postgresql" else 3_000


@pytest.fixture
def history(world: World) -> None:
    make_procedure(world, amount=3, unit="working_days")
    make_procedure(
        world,
        code="1.013225.000.00.00.H15",
        amount=5,
        unit="working_days",
        steps=[
            Step("tiep-nhan", "intake_officer", "receiving", 30, ["receive"]),
            Step(
                "tham-dinh", "specialist", "competent", 900, ["appraise", "request_supplement"], ["tiep-nhan"]
            ),
            Step("ky-duyet", "leader", "competent", 240, ["approve"], ["tham-dinh"]),
            Step("tra-ket-qua", "intake_officer", "receiving", 120, ["return_result"], ["ky-duyet"]),
        ],
    )
    with transaction.atomic():
        generate(count=DOSSIERS, seed=17, until=UNTIL, days=120)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def dossier_queries(call: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries if 'FROM "dossiers_dossier"' in query["sql"]]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN ANALYZE " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def reads_through_an_index(text: str) -> bool:
    """An index of the dossiers is scanned, and (PostgreSQL) it is not walked end to end with a filter: an
    "Index Scan using dossiers_dossier_pkey" that removes most rows by its filter is a full scan too."""
    if connection.vendor == "postgresql":
        removed = [int(number) for number in re.findall(r"Rows Removed by Filter: (\d+)", text)]
        return (
            "Seq Scan on dossiers_dossier" not in text
            and re.search(r"Index (Only )?Scan.*dossier", text) is not None
            and all(number < DOSSIERS // 10 for number in removed)
        )
    full_scans = [
        line for line in text.splitlines() if re.search(r"\bSCAN dossiers_dossier\b(?! USING)", line)
    ]
    return not full_scans and "USING" in text and "dossiers_dossier" in text


QUEUES = [
    ("intake_a", Role.INTAKE_OFFICER),
    ("specialist_a", Role.SPECIALIST),
    ("leader_a", Role.LEADER),
    ("supervisor_a", Role.SUPERVISOR),
]


def test_every_lane_of_every_queue_reads_an_index(world: World, history: None) -> None:
    checked = 0
    for who, role in QUEUES:
        user = getattr(world, who)
        for order in ("due", "received"):
            first = work_queue(user=user, role=role, order=order, now=UNTIL, limit=20)
            assert first.items, f"the generated history has dossiers waiting on {role}"
            page = partial(work_queue, user=user, role=role, order=order, now=UNTIL, limit=20)
            queries = dossier_queries(page)
            if first.next_cursor:
                queries += dossier_queries(partial(page, after=first.next_cursor))
            for sql in queries:
                text = plan(sql)
                assert reads_through_an_index(text), f"{role} {order}:\n{sql}\n{text}"
                checked += 1
    assert checked >= 16
