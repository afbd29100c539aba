"""The public status lookup (issue 5 item 10): by the dossier's code and the 6-character secret printed on
Form 01, anyone may see where the dossier stands, and nothing personal (ND 13/2023: no name, no ID
number, no address).

Every lookup, found or not, counts against the client's IP address in a fixed window
(`MOTCUA["LOOKUP_THROTTLE"]`, "20/60": 20 lookups per 60 seconds), kept in the cache (Redis in
production, shared by the web workers). 31^6 secrets per code make guessing hopeless at that pace.
Addresses in `MOTCUA["THROTTLE_EXEMPT_IPS"]` (load tests, a trusted gateway) are not counted.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.http import HttpRequest

from motcua.accounts.throttling import Rate, client_ip
from motcua.catalog.models import Procedure
from motcua.core.rawsql import aware
from motcua.dossiers import lookup_cache
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.models.dossier import lookup_secret_matches
from motcua.dossiers.schemas import local_iso
from motcua.organizations.models import Unit

DEFAULT_RATE = "20/60"


def _clock() -> float:
    """Seconds since the epoch (wall time: the window is shared by every web worker through the cache)."""
    return time.time()


def _exempt(ip: str) -> bool:
    exempt: list[str] = settings.MOTCUA.get("THROTTLE_EXEMPT_IPS", [])  # type: ignore[assignment]
    return ip in exempt


def lookup_retry_after(request: HttpRequest) -> int | None:
    """Count this lookup against the client's address; the seconds to wait when over the limit."""
    ip = client_ip(request)
    if _exempt(ip):
        return None
    rate = Rate.parse(str(settings.MOTCUA.get("LOOKUP_THROTTLE", DEFAULT_RATE)))
    key = f"motcua:lookup:{ip}"
    # `add` sets only a missing key: the window opens at the first lookup and does not slide.
    cache.add(f"{key}:until", _clock() + rate.window, timeout=rate.window)
    cache.add(key, 0, timeout=rate.window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr: open a new one
        cache.set(f"{key}:until", _clock() + rate.window, timeout=rate.window)
        cache.set(key, 1, timeout=rate.window)
        count = 1
    if count <= rate.limit:
        return None
    until = cache.get(f"{key}:until") or (_clock() + rate.window)
    return max(1, math.ceil(until - _clock()))


_TIMES = ("submitted_at", "received_at", "appointment_at", "resolved_at", "returned_at", "ended_at")


@functools.cache
def _public_sql(postgresql: bool) -> str:
    """One round trip: the dossier's public columns, its procedure's and units' names, and the steps done.
    On PostgreSQL one row, the steps as arrays (names, units' names, moments) in their order; elsewhere
    one row per step done (none: one row of NULLs). Plain SQL: the lookup is the busiest public request,
    and building it with the ORM cost three times what the database takes to answer it; the dossier's
    names are scalar subqueries, not joins, so that planning stays cheap (and on PostgreSQL the statement
    is prepared after a few calls: `_query`). See docs/PERFORMANCE.md, "Public status lookup"."""

    def table(model: Any) -> str:
        return str(model._meta.db_table)

    def column(model: Any, name: str) -> str:
        return str(model._meta.get_field(name).column)

    def named(model: Any, field: str, key: str) -> str:
        return f"(SELECT {field} FROM {table(model)} WHERE {model._meta.pk.column} = {key})"  # noqa: S608

    d, s = Dossier, DossierStep
    times = ", ".join(f"d.{column(d, name)}" for name in _TIMES)
    procedure, receiving, competent = (
        f"d.{column(d, name)}" for name in ("procedure", "receiving_unit", "competent_unit")
    )
    done = f"s.{column(s, 'dossier')} = d.{d._meta.pk.column} AND s.{column(s, 'finished_at')} IS NOT NULL"
    secret = column(d, "lookup_secret_hash")
    step_name, step_unit, finished, sequence = (
        f"s.{column(s, name)}" for name in ("name", "unit", "finished_at", "sequence")
    )
    # Names from the models' metadata; the code is a parameter.
    head = (
        f"SELECT d.{column(d, 'code')}, d.{column(d, 'status')}, d.{secret}, {times}, "
        f"{named(Procedure, 'code', procedure)}, {named(Procedure, 'name', procedure)}, "
        f"{receiving}, {named(Unit, 'name', receiving)}, {competent}, {named(Unit, 'name', competent)}, "
    )
    where = f"WHERE d.{column(d, 'code')} = %s"
    if postgresql:
        unit_name, unit_key = f"u.{column(Unit, 'name')}", f"u.{Unit._meta.pk.column}"
        return (
            f"{head}st.names, st.units, st.finished FROM {table(d)} d LEFT JOIN LATERAL ("  # noqa: S608
            f"SELECT array_agg({step_name} ORDER BY {sequence}) AS names, "
            f"array_agg({unit_name} ORDER BY {sequence}) AS units, "
            f"array_agg({finished} ORDER BY {sequence}) AS finished "
            f"FROM {table(s)} s LEFT JOIN {table(Unit)} u ON {unit_key} = {step_unit} WHERE {done}"
            f") st ON TRUE {where}"
        )
    return (
        f"{head}{step_name}, {named(Unit, 'name', step_unit)}, {finished} "
        f"FROM {table(d)} d LEFT JOIN {table(s)} s ON {done} {where} ORDER BY {sequence}"
    )


def public_status(*, code: str, secret: str) -> dict[str, Any] | None:
    """What the public may know of the dossier with this code and secret; None when either is wrong
    (the caller answers the same 404 for both). Served from the answer cache when it is on
    (`motcua.dossiers.lookup_cache`)."""
    if parse_code(code) is None:
        return None
    code = code.strip()
    token = None
    if lookup_cache.enabled():
        cached, token = lookup_cache.read(code)
        if cached is not None:
            secret_hash, known = cached
            return _labelled(known) if lookup_secret_matches(secret_hash, secret) else None
    found = _query(code)
    if found is None:
        return None
    secret_hash, known = found
    if token is not None:
        lookup_cache.store(code, token, found)
    return _labelled(known) if lookup_secret_matches(secret_hash, secret) else None


def _labelled(known: dict[str, Any]) -> dict[str, Any]:
    """The answer with its status label in the request's language (not cached: languages differ)."""
    return {**known, "status_label": str(Dossier.Status(known["status"]).label)}


def _query(code: str) -> tuple[str, dict[str, Any]] | None:
    """(the hash of the Form 01 secret, the answer without its status label), or None for no such code."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # A cursor that binds on the server: psycopg prepares a statement it has run a few times on a
        # connection (`prepare_threshold`), so the lookup is planned once per connection, not per call
        # (Django's own cursors bind on the client and are never prepared). Django's wrapper around it
        # keeps the query logging and the execute wrappers.
        connection.ensure_connection()
        wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
        cursor = wrapper(psycopg.Cursor(connection.connection), connection)
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(_public_sql(postgresql), [code])
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    steps: Iterable[tuple[str, str | None, Any]]
    if postgresql:
        steps = zip(first[15] or (), first[16] or (), first[17] or (), strict=True)
    else:
        steps = ((row[15], row[16], row[17]) for row in rows if row[15] is not None)
    return first[2], {
        "code": first[0],
        "status": first[1],
        "status_label": None,  # `_labelled` fills it in, in this place of the answer
        "procedure": {"code": first[9], "name": first[10]},
        "receiving_unit": {"id": first[11], "name": first[12]},
        "competent_unit": {"id": first[13], "name": first[14]},
        **{name: aware(first[3 + index]) for index, name in enumerate(_TIMES)},
        "steps_done": [{"name": name, "unit": unit, "finished_at": aware(at)} for name, unit, at in steps],
    }


def public_status_json(status: dict[str, Any]) -> dict[str, Any]:
    """`PublicStatusOut` as plain JSON values, written out by hand (pydantic's validation of the answer
    costs as much as the lookup's queries; a test keeps the two identical)."""
    return {
        **status,
        **{name: local_iso(status[name]) for name in _TIMES},
        "steps_done": [
            {**step, "finished_at": local_iso(step["finished_at"])} for step in status["steps_done"]
        ],
    }
