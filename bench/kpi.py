"""The service index (QĐ 766) at the scale of a merged province: the index over HTTP, and `recompute`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_kpi .venv/bin/python bench/kpi.py
    options: --dossiers 5000000 --requests 200 --workers 4 --clients 4 --recompute-jobs 2
             --existing (a database prepared already, e.g. by `motcua generate`: used as it is)
             --prepare-only (generate, then stop) --skip-recompute (keep the counters)

Against the PostgreSQL database of DATABASE_URL:
1. Without `--existing`: creates the database when missing, refuses one holding data it did not put there
   (it claims an empty one with its own table `motcua_bench_kpi_claim`), migrates it, loads the demo
   (`motcua demo`: a province, its communes, staff, procedures) and tops it up to `--dossiers` with
   `motcua generate` (issue 5: a year of history up to now, every dossier with the events, steps and
   components the services would have written). With `--existing` the database is used as it is (a
   shared one prepared by `motcua generate`): the bench only migrates it, adds its supervisor account
   and token and fills the KPI tables (`recompute`).
2. `recompute` (motcua.kpi.recompute, `--recompute-jobs` processes folding): every KPI fact and counter
   rebuilt from the dossier events, timed by phase; and, in the same run, one plain SQL aggregate over
   the dossiers table (received and on-time dossiers per competent unit, the naive way to compute 2.1),
   the best of three: the ratio of the two is what rebuilding the index from its source costs against
   reading the dossiers once. The KPI tables are then vacuumed and analysed, as autovacuum would.
3. Starts gunicorn (`--workers` sync workers, persistent connections) on a free port, as production
   does, and asks GET /api/v1/kpi/index with a bearer token of a province supervisor: the province and its
   busiest commune, for the running year (judged now: the facts of dossiers due today are read too) and
   for the previous year (closed), `--requests` times each after a warm-up, first by one client, then by
   `--clients` concurrent clients. The reference, measured in the same rounds: GET /api/v1/accounts/me
   with the same token (the same server, authentication and JSON, no KPI). Prints p50/p95/max and the
   ratio of each p95 to the reference's; the target is p95 <= 200 ms.

The machine's load average is printed at each stage: on a shared machine it says what the figures are
worth.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTCUA_VAR_DIR", str(Path(tempfile.gettempdir()) / "motcua-bench-kpi-var"))
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.config.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.testing.servers import Gunicorn  # noqa: E402

CLAIM_TABLE = "motcua_bench_kpi_claim"
TARGET_MS = 200


# --- the database ---------------------------------------------------------------------------------------


def ensure_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    admin = psycopg.conninfo.make_conninfo(os.environ["DATABASE_URL"], dbname="postgres")
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
                        f"create ({table} is not empty). Use an empty database, e.g. motcua_bench_kpi."
                    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {CLAIM_TABLE} (claimed_at timestamptz NOT NULL DEFAULT now())")
        cursor.execute(f"INSERT INTO {CLAIM_TABLE} DEFAULT VALUES")


def dossier_total() -> int:
    from motcua.dossiers.models import DossierStatusCounter

    rows = DossierStatusCounter.objects.filter(part=DossierStatusCounter.Part.RECEIVING)
    return int(rows.aggregate(total=Sum("value"))["total"] or 0)


def generate_to(target: int, jobs: int) -> float:
    have = dossier_total()
    if have >= target:
        print(f"{have:,} dossiers already generated: reused")
        return 0.0
    print(f"generating {target - have:,} dossiers with `motcua generate` (have {have:,}) ...", flush=True)
    started = time.perf_counter()
    call_command("generate", dossiers=target - have, seed=1, jobs=jobs, no_progress=True)
    return time.perf_counter() - started


def table_rows(table: str) -> int:
    """The planner's row estimate (exact after ANALYZE), not a COUNT over millions of rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def analyze(tables: list[str]) -> None:
    """VACUUM (ANALYZE) of the tables written in bulk, as autovacuum would (index-only scans need it)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} ({os.cpu_count()} CPUs)"


def plain_aggregate() -> tuple[float, int]:
    """One GROUP BY over the dossiers: received and on-time dossiers per competent unit (best of 3)."""
    sql = (
        "SELECT competent_unit_id, count(*), "
        "count(*) FILTER (WHERE ended_at IS NOT NULL AND ended_at <= appointment_at) "
        "FROM dossiers_dossier WHERE received_at IS NOT NULL GROUP BY competent_unit_id"
    )
    best, groups = float("inf"), 0
    for _attempt in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            groups = len(cursor.fetchall())
        best = min(best, time.perf_counter() - started)
    return best, groups


# --- who asks, about what ---------------------------------------------------------------------------------


def supervisor_token(province: Any) -> str:
    from motcua.accounts.models import Role, RoleGrant, User
    from motcua.accounts.services import api_token_create

    user, created = User.objects.get_or_create(
        username="bench.giamsat.tinh", defaults={"kind": User.Kind.STAFF, "full_name": "Giám sát (bench)"}
    )
    if created:
        user.set_password(uuid.uuid4().hex)
        user.save(update_fields=["password"])
        RoleGrant.objects.create(user=user, role=Role.SUPERVISOR, unit=province)
    _token, secret = api_token_create(actor=user, owner=user, name=f"bench kpi {uuid.uuid4().hex[:8]}")
    return secret


def province_and_busiest_commune() -> tuple[Any, Any]:
    """The root unit with the most dossiers counted, and its commune with the most."""
    from motcua.kpi.counters import UnitMonthCounter
    from motcua.organizations.models import Unit

    by_unit = dict(
        UnitMonthCounter.objects.values("unit_id")
        .annotate(total=Sum("received"))
        .values_list("unit_id", "total")
    )
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=list(by_unit))}
    roots: dict[str, int] = {}
    for pk, total in by_unit.items():
        roots[units[pk].path[:8]] = roots.get(units[pk].path[:8], 0) + total
    province = Unit.objects.get(path=max(roots, key=lambda path: roots[path]))
    communes: dict[int, int] = {}
    for pk, total in by_unit.items():
        unit = units[pk]
        if unit.path.startswith(province.path) and unit.level == Unit.Level.COMMUNE:
            top = next(u for u in Unit.objects.ancestors_of(unit) if u.level == Unit.Level.COMMUNE)
            communes[top.pk] = communes.get(top.pk, 0) + total
    commune = Unit.objects.get(pk=max(communes, key=lambda pk: communes[pk]))
    return province, commune


# --- the server -----------------------------------------------------------------------------------------


def start_server(workers: int) -> Gunicorn:
    """gunicorn serving motcua on a free local port, as production does."""
    env = {**os.environ, "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", "DEBUG": "0"}
    return Gunicorn(workers, env, cwd=ROOT, log_prefix="motcua-bench-kpi-")


def fetch(url: str, token: str) -> tuple[float, dict[str, Any]]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # our own server
        body = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, body


def timed(url: str, token: str, requests: int, clients: int) -> list[float]:
    """The latencies of `requests` GETs of `url` made by `clients` concurrent clients."""
    if clients == 1:
        return [fetch(url, token)[0] for _ in range(requests)]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(lambda _n: fetch(url, token)[0], range(requests)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dossiers", type=int, default=5_000_000, help="dossiers in the database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the second round")
    parser.add_argument(
        "--recompute-jobs", type=int, default=os.cpu_count() or 1, help="processes folding in `recompute`"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes of `generate`")
    parser.add_argument("--skip-recompute", action="store_true", help="keep the counters of an earlier run")
    parser.add_argument("--prepare-only", action="store_true", help="generate the dossiers, then stop")
    parser.add_argument(
        "--existing", action="store_true", help="use the database as it is (prepared by `motcua generate`)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench/kpi.py runs against PostgreSQL: set DATABASE_URL=postgres://…/motcua_bench_kpi")

    from motcua.kpi.counters import (
        COUNTER_MODELS,
        DossierFact,
        ProcedureDayCounter,
        UnitDayCounter,
        UnitMonthCounter,
    )
    from motcua.kpi.recompute import recompute

    generated = 0.0
    if not args.existing:
        ensure_database()
        claim_database()
    call_command("migrate", verbosity=0)  # an existing database too: the indexes the index reads
    if not args.existing:
        call_command("demo", if_empty=True, verbosity=0)
        generated = generate_to(args.dossiers, args.jobs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier, dossiers_dossierevent")  # the row counts below
    dossiers = table_rows("dossiers_dossier")
    events = table_rows("dossiers_dossierevent")
    print(
        f"PostgreSQL {connection.pg_version // 10000}, {settings.DATABASES['default']['NAME']}: "
        f"{dossiers:,} dossiers, {events:,} events"
        + (f" (generated in {generated:.0f} s)" if generated else "")
        + f"; {load()}",
        flush=True,
    )

    if args.prepare_only:
        return
    report, wall = None, 0.0
    if not args.skip_recompute or not DossierFact.objects.exists():
        print(f"recompute ({args.recompute_jobs} processes) ... {load()}", flush=True)
        started = time.perf_counter()
        report = recompute(jobs=args.recompute_jobs)
        wall = time.perf_counter() - started
        print(f"recompute done in {wall:.1f} s; {load()}", flush=True)
        analyze([DossierFact._meta.db_table, *(model._meta.db_table for model in COUNTER_MODELS)])
    aggregate, groups = plain_aggregate()
    print(f"plain aggregate {aggregate:.2f} s; {load()}", flush=True)

    province, commune = province_and_busiest_commune()
    token = supervisor_token(province)
    year = timezone.localdate().year
    cases = [
        (f"province, {year} (running)", province, str(year)),
        (f"commune, {year} (running)", commune, str(year)),
        (f"province, {year - 1} (closed)", province, str(year - 1)),
        (f"commune, {year - 1} (closed)", commune, str(year - 1)),
    ]
    server = start_server(args.workers)
    results: list[tuple[str, str, int, float, int, list[float]]] = []
    try:
        reference_url = f"{server.url}/api/v1/accounts/me"
        for clients in (1, args.clients):
            print(f"HTTP round, {clients} client(s): {load()}", flush=True)
            fetch(reference_url, token)
            reference = timed(reference_url, token, args.requests, clients)
            results.append(("reference: GET /api/v1/accounts/me", "", 0, 0.0, clients, reference))
            for label, unit, period in cases:
                url = f"{server.url}/api/v1/kpi/index?unit={unit.pk}&period={period}"
                for _warm in range(10):
                    _ms, body = fetch(url, token)
                received = next(i for i in body["indicators"] if i["id"] == "2.1")["denominator"]
                timings = timed(url, token, args.requests, clients)
                results.append((label, unit.name, received, body["total"], clients, timings))
                print(
                    f"  {label}, {clients} client(s): p50 {percentile(timings, 50):.1f} ms, "
                    f"p95 {percentile(timings, 95):.1f} ms",
                    flush=True,
                )
        print(f"HTTP rounds done: {load()}", flush=True)
    finally:
        server.stop()

    print(
        f"\nKPI tables: {table_rows('kpi_dossierfact'):,} dossier facts, "
        f"{table_rows(ProcedureDayCounter._meta.db_table):,} per procedure and day, "
        f"{table_rows(UnitDayCounter._meta.db_table):,} per unit and day, "
        f"{table_rows(UnitMonthCounter._meta.db_table):,} per unit and month"
    )
    if report is not None:
        phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items())
        print(
            f"\nrecompute ({report.jobs} processes): {report.events:,} events of {report.dossiers:,} "
            f"dossiers in {report.total_seconds:.1f} s ({phases}; {wall:.1f} s around the call)"
        )
        print(f"plain SQL aggregate over dossiers_dossier ({groups} competent units): {aggregate:.2f} s")
        print(f"ratio recompute / aggregate: {report.total_seconds / aggregate:.1f}")
    else:
        print(f"\nplain SQL aggregate over dossiers_dossier: {aggregate:.2f} s (no recompute)")
    print(
        f"\nGET /api/v1/kpi/index, gunicorn {args.workers} workers, {args.requests} requests per case "
        f"and concurrency (spread over the clients); the reference is the same token's GET /accounts/me:"
    )
    print(
        f"  {'case':36} {'unit':36} {'received':>10} {'total':>6} {'clients':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'p95/ref':>7}"
    )
    worst = 0.0
    reference_p95: dict[int, float] = {}
    for label, name, received, total, clients, timings in results:
        p95 = percentile(timings, 95)
        if label.startswith("reference"):
            reference_p95[clients] = p95
        else:
            worst = max(worst, p95)
        print(
            f"  {label:36} {name[:36]:36} {received:>10,} {total:>6} {clients:>7} "
            f"{percentile(timings, 50):7.1f} {p95:7.1f} {max(timings):7.1f} "
            f"{p95 / reference_p95[clients]:7.1f}"
        )
    verdict = "met" if worst <= TARGET_MS else "missed"
    print(
        f"\ntarget p95 <= {TARGET_MS} ms: {verdict} (worst p95 {worst:.1f} ms), "
        f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    )


if __name__ == "__main__":
    main()
