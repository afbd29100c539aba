"""What does audit_log cost? Writes per second of audit_log against a plain insert of the same row.

    .venv/bin/python bench/audit.py                     # SQLite (a fresh file in a temporary directory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench .venv/bin/python bench/audit.py

The baseline inserts an AuditRecord with the same content through `Model.objects.create`: same table,
same row size, same indexes; only the chain (lock the partition head, hash, update the head) differs.
Each is measured with one transaction per write (a web request) and with 100 writes per transaction
(a batch). On PostgreSQL it also runs 4 threads appending to 4 partitions, then to a single one.
Runs in a throw-away test database, created and destroyed by Django's test machinery.
"""

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.test_settings")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.core.audit import audit_log, changed_fields  # noqa: E402
from motcua.core.models import AuditRecord  # noqa: E402

WRITES = int(os.environ.get("BENCH_WRITES", "2000"))
BATCH = 100
THREADS = 4
BEFORE = {"id": 1, "name": "Sở Tư pháp", "short_name": "", "level": "province", "is_active": True}
AFTER = {
    "id": 1,
    "name": "Sở Tư pháp tỉnh Lào Cai",
    "short_name": "STP",
    "level": "province",
    "is_active": True,
}


def rate(writes: int, run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return writes / (time.perf_counter() - start)


class Plain:
    """The baseline: the same row, inserted without the chain (each in its own partition slot)."""

    def __init__(self, group: Group) -> None:
        self.group = group
        self.object_type = ContentType.objects.get_for_model(Group)
        self.sequence = 0

    def write(self) -> None:
        self.sequence += 1
        AuditRecord.objects.create(
            partition_unit=999_999,
            partition_day=timezone.localdate(),
            sequence=self.sequence,
            occurred_at=timezone.now(),
            actor_label="system",
            action="update",
            object_type=self.object_type,
            object_id=str(self.group.pk),
            object_repr=str(self.group),
            before=BEFORE,
            after=AFTER,
            changed_fields=changed_fields(BEFORE, AFTER),
            prev_hash="0" * 64,
            hash="0" * 64,
        )


def audited(group: Group, unit: int) -> None:
    audit_log(actor=None, action="update", obj=group, before=BEFORE, after=AFTER, unit=unit)


def one_per_transaction(write: Callable[[], None], count: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(count):
            with transaction.atomic():
                write()

    return run


def batched(write: Callable[[], None], count: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(count // BATCH):
            with transaction.atomic():
                for _ in range(BATCH):
                    write()

    return run


def threaded(units: list[int], group: Group, count: int) -> float:
    def worker(unit: int) -> None:
        try:
            one_per_transaction(lambda: audited(group, unit), count)()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(unit,)) for unit in units]

    def run() -> None:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    return rate(count * len(units), run)


def main() -> None:
    setup_test_environment()
    database = connection.settings_dict
    if connection.vendor == "sqlite":  # a file, as in production, not the test runner's in-memory database
        database["TEST"]["NAME"] = str(Path(tempfile.mkdtemp(prefix="motcua-bench-")) / "bench.sqlite3")
    old_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        group = Group.objects.create(name="Sở Tư pháp")
        plain = Plain(group)
        print(f"{connection.vendor}, {WRITES} writes each")
        for label, shape in (
            ("1 write/transaction", one_per_transaction),
            (f"{BATCH} writes/transaction", batched),
        ):
            baseline = rate(WRITES, shape(plain.write, WRITES))
            chained = rate(WRITES, shape(lambda: audited(group, 1), WRITES))
            print(
                f"  {label:22} plain create {baseline:8.0f}/s   audit_log {chained:8.0f}/s   "
                f"ratio {chained / baseline:.2f}"
            )
        if connection.vendor == "postgresql":
            per_thread = WRITES // THREADS
            apart = threaded([10 + n for n in range(THREADS)], group, per_thread)
            together = threaded([20] * THREADS, group, per_thread)
            print(
                f"  {THREADS} threads, 1 write/transaction: {THREADS} partitions {apart:8.0f}/s   "
                f"1 partition {together:8.0f}/s"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
