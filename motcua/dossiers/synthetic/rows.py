"""Laying out and writing the rows of a batch: binary COPY on PostgreSQL, parameters on SQLite; the
counters and code sequences raised by what was written.

The SQL here is built from table and column names of the models (quoted with `quote_name`), never from
input; values always travel as parameters or as COPY data.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from psycopg import adapt, pq
from psycopg._copy_base import format_row_binary
from psycopg.types.json import set_json_dumps

from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierCodeSequence,
    DossierComponent,
    DossierEvent,
    DossierStatusCounter,
    DossierStep,
    SupplementRequest,
)
from motcua.dossiers.synthetic.life import (
    KEYS_PER_DOSSIER,
    Ids,
    Player,
)
from motcua.dossiers.synthetic.world import (
    BATCH,
    uniforms,
)

Status = Dossier.Status
Kind = DossierEvent.Kind
Outcome = DossierStep.Outcome
Provenance = DossierComponent.Provenance

# --- writing ------------------------------------------------------------------------------------------------

# The rows of a batch, per table, in the order they are written (foreign keys point backwards).
TABLES: list[tuple[str, type[Model]]] = [
    ("dossier", Dossier),
    ("step", DossierStep),
    ("supplement", SupplementRequest),
    ("apology", Apology),
    ("event", DossierEvent),
    ("component", DossierComponent),
    ("coordinating", Dossier.coordinating_units.through),
]
# PostgreSQL's binary COPY file: the signature, the flags and the header extension's length, then the rows,
# then the trailer (PostgreSQL documentation, "COPY", "Binary Format").
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_BINARY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def dumps(value: Any) -> bytes:
    """JSON as the services write it (UTF-8, compact, keys in order; moments in ISO 8601 with their offset,
    as `datetime.isoformat` writes them): orjson, about twice as fast as the standard encoder here."""
    return orjson.dumps(value)


@functools.cache
def _binary_adapters() -> adapt.AdaptersMap:
    adapters = adapt.AdaptersMap(psycopg.adapters)
    set_json_dumps(dumps, adapters)
    return adapters


@dataclass(frozen=True)
class Layout:
    """How the rows of one table are written: columns, attribute names and the kind of each value."""

    table: str
    columns: list[str]
    names: list[str]
    kinds: list[str]

    @classmethod
    def of(cls, model: type[Model], sample: dict[str, Any]) -> Layout:
        fields = [field for field in model._meta.concrete_fields if field.attname in sample]
        return cls(
            model._meta.db_table,
            [str(field.column) for field in fields],
            [field.attname for field in fields],
            [field.get_internal_type() for field in fields],
        )

    def copy_binary(self, rows: list[dict[str, Any]], types: dict[str, dict[str, int]]) -> bytes:
        """The rows as a PostgreSQL binary COPY file. `types`: per table, the type oid of each column (read
        from the database by `column_types`). Laid out by psycopg's C row formatter, the one
        `Copy.write_row` uses, called here without a connection so that the forked workers can build the
        payload (psycopg is pinned in requirements.txt): about a third of the CPU of the text format, and
        PostgreSQL reads binary moments and numbers without parsing them."""
        table_types = types[self.table]
        transformer = adapt.Transformer(_binary_adapters())
        transformer.set_dumper_types([table_types[column] for column in self.columns], pq.Format.BINARY)
        take = operator.itemgetter(*self.names)
        out = bytearray(_BINARY_HEADER)
        if len(self.names) == 1:
            for row in rows:
                format_row_binary((take(row),), transformer, out)
        else:
            for row in rows:
                format_row_binary(take(row), transformer, out)
        out += _BINARY_TRAILER
        return bytes(out)

    def values(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        """The rows as SQLite parameters (Django's own adaptations of dates, times and UUIDs)."""
        adapt_datetime = connection.ops.adapt_datetimefield_value
        result = []
        pairs = list(zip(self.names, self.kinds, strict=True))
        for row in rows:
            value = []
            for name, kind in pairs:
                item = row[name]
                if item is not None:
                    if kind == "JSONField":
                        item = dumps(item).decode()
                    elif kind == "DateTimeField":
                        item = adapt_datetime(item)
                    elif kind == "DateField":
                        item = item.isoformat()
                    elif kind == "UUIDField":
                        item = item.hex
                value.append(item)
            result.append(value)
        return result


def column_types() -> dict[str, dict[str, int]]:
    """PostgreSQL: the type oid of every column of the bulk tables, as the database has them."""
    tables = [model._meta.db_table for _name, model in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, a.atttypid "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname = ANY(%s) AND c.relnamespace = to_regnamespace(current_schema())::oid "
            "AND a.attnum > 0 AND NOT a.attisdropped",
            [tables],
        )
        found: dict[str, dict[str, int]] = {}
        for table, column, oid in cursor.fetchall():
            found.setdefault(str(table), {})[str(column)] = int(oid)
    return found


@dataclass
class Batch:
    """What one batch gives the writer: per table its layout and payload (binary COPY or parameters),
    and what the counters and code sequences must be raised by."""

    payloads: list[tuple[Layout, Any, int]]
    counters: Counter[tuple[int, str, str]]
    last_codes: dict[tuple[str, dt.date], int]
    by_status: Counter[str]


def build_batch(
    player: Player,
    *,
    seed: int,
    batch: int,
    count: int,
    codes: dict[int, tuple[str, dt.date, int]],
    bases: dict[str, int],
    types: dict[str, dict[str, int]] | None,
) -> Batch:
    """Play the lives of batch `batch` and lay out its rows (pure: no database access): binary COPY files
    for PostgreSQL given its column `types`, parameters for SQLite without them."""
    first = batch * BATCH
    size = min(BATCH, count - first)
    ids = Ids(bases, batch)
    lives = [
        player.life(first + offset, row, codes.get(first + offset), ids)
        for offset, row in enumerate(uniforms(seed, first, size).tolist())
    ]
    tables: dict[str, list[dict[str, Any]]] = {
        "dossier": [life.dossier for life in lives],
        "step": [row for life in lives for row in life.steps],
        "supplement": [row for life in lives for row in life.supplements],
        "apology": [row for life in lives for row in life.apologies],
        "event": [row for life in lives for row in life.events],
        "component": [row for life in lives for row in life.components],
        "coordinating": [
            {"dossier_id": life.dossier["id"], "unit_id": unit}
            for life in lives
            if life.dossier["status"] != Status.DRAFT
            for unit in life.coordinating
        ],
    }
    payloads = []
    for name, model in TABLES:
        rows = tables[name]
        if rows:
            layout = Layout.of(model, rows[0])
            payload = layout.values(rows) if types is None else layout.copy_binary(rows, types)
            payloads.append((layout, payload, len(rows)))
    counters: Counter[tuple[int, str, str]] = Counter()
    by_status: Counter[str] = Counter()
    last_codes: dict[tuple[str, dt.date], int] = {}
    for dossier in tables["dossier"]:
        status = dossier["status"]
        by_status[status] += 1
        counters[(dossier["receiving_unit_id"], DossierStatusCounter.Part.RECEIVING, status)] += 1
        counters[(dossier["competent_unit_id"], DossierStatusCounter.Part.COMPETENT, status)] += 1
        if dossier["code_sequence"] is not None:
            key = (dossier["code_agency"], dossier["code_day"])
            last_codes[key] = max(last_codes.get(key, 0), dossier["code_sequence"])
    return Batch(payloads, counters, last_codes, by_status)


# The state the worker processes inherit when they are forked (they never touch the database).
WORKER_STATE: dict[str, Any] = {}


def build_in_worker(batch: int) -> Batch:
    state = WORKER_STATE
    return build_batch(
        state["player"],
        seed=state["seed"],
        batch=batch,
        count=state["count"],
        codes=state["codes"],
        bases=state["bases"],
        types=state["types"],
    )


class Writer:
    """Writes the batches: COPY on PostgreSQL, INSERT batches on SQLite; raises counters and sequences."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def trust_keys(self) -> bool:
        """PostgreSQL: skip the foreign-key triggers for this transaction when the role may (the rows are
        consistent by construction; the tests load with the checks on). False when it may not."""
        if not self.postgres:
            return False
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        return True

    def defer_indexes(self) -> list[tuple[str, str]]:
        """PostgreSQL: drop the secondary indexes of the bulk tables (every index but the primary keys and
        those a foreign key refers to), plain and unique, and return their names with the SQL that builds
        each again, for `restore_indexes` once the rows are in: one sort per index instead of maintaining
        some forty indexes row by row. The unique ones matter most: a dossier's code and public id come in
        random order, so each row touches a random page of indexes larger than the server's buffers (and,
        after every checkpoint, writes that page whole to the WAL again); built again, they check every
        row as they did. A unique constraint is dropped and added again as a constraint, under its own
        name. In the caller's transaction: a failure rolls the drop back with the rows. The tables stay
        locked (ACCESS EXCLUSIVE) until the commit."""
        if not self.postgres:
            return []
        tables = [model._meta.db_table for _name, model in TABLES]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), c.conname, "
                "pg_get_constraintdef(c.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND t.relnamespace = to_regnamespace(current_schema())::oid "
                "AND NOT x.indisprimary AND x.indisvalid AND (c.oid IS NULL OR c.contype = 'u') "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
                "AND f.conindid = x.indexrelid) "
                "ORDER BY t.relname, i.relname",
                [tables],
            )
            deferred = []
            for table, index, index_sql, constraint, constraint_sql in cursor.fetchall():
                if constraint is None:
                    cursor.execute(f"DROP INDEX {quote(index)}")
                    deferred.append((str(index), str(index_sql)))
                else:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
                    deferred.append(
                        (
                            str(index),
                            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} {constraint_sql}",
                        )
                    )
        return deferred

    def restore_indexes(self, deferred: list[tuple[str, str]], progress: Any = None) -> None:
        """Build again the indexes `defer_indexes` dropped, from their own definitions."""
        if not deferred:
            return
        with connection.cursor() as cursor:
            # Sorts in memory for the largest indexes (tens of millions of entries at 5M dossiers); for
            # this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for number, (_name, definition) in enumerate(deferred, start=1):
                cursor.execute(definition)
                if progress is not None:
                    progress("index", number, len(deferred))

    def write(self, batch: Batch) -> dict[str, int]:
        written: dict[str, int] = {}
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for layout, payload, rows in batch.payloads:
                listed = ", ".join(quote(column) for column in layout.columns)
                table = quote(layout.table)
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {table} ({listed}) FROM STDIN (FORMAT BINARY)") as copy:
                        copy.write(payload)
                else:
                    sql = f"INSERT INTO {table} ({listed}) VALUES ({', '.join(['%s'] * len(layout.columns))})"  # noqa: S608
                    for start in range(0, len(payload), 500):
                        cursor.executemany(sql, payload[start : start + 500])
                written[layout.table] = rows
        return written

    def bases(self) -> dict[str, int]:
        """The first free primary key of each table whose keys the rows choose; on PostgreSQL the tables
        are locked against other writers until the commit."""
        starts = {}
        models = dict(TABLES)
        with connection.cursor() as cursor:
            for name in KEYS_PER_DOSSIER:
                table = connection.ops.quote_name(models[name]._meta.db_table)
                if self.postgres:
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                starts[name] = int(cursor.fetchone()[0]) + 1
        return starts

    def reset_sequences(self) -> None:
        """PostgreSQL: the identity sequences continue after the keys written (SQLite does it itself)."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for name in KEYS_PER_DOSSIER:
                table = dict(TABLES)[name]._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                    f"GREATEST((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
                    [table],
                )

    def add_counters(self, counts: Counter[tuple[int, str, str]]) -> None:
        """Raise `DossierStatusCounter` by the dossiers written (rows created when missing)."""
        table = connection.ops.quote_name(DossierStatusCounter._meta.db_table)
        rows = [(unit, part, status, value) for (unit, part, status), value in sorted(counts.items())]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (unit_id, part, status, value) VALUES (%s, %s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (unit_id, part, status) DO UPDATE SET value = {table}.value + excluded.value",
                rows,
            )

    def raise_sequences(self, last: dict[tuple[str, dt.date], int]) -> None:
        """Raise `DossierCodeSequence.last_value` to the last number given per (agency, day)."""
        table = connection.ops.quote_name(DossierCodeSequence._meta.db_table)
        greatest = "GREATEST" if self.postgres else "MAX"
        rows = [
            (agency, day if self.postgres else day.isoformat(), value)
            for (agency, day), value in sorted(last.items())
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (agency_code, day, last_value) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (agency_code, day) "
                f"DO UPDATE SET last_value = {greatest}({table}.last_value, excluded.last_value)",
                rows,
            )
