"""`motcua kpi recompute`: rebuild every KPI fact and counter from the dossier events.

1. In one transaction, with the KPI tables locked against the outbox consumer (PostgreSQL: EXCLUSIVE
   mode, so dashboards keep reading the old rows until the commit), every fact and counter row is deleted.
2. The events are read in (dossier, sequence) order through a server-side cursor, the database extracting
   only the data keys the fold reads (`ledger.DATA_KEYS` and the components) and sending only the events
   of the kinds the fold reads (`ledger.FOLDED_KINDS`) and each dossier's last one, with the dossier's
   count of events (the others only move `last_sequence`); they are folded per dossier with the
   consumer's own `ledger.apply_event` into `DossierFact` rows (COPY on PostgreSQL, bulk INSERTs
   elsewhere), on PostgreSQL by forked processes over ranges of dossiers.
3. The five counter tables are derived from the facts: one INSERT … SELECT of a UNION ALL (`DERIVATION`)
   that says in SQL what `ledger.contributions` says in Python, then the rollups. The outbox consumer
   keeps the counters with `ledger.contributions` itself; a test and a property test check that both
   give the same rows.

`ProcessedEvent` is left as it is: it marks the events the consumer counted, and the consumer folds only
the events after a fact's `last_sequence`, which `recompute` sets to the dossier's last event (writing
one marker per event cost more than the fold). On PostgreSQL, when the role may, the rows are written
without the per-row foreign-key triggers (each would be checked at the commit, one lookup per row and
key) and every key is checked once instead, by one anti-join per foreign key (`check_keys`).

Events committed while it runs are not lost: their facts' `last_sequence` is behind, so the consumer
folds them as soon as the lock is released.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.kpi import ledger as L
from motcua.kpi.consumers import CalendarMinutes
from motcua.kpi.counters import (
    COUNTER_MODELS,
    DossierFact,
    ProcedureDayCounter,
    ProcessedEvent,
    UnitDayCounter,
    UnitMonthCounter,
    UnitReceiptMonthCounter,
    UnitReceiptMonthDayCounter,
    fact_values,
)

BATCH = 2000

# ledger.contributions as SQL over the facts: (the fact's day column, {column: amount}, condition).
DERIVATION: tuple[tuple[str, dict[str, str], str], ...] = (
    (
        "received_day",
        {
            L.RECEIVED: "1",
            L.ONLINE: f"CASE WHEN channel = '{L.ONLINE_CHANNEL}' THEN 1 ELSE 0 END",
            L.FEE_BEARING: "CASE WHEN fees_due_vnd > 0 THEN 1 ELSE 0 END",
        },
        "1 = 1",
    ),
    ("late_day", {L.LATE: "1"}, "late_day IS NOT NULL"),
    ("late_apology_day", {L.LATE_APOLOGY: "1"}, "late_apology_day IS NOT NULL"),
    ("end_day", {L.COMPLETED: "1", L.WORKING_MINUTES: "COALESCE(working_minutes, 0)"}, "end_day IS NOT NULL"),
    ("e_result_day", {L.E_RESULT: "1"}, "e_result_day IS NOT NULL"),
    ("digitised_day", {L.DIGITISED: "1"}, "digitised_day IS NOT NULL"),
    ("reused_day", {L.REUSED: "1"}, "reused_day IS NOT NULL"),
)


@dataclass
class RecomputeReport:
    dossiers: int = 0
    events: int = 0
    jobs: int = 1
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


# The SQL below is built from the models' table and column names and the constant DERIVATION table,
# never from input (hence the S608 exemptions); it holds no value.


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _q(model._meta.db_table)


def _lock() -> None:
    if connection.vendor == "postgresql":
        tables = ", ".join(_table(m) for m in (DossierFact, ProcessedEvent, *COUNTER_MODELS))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def derive_counters() -> None:
    """The five counter tables from `DossierFact` (they must be empty): one INSERT … SELECT each, the
    per-procedure table from a UNION ALL of what each fact contributes (`DERIVATION`), the rollups from it."""
    facts, columns = _table(DossierFact), ", ".join(_q(c) for c in L.COLUMNS)
    branches = [
        f"SELECT unit_id, received_day, procedure_id, {day} AS day, "  # noqa: S608
        + ", ".join(f"{amounts.get(column, '0')} AS {_q(column)}" for column in L.COLUMNS)
        + f" FROM {facts} WHERE received_day IS NOT NULL AND {condition}"
        for day, amounts, condition in DERIVATION
    ]
    sums = ", ".join(f"SUM({_q(c)})" for c in L.COLUMNS)
    month = (
        "CAST(date_trunc('month', day) AS date)"
        if connection.vendor == "postgresql"
        else "date(day, 'start of month')"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(ProcedureDayCounter)} "  # noqa: S608
            f"(unit_id, received_day, procedure_id, day, {columns}) "
            f"SELECT unit_id, received_day, procedure_id, day, {sums} FROM ({' UNION ALL '.join(branches)}) "
            f"AS contributions GROUP BY unit_id, received_day, procedure_id, day"
        )
        cursor.execute(
            f"INSERT INTO {_table(UnitDayCounter)} (unit_id, received_day, day, {columns}) "  # noqa: S608
            f"SELECT unit_id, received_day, day, {sums} FROM {_table(ProcedureDayCounter)} "
            f"GROUP BY unit_id, received_day, day"
        )
        cursor.execute(
            f"INSERT INTO {_table(UnitMonthCounter)} (unit_id, received_day, month, {columns}) "  # noqa: S608
            f"SELECT unit_id, received_day, {month}, {sums} FROM {_table(UnitDayCounter)} "
            f"GROUP BY unit_id, received_day, {month}"
        )
        received_month = month.replace("day", "received_day")
        cursor.execute(
            f"INSERT INTO {_table(UnitReceiptMonthCounter)} "  # noqa: S608
            f"(unit_id, received_month, month, {columns}) "
            f"SELECT unit_id, {received_month}, month, {sums} FROM {_table(UnitMonthCounter)} "
            f"GROUP BY unit_id, {received_month}, month"
        )
        cursor.execute(
            f"INSERT INTO {_table(UnitReceiptMonthDayCounter)} "  # noqa: S608
            f"(unit_id, received_month, day, {columns}) "
            f"SELECT unit_id, {received_month}, day, {sums} FROM {_table(UnitDayCounter)} "
            f"GROUP BY unit_id, {received_month}, day"
        )


def _data_sql() -> str:
    """The columns of an event's data the fold reads (`ledger.DATA_KEYS`, the components of the kinds
    that carry them), extracted by the database: the rest of the data is never parsed."""
    kinds = ", ".join(f"'{kind}'" for kind in sorted(L.COMPONENT_KINDS))
    if connection.vendor == "postgresql":
        keys = [f"e.data->>'{key}'" for key in L.DATA_KEYS]
        components = "(e.data->'components')::text"
    else:
        keys = [f"json_extract(e.data, '$.{key}')" for key in L.DATA_KEYS]
        components = "json_extract(e.data, '$.components')"
    return ", ".join([*keys, f"CASE WHEN e.kind IN ({kinds}) THEN {components} END"])


def _moment(value: Any) -> dt.datetime:
    """A timestamp as a raw cursor returns it: aware on PostgreSQL, UTC text on SQLite."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


