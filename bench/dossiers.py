"""Dossiers over HTTP: counter intakes per second, against plain SQL inserts of the same rows; and the
work-queue endpoint's latency at 1 and 16 concurrent clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench .venv/bin/python bench/dossiers.py
    options: --dossiers 2000 --clients 8 --workers 3 --queue-requests 400 --generate 1000000
             --skip-intake --queue-cache both|off|on --pages 10

What it does, against the PostgreSQL database of DATABASE_URL (created when missing):
1. Refuses a database holding data it did not put there: the bench claims an empty database with its own
   table `motcua_bench_claim`; a database with users or dossiers and without that claim is refused.
2. Migrates it, creates its world once (a province of its own with a commune, its service centre and
   agency codes, an intake officer and a specialist, a published 8-working-hour procedure), and, when
   `motcua generate` is available, the demo province it generates over (`motcua demo`).
3. Starts gunicorn (`--workers` sync workers, persistent database connections) on a free port, as
   production does, with a throw-away redis-server for the cache and the task queue when the machine has
   one (REDIS_URL; else the local-memory cache and a SQLite queue in its own MOTCUA_VAR_DIR). The queue
   is not consumed: the bench measures the web tier (slips and notifications run in the task workers).
4. Intake: `--clients` threads post counter intakes (`channel=direct`, `receive=true`: created, submitted
   and received in one transaction: code, appointment, three events, audit, outbox) with an
   Idempotency-Key each, `--dossiers` in all, at one agency (the worst case: the code sequence and the
   audit chain of one unit serialise them). Baseline: the same rows (dossier, component, events, steps,
   outbox, audit and idempotency rows of one dossier read back from the database) inserted with psycopg
   `executemany` into unindexed temporary tables, one transaction per dossier, from as many threads.
5. Queue: with `motcua generate` available (issue 5, edges), tops the database up to `--generate`
   dossiers first; then GET /api/v1/dossiers/queue as the specialist with the most dossiers in
   processing (without generate: the bench's own specialist, whose queue holds the intakes above), page
   after page through the cursor, by 1 and by 16 clients, and prints p50/p95/p99 (target: p95 <= 100 ms
   at 16); with, as the reference measured in the same run, GET /api/v1/dossiers/queue/counts (the same
   authentication and API stack, one indexed read of the counters). `--queue-cache both` (the default)
   measures twice, on a server without the page cache (QUEUE_CACHE=0: every page computed, "cold") and
   on one with it (Redis; the first read of each page computes it, the next ones are hits, counted from
   the X-Queue-Cache header).
"""

import argparse
import http.client
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTCUA_VAR_DIR", str(Path(tempfile.gettempdir()) / "motcua-bench-var"))
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.config.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # the demo and the world log every step at INFO

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from motcua.testing.servers import Gunicorn, Redis  # noqa: E402

CLAIM_TABLE = "motcua_bench_claim"
PROCEDURE_CODE = "9.999001.000.00.00.Y99"
QUEUE_TARGET_MS = 100
QUEUE_PATH = "/api/v1/dossiers/queue?role=specialist&limit=50"
COUNTS_PATH = "/api/v1/dossiers/queue/counts?role=specialist"


# --- the database ---------------------------------------------------------------------------------------


def conninfo() -> str:
    return os.environ["DATABASE_URL"]


