"""Appends lock only their partition's chain head: other partitions never wait; one partition stays a chain.

On PostgreSQL the appends run in threads, each with its own connection and transaction. SQLite serialises
every write transaction of the database, so there the same appends run one after another and the tests
check what still holds: each partition's chain is independent and complete.
"""

import datetime
import threading
from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from motcua.core.audit import audit_log, audit_verify
from motcua.core.models import AuditChainHead, AuditRecord

UNIT_A, UNIT_B = 201, 202
NOW = datetime.datetime(2026, 11, 22, 3, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 11, 22)
THREADS, APPENDS_PER_THREAD = 8, 10

pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def group() -> Group:
    return Group.objects.create(name="Tổ tiếp nhận")


def append(group: Group, unit: int, step: int) -> None:
    with transaction.atomic():
        audit_log(
            actor=None, action="update", obj=group, before={"step": step}, after={"step": step + 1}, unit=unit
        )


def in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 (reported by the test, not lost in the thread)
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def sequences(unit: int) -> list[int]:
    return list(
        AuditRecord.objects.filter(partition_unit=unit, partition_day=DAY)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )


def test_an_append_in_another_partition_does_not_wait_while_one_in_the_same_partition_does(
    group: Group,
) -> None:
    if not on_postgresql:
        append(group, UNIT_A, 0)
        append(group, UNIT_B, 0)
        append(group, UNIT_A, 1)
    else:
        errors: list[BaseException] = []
        holding, release = threading.Event(), threading.Event()

        def hold_partition_a() -> None:
            with transaction.atomic():
                audit_log(actor=None, action="create", obj=group, before=None, after={"step": 0}, unit=UNIT_A)
                holding.set()
                release.wait(10)

        holder = in_thread(hold_partition_a, errors)
        assert holding.wait(10)

        other_partition = in_thread(lambda: append(group, UNIT_B, 0), errors)
        other_partition.join(5)
        same_partition = in_thread(lambda: append(group, UNIT_A, 1), errors)
        same_partition.join(0.5)

        assert not other_partition.is_alive()  # done while partition A's head is still locked
        assert same_partition.is_alive()  # waiting for partition A's head
        release.set()
        holder.join(10)
        same_partition.join(10)
        assert not same_partition.is_alive()
        assert errors == []

    assert sequences(UNIT_A) == [1, 2]
    assert sequences(UNIT_B) == [1]
    assert audit_verify().findings == []


def test_concurrent_appends_in_one_partition_stay_one_valid_chain(group: Group) -> None:
    total = THREADS * APPENDS_PER_THREAD

    def appends(worker: int) -> Callable[[], None]:
        def run() -> None:
            start.wait(10)
            for step in range(APPENDS_PER_THREAD):
                append(group, UNIT_A, worker * 100 + step)

        return run

    if not on_postgresql:
        for worker in range(THREADS):
            for step in range(APPENDS_PER_THREAD):
                append(group, UNIT_A, worker * 100 + step)
    else:
        errors: list[BaseException] = []
        start = threading.Barrier(THREADS)
        threads = [in_thread(appends(worker), errors) for worker in range(THREADS)]
        for thread in threads:
            thread.join(60)
        assert errors == []

    assert sequences(UNIT_A) == list(range(1, total + 1))
    head = AuditChainHead.objects.get(partition_unit=UNIT_A, partition_day=DAY)
    assert head.last_sequence == total
    assert head.last_hash == AuditRecord.objects.get(partition_unit=UNIT_A, sequence=total).hash
    report = audit_verify()
    assert (report.partitions, report.records, report.findings) == (1, total, [])