# (sequence, kind, at, data) of an event the fold reads.
FoldedEvent = tuple[int, str, dt.datetime, Mapping[str, Any]]
# (dossier id, competent unit, procedure, channel, events of the dossier, the events the fold reads).
EventsOfDossier = tuple[int, int, int, str, int, list[FoldedEvent]]
_NO_DATA: Mapping[str, Any] = MappingProxyType({})


def _events_sql(*, ranged: bool) -> str:
    """The events the fold reads of every dossier (or of the dossiers with lo <= id < hi, `ranged`), in
    fold order, each with its dossier's count of events and last sequence: the events of the kinds the
    fold reads (`ledger.FOLDED_KINDS`) and every dossier's last event (so that a dossier whose events are
    all of other kinds still gets its fact)."""
    where = "WHERE e.dossier_id >= %s AND e.dossier_id < %s " if ranged else ""
    kinds = ", ".join(f"'{kind}'" for kind in sorted(L.FOLDED_KINDS))
    return (
        f"SELECT e.dossier_id, e.sequence, e.kind, e.at, {_data_sql()}, "  # noqa: S608
        f"d.competent_unit_id, d.procedure_id, d.channel, e.events, e.last "
        f"FROM (SELECT e.*, count(*) OVER dossier AS events, max(e.sequence) OVER dossier AS last "
        f"FROM {_table(DossierEvent)} e {where}WINDOW dossier AS (PARTITION BY e.dossier_id)) AS e "
        f"JOIN {_table(Dossier)} d ON d.id = e.dossier_id "
        f"WHERE e.kind IN ({kinds}) OR e.sequence = e.last "
        f"ORDER BY e.dossier_id, e.sequence"
    )


