"""kill -9 of the task worker (`manage.py worker`, the Huey consumer, with its threads) while it consumes
the outbox events of a few hundred counter intakes: the KPI counters, the applicants' notifications, the
receipt slips.

Delivery is at least once: an event whose task died with the worker is delivered again by the periodic
re-delivery (run here at once, as `outbox_redeliver` does every minute: the test does not wait for the
clock). Every consumer deduplicates by event id, so each event takes effect exactly once: the counters
equal a recompute from the events, one notification per (event, channel), each sent, or left `sending`
when the worker died during the gateway call (at most once by design: motcua.notifications.services).

The receipt slip (Form 01) is issued by a Huey task queued after the delivery's commit; a worker killed
while that task runs loses it, and the outbox event is already delivered (a defect this test found). The
slips' periodic catch-up (`motcua.dossiers.slips.services.slips_catch_up`, every minute, run here at once
after the worker stopped) issues what is missing: every slip is issued exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import pytest

from tests.faults.harness import Chaos, Site, Worker

pytestmark = pytest.mark.slow

DOSSIERS = 200
EVENTS = 3 * DOSSIERS  # created, submitted, received
NOTIFICATIONS = 2 * DOSSIERS  # the receipt's e-mail and SMS
TASKS = EVENTS + NOTIFICATIONS
KILLS = 3
SETTLE_SECONDS = 240


def _count(site: Site, sql: str) -> int:
    with psycopg.connect(site.database_url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _delivered(site: Site) -> int:
    return _count(site, "SELECT count(*) FROM core_outboxevent WHERE delivered_at IS NOT NULL")


def _done(site: Site) -> int:
    """Events delivered and notifications sent: the kills are spread over both kinds of task."""
    return _delivered(site) + _count(
        site, "SELECT count(*) FROM notifications_notification WHERE status = 'sent'"
    )


def _settle(progress: Callable[[], int], *, target: int, quiet: float, timeout: float) -> int:
    """Wait until `progress()` reaches `target` or stops moving for `quiet` seconds; its last value."""
    deadline = time.monotonic() + timeout
    last, since = progress(), time.monotonic()
    while last < target and time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.5)
        now = progress()
        if now != last:
            last, since = now, time.monotonic()
    return last


def test_the_worker_killed_while_consuming_events_makes_each_event_count_once(fault_site: Site) -> None:
    site = fault_site
    site.probe("world")
    # The events are written and queued with nobody consuming them yet.
    assert site.probe("counter", str(DOSSIERS)) == {"created": DOSSIERS}
    assert _delivered(site) == 0
    worker = Worker(site, workers=2)
    worker.start()
    try:
        with Chaos(
            worker.crash,
            total=TASKS,
            progress=lambda: _done(site),
            faults=KILLS,
            seed=3,
            jitter=0.5,
            poll=0.2,
        ):
            _settle(lambda: _done(site), target=TASKS, quiet=15, timeout=SETTLE_SECONDS)
        # What died with a killed worker is still undelivered (or unsent): the periodic tasks' functions,
        # run now rather than at the next minute, deliver it; the worker consumes what they queue.
        redelivered = site.probe("redeliver")
        _settle(lambda: _done(site), target=TASKS, quiet=15, timeout=SETTLE_SECONDS)
    finally:
        worker.stop()
    caught_up = site.probe("catch_up")
    consumed = site.probe("consumers")
    print(consumed)  # noqa: T201

    assert worker.kills == KILLS
    assert (consumed["events"], consumed["undelivered"], consumed["dossiers"]) == (EVENTS, 0, DOSSIERS)
    # KPI: each dossier event folded once, the counters equal to a recompute from the events.
    assert (consumed["dossier_events"], consumed["processed"]) == (EVENTS, EVENTS)
    assert consumed["counters_differ"] == []
    assert consumed["counter_rows"] > 0
    # Notifications: the receipt's e-mail and SMS for each dossier, once each, all sent.
    assert consumed["notifications"] == 2 * DOSSIERS
    assert consumed["notifications_per_event_and_channel"] == {"1": 2 * DOSSIERS}
    status = consumed["notification_status"]
    assert set(status) <= {"sent", "sending"}, status
    assert status.get("sending", 0) <= KILLS * 2
    assert consumed["notified_events"] == DOSSIERS
    # Slips: the receipt (Form 01) of every dossier, once (unique per event and form); those whose task died
    # with the worker were issued by the catch-up.
    assert consumed["slips"] == {"01": DOSSIERS}
    assert consumed["slip_events"] == DOSSIERS
    print(  # noqa: T201 (the figures the report quotes)
        f"worker starts {[round(s, 1) for s in worker.starts]} s; redelivered after the kills: {redelivered};"
        f" slips caught up: {caught_up}"
    )
