"""Set-up and checks of the fault tests, run inside the installation under test:

    python -m tests.faults.probe world          the test world (units, users, a procedure) and API tokens
    python -m tests.faults.probe dossiers       what the database holds about dossiers, files and keys
    python -m tests.faults.probe counter N      N counter intakes through the services (events to consume)
    python -m tests.faults.probe consumers      what the outbox consumers made of those events
    python -m tests.faults.probe redeliver      the periodic re-delivery, now, for every undelivered event
    python -m tests.faults.probe catch_up       the slips' periodic catch-up, now, for every missing slip

Each prints one JSON line. The environment (DATABASE_URL, MOTCUA_VAR_DIR, MEDIA_ROOT…) is the one the
harness gives every process of the installation, so this sees what the server and the worker see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import django


def world() -> dict[str, Any]:
    from motcua.accounts.services import api_token_create
    from motcua.dossiers.tests.helpers import build_world, make_procedure

    built = build_world()
    procedure = make_procedure(built)  # type: ignore[arg-type]

    def token(user: Any) -> str:
        return api_token_create(actor=user, owner=user, name="fault tests")[1]

    return {
        "citizen": token(built.citizen),
        "intake": token(built.intake_a),
        "procedure": procedure.code,
        "centre": built.centre_a.pk,
    }


def dossiers() -> dict[str, Any]:
    from django.conf import settings

    from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, IdempotencyRecord, StoredFile

    kinds: dict[int, list[str]] = defaultdict(list)
    for dossier_id, kind in DossierEvent.objects.order_by("dossier_id", "sequence").values_list(
        "dossier_id", "kind"
    ):
        kinds[dossier_id].append(kind)
    components: dict[int, list[str | None]] = defaultdict(list)
    for dossier_id, sha in DossierComponent.objects.order_by("dossier_id", "position").values_list(
        "dossier_id", "file__sha256"
    ):
        components[dossier_id].append(sha)
    shapes: Counter[str] = Counter()
    rows = list(Dossier.objects.values_list("pk", "public_id", "status", "code", "code_agency", "code_day"))
    codes: dict[str, list[int]] = defaultdict(list)
    for pk, _public_id, status, code, agency, day in rows:
        shapes[json.dumps([status, kinds[pk], len(components[pk]), all(components[pk])])] += 1
        if code:
            codes[f"{agency}-{day}"].append(int(code.rsplit("-", 1)[1]))
    root = Path(settings.MEDIA_ROOT)
    files = {}
    for stored in StoredFile.objects.all():
        path = root / stored.name
        files[stored.sha256] = (
            path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == stored.sha256
        )
    on_disk = sorted(p.name for p in (root / "files").rglob("*") if p.is_file()) if root.exists() else []
    return {
        "count": len(rows),
        "distinct_ids": len({str(row[1]) for row in rows}),
        "shapes": dict(shapes),
        "codes": {key: sorted(values) for key, values in codes.items()},
        "component_files": sorted({sha for shas in components.values() for sha in shas if sha}),
        "stored_files": files,
        "on_disk": on_disk,
        "unanswered_keys": IdempotencyRecord.objects.filter(status_code__isnull=True).count(),
        "keys": IdempotencyRecord.objects.count(),
    }


def counter(total: int) -> dict[str, Any]:
    """`total` walk-ins received at commune A's counter, each with its outbox events (not consumed here:
    the task queue is the installation's, its worker consumes them)."""
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.catalog.models import Procedure
    from motcua.dossiers.inputs import Applicant
    from motcua.dossiers.services import counter_intake

    officer = User.objects.get(username="tiepnhan.a")
    procedure = Procedure.objects.get()
    centre = officer.grants.get().unit
    for n in range(total):
        counter_intake(
            actor=officer,
            procedure=procedure,
            applicant=Applicant(
                name=f"Người nộp {n}",
                identifier="025085009999",
                address="Thôn 3, xã Ea Kar",
                phone="0987654321",
                email=f"nguoinop{n}@example.vn",
            ),
            receiving_unit=centre,
            form_data={},
            components=[],
            return_method="counter",
            at=timezone.now() - dt.timedelta(minutes=1),
        )
    return {"created": total}


def consumers() -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count

    from motcua.core.models import OutboxEvent
    from motcua.dossiers.models import Dossier, DossierEvent, DossierSlip
    from motcua.kpi.counters import ProcessedEvent, all_counter_rows
    from motcua.kpi.recompute import recompute
    from motcua.notifications.models import Notification

    kept = all_counter_rows()
    with transaction.atomic():
        recompute(jobs=1)
        rebuilt = all_counter_rows()
        transaction.set_rollback(True)
    differ = sorted(
        f"{table} {key}: {kept.get(table, {}).get(key)} != {rebuilt.get(table, {}).get(key)}"
        for table in set(kept) | set(rebuilt)
        for key in set(kept.get(table, {})) | set(rebuilt.get(table, {}))
        if kept.get(table, {}).get(key) != rebuilt.get(table, {}).get(key)
    )
    per_event = Counter(
        Notification.objects.values_list("source_event", "channel")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    return {
        "events": OutboxEvent.objects.filter(kind__startswith="dossier.").count(),
        "undelivered": OutboxEvent.objects.filter(delivered_at__isnull=True).count(),
        "dossiers": Dossier.objects.count(),
        "dossier_events": DossierEvent.objects.count(),
        "processed": ProcessedEvent.objects.count(),
        "counter_rows": sum(len(rows) for rows in kept.values()),
        "counters_differ": differ[:20],
        "notifications": Notification.objects.count(),
        "notifications_per_event_and_channel": {str(k): v for k, v in per_event.items()},
        "notification_status": dict(Counter(Notification.objects.values_list("status", flat=True))),
        "notified_events": Notification.objects.values("source_event").distinct().count(),
        "slips": dict(Counter(DossierSlip.objects.values_list("form", flat=True))),
        "slip_events": DossierSlip.objects.order_by().values("event").distinct().count(),
    }


def redeliver() -> dict[str, Any]:
    from django.utils import timezone

    from motcua.core.outbox import REDELIVERY_DELAY, outbox_redeliver_due
    from motcua.notifications.services import RETRY_DELAY, notifications_retry_due

    later = timezone.now() + max(REDELIVERY_DELAY, RETRY_DELAY) + dt.timedelta(seconds=1)
    delivered = 0
    while count := outbox_redeliver_due(now=later):
        delivered += count
    return {"delivered": delivered, "notifications_sent": notifications_retry_due(now=later)}


def catch_up() -> dict[str, Any]:
    """The slips' periodic catch-up, now, for every slip still missing (its task died with the worker)."""
    from django.utils import timezone

    from motcua.dossiers.slips.services import CATCH_UP_DELAY, slips_catch_up

    later = timezone.now() + CATCH_UP_DELAY + dt.timedelta(seconds=1)
    issued = 0
    while count := slips_catch_up(now=later):
        issued += count
    return {"slips_issued": issued}


def main() -> None:
    django.setup()
    command, *args = sys.argv[1:]
    result = {
        "world": world,
        "dossiers": dossiers,
        "counter": lambda: counter(int(args[0])),
        "consumers": consumers,
        "redeliver": redeliver,
        "catch_up": catch_up,
    }[command]()
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