def _dossiers_events(batch: int) -> Iterator[EventsOfDossier]:
    """`EventsOfDossier` per dossier, in dossier order, streamed through a server-side cursor (no ORM
    conversion per row)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(_events_sql(ranged=False))
        yield from _group_events(cursor, batch)


def _group_events(cursor: Any, batch: int) -> Iterator[EventsOfDossier]:
    """The rows of `_events_sql` grouped per dossier. Raises ValueError when a dossier's events are not
    numbered 1..n (what `ledger.apply_event` checks event by event)."""
    keys = L.DATA_KEYS
    width = len(keys)
    components_at = 4 + width
    current: EventsOfDossier | None = None
    while rows := cursor.fetchmany(batch):
        for row in rows:
            dossier_id = row[0]
            if current is None or current[0] != dossier_id:
                if current is not None:
                    yield current
                unit_id, procedure_id, channel, events, last = row[components_at + 1 :]
                if events != last:
                    raise ValueError(f"dossier {dossier_id}: {events} events numbered up to {last}")
                current = (dossier_id, unit_id, procedure_id, channel, events, [])
            values = row[4:components_at]
            components = row[components_at]
            data: Mapping[str, Any] = _NO_DATA
            if values.count(None) != width or components is not None:
                found = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
                if components is not None:
                    found["components"] = json.loads(components)
                data = found
            current[5].append((row[1], row[2], _moment(row[3]), data))
    if current is not None:
        yield current


def _fact_of(dossier: EventsOfDossier, minutes: CalendarMinutes) -> tuple[dict[str, Any], int]:
    """The `DossierFact` values of one dossier folded from its events, and how many events it has."""
    dossier_id, unit_id, procedure_id, channel, events, rows = dossier
    ledger = L.DossierLedger(
        dossier_id=dossier_id, unit_id=unit_id, procedure_id=procedure_id, channel=channel
    )
    for sequence, kind, at, data in rows:
        # The events in between are of kinds `apply_event` does not read: they only moved the sequence.
        ledger.last_sequence = sequence - 1
        L.apply_event(ledger, sequence=sequence, kind=kind, at=at, data=data, minutes_for=minutes)
    return fact_values(ledger), events


# --- the facts as COPY text (PostgreSQL) ---------------------------------------------------------------

FACT_COLUMNS = [field.attname for field in DossierFact._meta.concrete_fields]
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, dt.date):  # datetimes too: ISO 8601 with the offset
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def _iso_field(value: dt.date | None) -> str:
    return "\\N" if value is None else value.isoformat()


def _number_field(value: int | None) -> str:
    return "\\N" if value is None else str(value)


def _formatter(model_field: Any) -> Callable[[Any], str]:
    """How a value of the field is written in COPY text: the common kinds without the general tests."""
    if isinstance(model_field, models.DateField):  # DateTimeField too
        return _iso_field
    if isinstance(model_field, models.IntegerField) or (
        model_field.is_relation and isinstance(model_field.target_field, models.IntegerField)
    ):
        return _number_field
    if isinstance(model_field, models.JSONField):
        return _json_field
    return _copy_field


def _json_field(value: Any) -> str:
    if value is None:
        return "\\N"
    if not value:  # no supplement wait, no component: most dossiers
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


_FORMATTERS = [(field.attname, _formatter(field)) for field in DossierFact._meta.concrete_fields]


def _copy_line(values: dict[str, Any]) -> str:
    return "\t".join([write(values[column]) for column, write in _FORMATTERS]) + "\n"


class FactWriter:
    """Writes `DossierFact` rows in batches: COPY on PostgreSQL, bulk INSERTs elsewhere."""

    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.pending: list[dict[str, Any]] = []
        self.postgres = connection.vendor == "postgresql"

    def add(self, values: dict[str, Any]) -> None:
        self.pending.append(values)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.postgres:
            text = "".join([_copy_line(values) for values in self.pending])
            with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql()) as copy:
                copy.write(text)
        else:
            DossierFact.objects.bulk_create([DossierFact(**values) for values in self.pending])
        self.pending = []


def _copy_sql() -> str:
    return f"COPY {_table(DossierFact)} ({', '.join(_q(c) for c in FACT_COLUMNS)}) FROM STDIN"


def rebuild_facts(
    *, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Fold every dossier's events into new `DossierFact` rows; (dossiers, events) folded."""
    minutes = CalendarMinutes()
    writer = FactWriter(batch)
    dossiers = events = 0
    for dossier in _dossiers_events(batch):
        values, counted = _fact_of(dossier, minutes)
        events += counted
        writer.add(values)
        dossiers += 1
        if progress and dossiers % batch == 0:
            progress(dossiers, events)
    writer.flush()
    return dossiers, events