def ensure_database() -> None:
    """Create the database of DATABASE_URL when it does not exist yet."""
    name = settings.DATABASES["default"]["NAME"]
    admin = psycopg.conninfo.make_conninfo(conninfo(), dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def claim_database() -> None:
    """Refuse a database with data the bench did not put there; claim an empty one."""
    tables = set(connection.introspection.table_names())
    if CLAIM_TABLE in tables:
        return
    for table in ("accounts_user", "dossiers_dossier", "organizations_unit"):
        if table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if cursor.fetchone()[0]:
                    sys.exit(
                        f"refused: {settings.DATABASES['default']['NAME']} holds data the bench did not "
                        f"create ({table} is not empty). Use an empty database, e.g. motcua_bench."
                    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {CLAIM_TABLE} (claimed_at timestamptz NOT NULL DEFAULT now())")
        cursor.execute(f"INSERT INTO {CLAIM_TABLE} DEFAULT VALUES")


def bench_world() -> dict[str, Any]:
    """The bench's own province (codes Y99.*, apart from the demo's), created on the first run: a
    commune with its service centre, an intake officer and a specialist, and a published 8-working-hour
    procedure with the default process (`motcua.dossiers.tests.helpers.make_procedure`)."""
    import datetime as dt
    from types import SimpleNamespace

    from motcua.accounts.models import Role, RoleGrant, User
    from motcua.catalog.models import Procedure
    from motcua.dossiers.tests.helpers import make_procedure
    from motcua.organizations.models import AgencyCode, Unit
    from motcua.organizations.services import unit_create

    if not User.objects.filter(username="bench.tiepnhan").exists():
        province = unit_create(name="Tỉnh Bench", level=Unit.Level.PROVINCE, kind=Unit.Kind.PEOPLES_COMMITTEE)
        commune = unit_create(
            name="Xã Bench", level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE, parent=province
        )
        centre = unit_create(
            name="Trung tâm Phục vụ hành chính công xã Bench",
            level=Unit.Level.COMMUNE,
            kind=Unit.Kind.SERVICE_CENTER,
            parent=commune,
        )
        for unit, code in ((province, "Y99"), (commune, "Y99.01"), (centre, "Y99.01.01")):
            AgencyCode.objects.create(unit=unit, code=code, valid_from=dt.date(2025, 7, 1))
        for username, role, unit in (
            ("bench.tiepnhan", Role.INTAKE_OFFICER, centre),
            ("bench.chuyenvien", Role.SPECIALIST, commune),
        ):
            user = User.objects.create_user(
                username=username, password=uuid.uuid4().hex, kind=User.Kind.STAFF, full_name=username
            )
            RoleGrant.objects.create(user=user, role=role, unit=unit)
        make_procedure(SimpleNamespace(province=province), code=PROCEDURE_CODE)  # type: ignore[arg-type]
    intake = User.objects.get(username="bench.tiepnhan")
    return {
        "intake": intake,
        "specialist": User.objects.get(username="bench.chuyenvien"),
        "centre": intake.grants.get().unit,
        "procedure": Procedure.objects.get(code=PROCEDURE_CODE),
    }


def token_for(user: Any) -> str:
    from motcua.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, owner=user, name=f"bench {uuid.uuid4().hex[:8]}")
    return secret


def dossier_total() -> int:
    """Dossiers in the database, from the per-status counters (never a COUNT over the dossiers)."""
    from django.db.models import Sum

    from motcua.dossiers.models import DossierStatusCounter

    rows = DossierStatusCounter.objects.filter(part=DossierStatusCounter.Part.RECEIVING)
    return int(rows.aggregate(total=Sum("value"))["total"] or 0)


# --- the server -----------------------------------------------------------------------------------------


class Server(Gunicorn):
    """gunicorn serving motcua on a free local port, with the bench's database, Redis and page cache."""

    def __init__(self, workers: int, redis_url: str, *, queue_cache: bool = True) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": conninfo(),
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "THROTTLE_EXEMPT_IPS": "127.0.0.1",
            "REDIS_URL": redis_url,
            # the work-queue page cache (motcua/dossiers/queue_cache.py), on by default with Redis
            "QUEUE_CACHE": "1" if queue_cache and redis_url else "0",
        }
        super().__init__(workers, env, cwd=ROOT, log_prefix="motcua-bench-")


