"""`motcua kpi recompute`: rebuild every KPI fact and counter from the dossier events.

1. In one transaction, with the KPI tables locked against the outbox consumer (PostgreSQL: EXCLUSIVE
   mode, so dashboards keep reading the old rows until the commit), every fact, counter and processed-event
   row is deleted.
2. The events are read in (dossier, sequence) order through a server-side cursor, the database extracting
   only the data keys the fold reads (`ledger.DATA_KEYS` and the components), and folded per dossier with
   the consumer's own `ledger.apply_event` into `DossierFact` rows (COPY on PostgreSQL, bulk INSERTs
   elsewhere).
3. `ProcessedEvent` gets every event folded (one INSERT … SELECT), and the three counter tables are
   derived from the facts: one INSERT … SELECT of a UNION ALL (`DERIVATION`) that says in SQL what
   `ledger.contributions` says in Python, then the rollups. The outbox consumer keeps the counters with
   `ledger.contributions` itself; a test and a property test check that both give the same rows.

Events committed while it runs are not lost: their facts' `last_sequence` is behind, so the consumer
folds them as soon as the lock is released.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.kpi import ledger as L
from motcua.kpi.consumers import CalendarMinutes, fold
from motcua.kpi.counters import (
    COUNTER_MODELS,
    DossierFact,
    ProcedureDayCounter,
    ProcessedEvent,
    UnitDayCounter,
    UnitMonthCounter,
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
    """The three counter tables from `DossierFact` (they must be empty): one INSERT … SELECT each, the
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


EventsOfDossier = tuple[int, int, int, str, list[tuple[int, int, str, dt.datetime, dict[str, Any]]]]


def _dossiers_events(batch: int) -> Iterator[EventsOfDossier]:
    """(dossier id, competent unit, procedure, channel, [(event pk, sequence, kind, at, data)]) per dossier,
    in dossier order, streamed through a server-side cursor (no ORM conversion per row)."""
    sql = (
        f"SELECT e.dossier_id, e.id, e.sequence, e.kind, e.at, {_data_sql()}, "  # noqa: S608
        f"d.competent_unit_id, d.procedure_id, d.channel "
        f"FROM {_table(DossierEvent)} e JOIN {_table(Dossier)} d ON d.id = e.dossier_id "
        f"ORDER BY e.dossier_id, e.sequence"
    )
    width = len(L.DATA_KEYS)
    current: EventsOfDossier | None = None
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            for row in rows:
                dossier_id, pk, sequence, kind, at = row[:5]
                values = row[5 : 5 + width]
                data: dict[str, Any] = {
                    k: v for k, v in zip(L.DATA_KEYS, values, strict=True) if v is not None
                }
                components = row[5 + width]
                if components is not None:
                    data["components"] = json.loads(components)
                if current is None or current[0] != dossier_id:
                    if current is not None:
                        yield current
                    unit_id, procedure_id, channel = row[6 + width :]
                    current = (dossier_id, unit_id, procedure_id, channel, [])
                current[4].append((pk, sequence, kind, _moment(at), data))
    if current is not None:
        yield current


class FactWriter:
    """Writes `DossierFact` rows in batches: COPY on PostgreSQL (psycopg), bulk INSERTs elsewhere."""

    COLUMNS = [field.attname for field in DossierFact._meta.concrete_fields]
    JSON = frozenset({"waits", "components"})

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
            from psycopg.types.json import Jsonb  # noqa: PLC0415 (PostgreSQL only)

            columns = ", ".join(_q(c) for c in self.COLUMNS)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {_table(DossierFact)} ({columns}) FROM STDIN") as copy,
            ):
                for values in self.pending:
                    copy.write_row([Jsonb(values[c]) if c in self.JSON else values[c] for c in self.COLUMNS])
        else:
            DossierFact.objects.bulk_create([DossierFact(**values) for values in self.pending])
        self.pending = []


def rebuild_facts(
    *, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Fold every dossier's events into new `DossierFact` rows; (dossiers, events) folded."""
    minutes = CalendarMinutes()
    writer = FactWriter(batch)
    dossiers = events = 0
    for dossier_id, unit_id, procedure_id, channel, rows in _dossiers_events(batch):
        ledger = L.DossierLedger(
            dossier_id=dossier_id, unit_id=unit_id, procedure_id=procedure_id, channel=channel
        )
        events += len(fold(ledger, rows, minutes))
        writer.add(fact_values(ledger))
        dossiers += 1
        if progress and dossiers % batch == 0:
            progress(dossiers, events)
    writer.flush()
    return dossiers, events


def recompute(*, batch: int = BATCH, progress: Callable[[int, int], None] | None = None) -> RecomputeReport:
    """Rebuild every fact and counter from the events (see the module docstring)."""
    report = RecomputeReport()
    with transaction.atomic():
        started = time.perf_counter()
        _lock()
        for model in (ProcessedEvent, *COUNTER_MODELS, DossierFact):
            model.objects.all().delete()  # type: ignore[attr-defined]
        report.seconds["clear"] = time.perf_counter() - started

        started = time.perf_counter()
        report.dossiers, report.events = rebuild_facts(batch=batch, progress=progress)
        report.seconds["fold"] = time.perf_counter() - started

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(ProcessedEvent)} (event_id) "  # noqa: S608
                f"SELECT e.id FROM {_table(DossierEvent)} e JOIN {_table(DossierFact)} f "
                f"ON f.dossier_id = e.dossier_id WHERE e.sequence <= f.last_sequence"
            )
        report.seconds["processed"] = time.perf_counter() - started

        started = time.perf_counter()
        derive_counters()
        report.seconds["counters"] = time.perf_counter() - started
    return report