# --- the fold in parallel (PostgreSQL) ----------------------------------------------------------------
#
# The dossiers are cut into ranges of ids of about CHUNK dossiers; forked processes each fold a range,
# reading its events through a connection of their own (dossiers and events only: the parent's
# transaction changes neither), and hand back the facts as the text of a COPY, which the parent writes in
# range order in its own transaction. The fold is the same function (`_fact_of`), and the calendars are
# loaded before the fork, so a worker never touches the parent's connection.

CHUNK = 20_000
_WORKER: dict[str, Any] = {}


def _fold_range(bounds: tuple[int, int]) -> tuple[bytes, int, int]:
    """In a worker: the facts of the dossiers lo <= id < hi as COPY text; (text, dossiers, events)."""
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    minutes: CalendarMinutes = _WORKER["minutes"]
    lines: list[str] = []
    dossiers = events = 0
    with psycopg.connect(_WORKER["conninfo"]) as conn:
        conn.execute("SET TIME ZONE 'UTC'")  # the moments of `waits` written as the consumer writes them
        with conn.cursor() as cursor:
            cursor.execute(_WORKER["sql"], bounds)
            for dossier in _group_events(cursor, BATCH):
                values, counted = _fact_of(dossier, minutes)
                lines.append(_copy_line(values))
                dossiers += 1
                events += counted
        conn.rollback()
    return "".join(lines).encode(), dossiers, events