def request(method: str, url: str, token: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    prepared = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(prepared, timeout=120) as response:  # our own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def in_threads(clients: int, work: Callable[[int], None]) -> float:
    """Run `work(client)` in `clients` threads started together; the wall time in seconds."""
    barrier = threading.Barrier(clients + 1)
    failures: list[Exception] = []

    def run(client: int) -> None:
        barrier.wait()
        try:
            work(client)
        except Exception as error:  # noqa: BLE001 (re-raised in the main thread after the join)
            failures.append(error)

    threads = [threading.Thread(target=run, args=(client,)) for client in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise failures[0]
    return elapsed


# --- 1. intake over HTTP ----------------------------------------------------------------------------------


def intake_payload(world: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "procedure": PROCEDURE_CODE,
        "channel": "direct",
        "receive": True,
        "receiving_unit": world["centre"].pk,
        "return_method": "counter",
        "applicant": {"name": f"Nguyễn Văn Bench {n}", "address": "Thôn 1, xã Ea Kar", "phone": "0912345678"},
    }


def http_intake(
    server: Server, world: dict[str, Any], token: str, total: int, clients: int
) -> tuple[float, str]:
    """Dossiers created and received per second; the public id of one of them."""
    created: list[str] = []
    per_client = total // clients

    def work(client: int) -> None:
        for index in range(per_client):
            status, body = request(
                "POST",
                f"{server.url}/api/v1/dossiers",
                token,
                intake_payload(world, client * per_client + index),
                **{"Idempotency-Key": uuid.uuid4().hex},
            )
            if status != 201:
                raise RuntimeError(f"counter intake answered {status}: {body}")
            created.append(body["id"])

    elapsed = in_threads(clients, work)
    return len(created) / elapsed, created[-1]


# --- 2. the same rows with plain SQL -------------------------------------------------------------------


def rows_of(public_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row one counter intake inserted, per table (read back from the database)."""
    from django.contrib.contenttypes.models import ContentType

    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.get(public_id=public_id)
    kind = ContentType.objects.get_for_model(Dossier).pk
    selections = {
        "dossiers_dossier": ("id = %s", [dossier.pk]),
        "dossiers_dossiercomponent": ("dossier_id = %s", [dossier.pk]),
        "dossiers_dossierevent": ("dossier_id = %s", [dossier.pk]),
        "dossiers_dossierstep": ("dossier_id = %s", [dossier.pk]),
        "core_outboxevent": ("aggregate_type_id = %s AND aggregate_id = %s", [kind, str(dossier.pk)]),
        "core_auditrecord": ("object_type_id = %s AND object_id = %s", [kind, str(dossier.pk)]),
        "dossiers_idempotencyrecord": ("body LIKE %s", [f'%"{public_id}"%']),
    }
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(conninfo()) as conn:  # psycopg's own loaders: JSON comes back as Python values
        for table, (where, params) in selections.items():
            found = conn.execute(f"SELECT * FROM {table} WHERE {where}", params).fetchall()
            rows[table] = [
                tuple(Jsonb(value) if isinstance(value, dict | list) else value for value in row)
                for row in found
            ]
    return rows


def sql_inserts(rows: dict[str, list[tuple[Any, ...]]], total: int, clients: int) -> float:
    """Dossiers' worth of rows inserted per second: each dossier's rows in one transaction, executemany
    per table, into unindexed temporary copies of the tables."""
    per_client = total // clients

    def work(_client: int) -> None:
        with psycopg.connect(conninfo()) as conn:
            statements = []
            for table, table_rows in rows.items():
                conn.execute(f"CREATE TEMP TABLE bench_{table} (LIKE {table})")
                marks = ", ".join(["%s"] * len(table_rows[0])) if table_rows else ""
                statements.append((f"INSERT INTO bench_{table} VALUES ({marks})", table_rows))
            conn.commit()
            for _ in range(per_client):
                with conn.transaction(), conn.cursor() as cursor:
                    for statement, table_rows in statements:
                        if table_rows:
                            cursor.executemany(statement, table_rows)

    elapsed = in_threads(clients, work)
    return per_client * clients / elapsed


# --- 3. the work queue -----------------------------------------------------------------------------------


def has_generate() -> bool:
    try:
        return importlib.util.find_spec("motcua.dossiers.management.commands.generate") is not None
    except ModuleNotFoundError:
        return False


def generate_to(target: int) -> None:
    """Top the database up to `target` dossiers with `motcua generate`, when it exists."""
    have = dossier_total()
    if have >= target:
        return
    print(f"generating {target - have} dossiers with `manage.py generate` (have {have}) ...", flush=True)
    started = time.perf_counter()
    call_command("generate", dossiers=target - have, seed=1, no_progress=True)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum would refresh them
        cursor.execute("ANALYZE")
    analyzed = time.perf_counter() - started - generated
    print(f"generated {target - have} dossiers in {generated:.0f} s; ANALYZE {analyzed:.0f} s")


def busiest_specialist() -> Any:
    """The specialist whose units decide the most dossiers in processing (from the counters)."""
    from django.db.models import Sum

    from motcua.accounts.models import Role, RoleGrant
    from motcua.dossiers.models import DossierStatusCounter
    from motcua.organizations.models import Unit

    def load(grant: Any) -> int:
        units = Unit.objects.subtree_of(grant.unit).values("pk")
        rows = DossierStatusCounter.objects.filter(
            part=DossierStatusCounter.Part.COMPETENT, status="processing", unit__in=units
        )
        return int(rows.aggregate(total=Sum("value"))["total"] or 0)

    grants = RoleGrant.objects.active().filter(role=Role.SPECIALIST).select_related("unit", "user")
    return max(grants, key=load).user


def get_json(url: str, token: str) -> tuple[int, Any, str]:
    """GET: status, JSON body and the X-Queue-Cache header ("hit" when the page came from the cache).
    Plain http.client, not urllib's opener machinery: the clients share the server's two cores, and
    what they spend is added to every latency measured."""
    parts = urllib.parse.urlsplit(url)
    connection_ = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        connection_.request("GET", f"{parts.path}?{parts.query}", headers=headers)
        response = connection_.getresponse()
        body = response.read()
        return response.status, json.loads(body or b"null"), response.getheader("X-Queue-Cache", "")
    finally:
        connection_.close()


def queue_latencies(
    server: Server,
    token: str,
    clients: int,
    requests: int,
    pages: int,
    *,
    path: str = QUEUE_PATH,
    hits: list[int] | None = None,
) -> list[float]:
    """Milliseconds per GET of the specialist's queue: each client reads the first page and follows
    `next_cursor` for up to `pages` pages, again and again, until it has made its share of requests.
    With `path=COUNTS_PATH`: the reference, the queue's counts (the same authentication and API stack,
    one read of the counters). `hits` gets one entry per page served from the page cache."""
    latencies: list[float] = []
    per_client = max(1, requests // clients)
    base = f"{server.url}{path}"

    def work(_client: int) -> None:
        done, cursor, page = 0, None, 0
        while done < per_client:
            url = base if cursor is None else f"{base}&cursor={cursor}"
            start = time.perf_counter()
            status, body, cache_state = get_json(url, token)
            latencies.append((time.perf_counter() - start) * 1000)
            if status != 200:
                raise RuntimeError(f"queue answered {status}: {body}")
            if hits is not None and cache_state == "hit":
                hits.append(1)
            done, page = done + 1, page + 1
            cursor = body.get("next_cursor") if page < pages else None
            if cursor is None:
                page = 0

    in_threads(clients, work)
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure_queue(
    server: Server, args: argparse.Namespace, specialist: Any, token: str, total: int, *, cached: bool
) -> None:
    """The queue and the reference at 1 and 16 clients, on a server with or without the page cache."""
    title = (
        "WITH the page cache (warm after the first pass; hits counted)"
        if cached
        else "WITHOUT the page cache (cold: every page computed)"
    )
    print(
        f"\nWork queue GET /api/v1/dossiers/queue?role=specialist as {specialist.username}, "
        f"{total} dossiers in the database, {title}:"
    )
    print(
        f"  {'GET':10} {'clients':>8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'mean ms':>8} {'hits':>6} {'load avg':>9}"
    )
    for clients in (1, 16):
        for name, path in (("queue", QUEUE_PATH), ("counts", COUNTS_PATH)):
            hits: list[int] = []
            latencies = queue_latencies(
                server, token, clients, args.queue_requests, args.pages, path=path, hits=hits
            )
            p95 = percentile(latencies, 95)
            verdict = ""
            if clients == 16 and name == "queue":
                verdict = "  target met" if p95 <= QUEUE_TARGET_MS else "  target missed"
            load = os.getloadavg()[0]
            print(
                f"  {name:10} {clients:>8} {len(latencies):>9} {percentile(latencies, 50):8.1f} "
                f"{p95:8.1f} {percentile(latencies, 99):8.1f} {statistics.fmean(latencies):8.1f} "
                f"{len(hits) if name == 'queue' else '':>6} {load:9.2f}{verdict}"
            )
    print("  (counts: the reference in the same run, the same API stack reading one row per state)")


# --- main ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dossiers", type=int, default=2000, help="counter intakes over HTTP")
    parser.add_argument("--clients", type=int, default=8, help="client threads for the intake")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4)")
    parser.add_argument("--queue-requests", type=int, default=400, help="queue GETs per concurrency level")
    parser.add_argument("--pages", type=int, default=10, help="pages followed through the cursor")
    parser.add_argument("--generate", type=int, default=1_000_000, help="dossiers for the queue part")
    parser.add_argument("--skip-intake", action="store_true", help="measure the queue only")
    parser.add_argument(
        "--queue-cache",
        choices=("both", "off", "on"),
        default="both",
        help="the work queue without its page cache (cold: every page computed), with it, or both",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench/dossiers.py runs against PostgreSQL: set DATABASE_URL=postgres://…/motcua_bench")
    if not 2 <= args.workers <= 4:
        sys.exit("--workers: 2 to 4")

    ensure_database()
    claim_database()
    call_command("migrate", verbosity=0)
    generating = has_generate()
    if generating:  # `motcua generate` draws its dossiers over the demo's units, staff and procedures
        call_command("demo", if_empty=True, verbosity=0)
    world = bench_world()
    intake_token = token_for(world["intake"])
    redis = Redis()
    print(
        f"PostgreSQL {connection.pg_version // 10000}, gunicorn {args.workers} sync workers, "
        f"{os.cpu_count()} CPUs, {settings.DATABASES['default']['NAME']}, "
        f"cache and task queue: {'Redis' if redis.url else 'local memory and SQLite (no redis-server)'}"
    )
    server = Server(args.workers, redis.url)
    try:
        if not args.skip_intake:
            http_intake(server, world, intake_token, 40, 4)  # warm-up: connections, imports, caches
            rate, sample = http_intake(server, world, intake_token, args.dossiers, args.clients)
            rows = rows_of(sample)
            baseline = sql_inserts(rows, args.dossiers, args.clients)
            shape = ", ".join(f"{table.split('_', 1)[1]} {len(found)}" for table, found in rows.items())
            print(
                f"\nCounter intake (create + submit + receive), {args.dossiers} dossiers, "
                f"{args.clients} clients:"
            )
            print(f"  {'over HTTP':32} {rate:10.1f} dossiers/s")
            print(f"  {'same rows, plain SQL inserts':32} {baseline:10.1f} dossiers/s   ({shape})")
            print(f"  {'ratio HTTP / SQL':32} {rate / baseline:10.3f}   (1 / {baseline / rate:.0f})")
        if generating:
            generate_to(args.generate)
            specialist = busiest_specialist()
        else:
            print("\n`motcua generate` is not available: the queue is measured over the dossiers there are.")
            specialist = world["specialist"]
        specialist_token = token_for(specialist)
        total = dossier_total()
        modes = {"off": [False], "on": [True], "both": [False, True]}[args.queue_cache]
        for cached in modes:
            if cached and not redis.url:
                print("\nno redis-server: the page cache is not measured (the workers must share it)")
                continue
            server.stop()
            server = Server(args.workers, redis.url, queue_cache=cached)
            measure_queue(server, args, specialist, specialist_token, total, cached=cached)
    finally:
        server.stop()
        redis.stop()


if __name__ == "__main__":
    main()
