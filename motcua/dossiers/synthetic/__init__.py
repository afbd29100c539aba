"""Synthetic dossier history for benchmarks and load tests (`motcua generate`).

Realistic in shape, fast to load, deterministic for a seed (and an end moment, on the same starting
database): units, staff and procedures are those of the demo (`motcua demo`); each procedure is received
at the centres that may receive it, through the channels and return methods it offers; each dossier lives
through the state machine of issue 5 as the services would have driven it (the same events with the same
data keys, the steps of the procedure's internal process, the clock rules of ADR 0008 and LEGAL.md §3),
and stops where the end moment finds it, so that recent dossiers are still open, waiting, at risk or late.

How it is fast: every random choice about dossier i reads a fixed column of row i of a matrix of uniforms
drawn by numpy from the seed, so the history of one dossier is a pure function of (seed, i). A first pass
plays only the intake of every dossier to learn when each was received, so that the codes
(`{agency}-YYMMDD-NNNN`, LEGAL.md §2) are numbered per agency and day in the order of receipt, without
gaps, after the codes the database already holds. The second pass plays each whole life and writes the
rows in one transaction: binary COPY on PostgreSQL (ADR 0012), batched INSERTs on SQLite; then
the code sequences and the per-state counters (`DossierStatusCounter`) are raised by what was written.

Not written: outbox rows, audit records, slips and notifications (a bulk load of the past, not actions),
and e-form answers (`form_data` is empty).
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from motcua.dossiers import queue_cache
from motcua.dossiers.codes import format_code
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierComponent, DossierEvent, DossierStep
from motcua.dossiers.synthetic.life import Player
from motcua.dossiers.synthetic.rows import (
    WORKER_STATE,
    Batch,
    Writer,
    build_batch,
    build_in_worker,
    column_types,
)
from motcua.dossiers.synthetic.world import BATCH, build_world, uniforms
from motcua.worktime.calendar import TZ

# --- the whole run ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    dossiers: int
    events: int
    steps: int
    components: int
    by_status: dict[str, int]
    first_code: str | None
    last_code: str | None
    trusted_keys: bool


Progress = Callable[[str, int, int], None]

# From this many dossiers on, the plain indexes of the bulk tables are built after the load, not row by row.
DEFER_INDEXES_FROM = 100_000


# One receipt for the numbering: agency code, local day (ordinal), moment (POSIX seconds), dossier number.
Receipt = tuple[str, int, int, int]


def receipts(player: Player, seed: int, count: int, batch: int) -> list[Receipt]:
    """Pass 1 for one batch: plays only the intake of its dossiers and says which are received, where and
    when (pure: no database access)."""
    found: list[Receipt] = []
    first = batch * BATCH
    for offset, row in enumerate(uniforms(seed, first, min(BATCH, count - first)).tolist()):
        intake = player.intake(row)
        if intake.received_at is None:
            continue
        day = intake.received_at.astimezone(TZ).date()
        agency = intake.combo.receiving.code_on(day)
        if agency is None:
            raise ValueError(f"{intake.combo.receiving.name} has no agency code valid on {day:%d/%m/%Y}")
        found.append((agency, day.toordinal(), int(intake.received_at.timestamp()), first + offset))
    return found


def receipts_in_worker(batch: int) -> list[Receipt]:
    state = WORKER_STATE
    return receipts(state["player"], state["seed"], state["count"], batch)


def _assign_codes(
    batches: Iterable[list[Receipt]], count: int, progress: Progress
) -> dict[int, tuple[str, dt.date, int]]:
    """The code of every dossier that will be received, numbered per agency and day in the order of
    receipt, after the numbers already given (LEGAL.md §2: unique, daily, without gaps)."""
    found: list[Receipt] = []
    for number, batch in enumerate(batches):
        found += batch
        progress("plan", min(count, (number + 1) * BATCH), count)
    found.sort()
    taken = {
        (agency, day.toordinal()): last
        for agency, day, last in DossierCodeSequence.objects.filter(
            agency_code__in={agency for agency, *_rest in found}
        ).values_list("agency_code", "day", "last_value")
    }
    days: dict[int, dt.date] = {}
    codes: dict[int, tuple[str, dt.date, int]] = {}
    for agency, ordinal, _at, index in found:
        number = taken.get((agency, ordinal), 0) + 1
        taken[(agency, ordinal)] = number
        day = days.get(ordinal) or days.setdefault(ordinal, dt.date.fromordinal(ordinal))
        codes[index] = (agency, day, number)
    return codes


def generate(
    *,
    count: int,
    seed: int,
    until: dt.datetime,
    days: int = 365,
    progress: Progress | None = None,
    jobs: int = 1,
    check_keys: bool = False,
    defer_indexes: bool | None = None,
) -> Report:
    """Load `count` synthetic dossiers over `days` days up to `until`. Call it inside `transaction.atomic`:
    everything is written in the caller's transaction. `jobs` > 1 builds the batches in that many forked
    processes (PostgreSQL). `defer_indexes` (PostgreSQL; by default from `DEFER_INDEXES_FROM` dossiers on)
    drops the plain indexes of the bulk tables for the load and builds them again at the end. ValueError
    when the demo catalogue is missing."""
    collecting = gc.isenabled()
    # The rows are plain dicts and lists without cycles: reference counting frees them. The cycle
    # collector would only walk the millions of live objects again and again (and, in the forked workers,
    # write to every inherited page): about 15 % of the building time.
    gc.disable()
    try:
        return _generate(
            count=count,
            seed=seed,
            until=until,
            days=days,
            progress=progress,
            jobs=jobs,
            check_keys=check_keys,
            defer_indexes=defer_indexes,
        )
    finally:
        if collecting:
            gc.enable()


def _generate(
    *,
    count: int,
    seed: int,
    until: dt.datetime,
    days: int,
    progress: Progress | None,
    jobs: int,
    check_keys: bool,
    defer_indexes: bool | None,
) -> Report:
    report = progress or (lambda _phase, _done, _total: None)
    world = build_world(count=count, until=until, days=days)
    player = Player(world, seed)
    writer = Writer()
    parallel = writer.postgres and jobs > 1
    batches = range(math.ceil(count / BATCH))
    # Pass 1, the intake of every dossier, in forked workers too: a pure function of (seed, i).
    if parallel:
        WORKER_STATE.update(player=player, seed=seed, count=count)
        with multiprocessing.get_context("fork").Pool(processes=jobs) as planners:
            codes = _assign_codes(planners.imap(receipts_in_worker, batches), count, report)
        WORKER_STATE.clear()
    else:
        codes = _assign_codes((receipts(player, seed, count, batch) for batch in batches), count, report)
    trusted = False if check_keys else writer.trust_keys()
    bases = writer.bases()
    types = column_types() if writer.postgres else None
    if defer_indexes is None:
        defer_indexes = count >= DEFER_INDEXES_FROM
    deferred = writer.defer_indexes() if defer_indexes else []
    if parallel:
        WORKER_STATE.update(player=player, seed=seed, count=count, codes=codes, bases=bases, types=types)
        pool = multiprocessing.get_context("fork").Pool(processes=jobs)
        built: Iterable[Batch] = pool.imap(build_in_worker, batches)
    else:
        pool = None
        built = (
            build_batch(
                player,
                seed=seed,
                batch=batch,
                count=count,
                codes=codes,
                bases=bases,
                types=types,
            )
            for batch in batches
        )
    counters: Counter[tuple[int, str, str]] = Counter()
    by_status: Counter[str] = Counter()
    last_codes: dict[tuple[str, dt.date], int] = {}
    totals: Counter[str] = Counter()
    try:
        for number, batch in enumerate(built):
            totals.update(writer.write(batch))
            counters.update(batch.counters)
            by_status.update(batch.by_status)
            for key, value in batch.last_codes.items():
                last_codes[key] = max(last_codes.get(key, 0), value)
            report("write", min(count, (number + 1) * BATCH), count)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        WORKER_STATE.clear()
    writer.restore_indexes(deferred, report)
    writer.add_counters(counters)
    writer.raise_sequences(last_codes)
    writer.reset_sequences()
    queue_cache.forget_everything()  # the rows went in by COPY, past the signals that forget cached pages
    ordered = sorted(codes.values(), key=lambda code: (code[1], code[0], code[2]))
    return Report(
        dossiers=totals[Dossier._meta.db_table],
        events=totals[DossierEvent._meta.db_table],
        steps=totals[DossierStep._meta.db_table],
        components=totals[DossierComponent._meta.db_table],
        by_status=dict(sorted(by_status.items())),
        first_code=format_code(*ordered[0]) if ordered else None,
        last_code=format_code(*ordered[-1]) if ordered else None,
        trusted_keys=trusted,
    )