def _ranges(chunk: int) -> list[tuple[int, int]]:
    """[lo, hi) ranges of dossier ids, about `chunk` dossiers each, covering every dossier there is now."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n "  # noqa: S608
            f"FROM {_table(Dossier)}) AS numbered WHERE MOD(n - 1, {int(chunk)}) = 0 ORDER BY id"
        )
        starts = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT max(id) FROM {_table(Dossier)}")  # noqa: S608
        last = cursor.fetchone()[0]
    return list(zip(starts, [*starts[1:], (last or 0) + 1], strict=True))


def rebuild_facts_parallel(
    *, jobs: int, chunk: int | None = None, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """`rebuild_facts` with `jobs` forked processes folding ranges of dossiers (PostgreSQL, outside any
    transaction of the caller's: the workers read what is committed)."""
    from motcua.organizations.models import Unit  # noqa: PLC0415

    minutes = CalendarMinutes()
    minutes.preload(Unit.objects.values_list("pk", flat=True))
    connection.ensure_connection()
    _WORKER.update(minutes=minutes, conninfo=connection.connection.info.dsn, sql=_events_sql(ranged=True))
    ranges = _ranges(chunk or CHUNK)
    dossiers = events = 0
    pool = multiprocessing.get_context("fork").Pool(processes=jobs)
    try:
        with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql()) as copy:
            for text, folded_dossiers, folded_events in pool.imap(_fold_range, ranges):
                if text:
                    copy.write(text)
                dossiers += folded_dossiers
                events += folded_events
                if progress:
                    progress(dossiers, events)
    finally:
        pool.close()
        pool.join()
        _WORKER.clear()
    return dossiers, events


# --- foreign keys ---------------------------------------------------------------------------------------


def _trust_keys() -> bool:
    """PostgreSQL: write the rows of this transaction without the per-row foreign-key triggers when the
    role may (`check_keys` then checks every key once); False when it may not, or on another database."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def check_keys(models: tuple[Any, ...]) -> None:
    """Every foreign key of the models' rows points at an existing row: one anti-join per key (what the
    skipped triggers would have checked row by row). Raises IntegrityError naming the first one broken."""
    with connection.cursor() as cursor:
        for model in models:
            for key in model._meta.concrete_fields:
                if not key.is_relation:
                    continue
                column, target = _q(key.column), key.related_model
                cursor.execute(
                    f"SELECT t.{column} FROM {_table(model)} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM {_table(target)} r WHERE r.{_q(target._meta.pk.column)} = t.{column}) "
                    f"LIMIT 1"
                )
                row = cursor.fetchone()
                if row is not None:
                    raise IntegrityError(
                        f"{model._meta.db_table}.{key.column} = {row[0]}: no such {target._meta.db_table} row"
                    )


def recompute(
    *, batch: int = BATCH, progress: Callable[[int, int], None] | None = None, jobs: int | None = None
) -> RecomputeReport:
    """Rebuild every fact and counter from the events (see the module docstring). `jobs`: processes
    folding the events (default: the number of CPUs); on PostgreSQL only, and only when called outside a
    transaction (the workers read what is committed); otherwise the fold runs in this process."""
    parallel = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and (jobs if jobs is not None else os.cpu_count() or 1) > 1
    )
    report = RecomputeReport(jobs=(jobs or os.cpu_count() or 1) if parallel else 1)
    with transaction.atomic():
        started = time.perf_counter()
        _lock()
        trusted = _trust_keys()
        for model in (*COUNTER_MODELS, DossierFact):
            model.objects.all().delete()  # type: ignore[attr-defined]
        report.seconds["clear"] = time.perf_counter() - started

        started = time.perf_counter()
        if parallel:
            report.dossiers, report.events = rebuild_facts_parallel(jobs=report.jobs, progress=progress)
        else:
            report.dossiers, report.events = rebuild_facts(batch=batch, progress=progress)
        report.seconds["fold"] = time.perf_counter() - started

        started = time.perf_counter()
        derive_counters()
        report.seconds["counters"] = time.perf_counter() - started
        if trusted:
            started = time.perf_counter()
            check_keys((DossierFact, *COUNTER_MODELS))
            report.seconds["keys"] = time.perf_counter() - started
        started = time.perf_counter()
    # The commit checks the deferred foreign keys of every row written when they were not trusted
    # (PostgreSQL): a phase of its own (within a caller's transaction it is the caller's).
    report.seconds["commit"] = time.perf_counter() - started
    return report
