"""How fast is the catalogue search at 10,000 procedures? p50/p95 of GET /api/v1/procedures?q=… through
a real server, against an exact look-up by code through the same endpoint in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_catalog .venv/bin/python bench/catalog.py
    .venv/bin/python bench/catalog.py          # SQLite: a fresh file in a temporary directory

The database must be empty (it is migrated here) or one this bench filled before (then it is reused); a
database holding anything else is refused. It loads the demo catalogue through the services and 9,984
synthetic procedures in bulk (`motcua.catalog.tests.synthetic`), indexes them for search, starts gunicorn
on a free port (one sync worker, production settings, persistent database connections), and sends a few
hundred realistic queries: one to three words taken from the catalogue's own names and sectors, half of
them typed without diacritics, a fifth of them cut half-way through the last word, each followed by an
exact look-up of a national code (`?code=2.000815`, an indexed equality through the same stack) so that
both series see the same machine. Target: search p95 ≤ 50 ms (issue 4).

    BENCH_QUERIES=300 BENCH_PROCEDURES=10000 BENCH_WORKERS=1
"""

import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VAR_DIR = Path(tempfile.mkdtemp(prefix="motcua-bench-catalog-"))
os.environ["MOTCUA_VAR_DIR"] = str(VAR_DIR)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bench.sqlite3'}")
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.config.settings"
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from motcua.accounts.models import User  # noqa: E402
from motcua.catalog.demo_catalogue import DEPARTMENT_KEYS, load_demo_catalogue  # noqa: E402
from motcua.catalog.models import Procedure, ProcedureSearchTerm, Sector  # noqa: E402
from motcua.catalog.search import search_reindex  # noqa: E402
from motcua.catalog.tests.synthetic import load_synthetic_catalogue  # noqa: E402
from motcua.organizations.models import Unit  # noqa: E402
from motcua.organizations.search_text import fold  # noqa: E402
from motcua.organizations.services import unit_create  # noqa: E402

PROCEDURES = int(os.environ.get("BENCH_PROCEDURES", "10000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "300"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
WARM_UP = 30
MARKER = "bench.catalog"  # external key of the bench's root unit
TARGET_P95_MS = 50.0


class Refused(SystemExit):
    pass


# --- the database ---------------------------------------------------------------------------------------


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def check_database() -> bool:
    """True if the bench data is already there; False if the database is empty; refuse otherwise."""
    tables = _tables()
    if "organizations_unit" not in tables:
        return False
    root = Unit.objects.filter(external_key=MARKER).first()
    units = Unit.objects.count()
    users = User.objects.count() if "accounts_user" in tables else 0
    procedures = Procedure.objects.count() if "catalog_procedure" in tables else 0
    if root is None:
        if units or users or procedures:
            raise Refused(
                f"{connection.settings_dict['NAME']} holds data that is not this bench's ({units} units, "
                f"{users} users, {procedures} procedures): give an empty database in DATABASE_URL."
            )
        return False
    if users or Unit.objects.exclude(path__startswith=root.path).exists():
        raise Refused("the database holds units or users outside the bench's own tree: refusing")
    return procedures == PROCEDURES


def load() -> dict[str, float]:
    """Units, the demo catalogue (services), synthetic procedures (bulk), the search index."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        external_key=MARKER,
    )
    units = {"tinh": province}
    departments = {
        "tuphap": "Sở Tư pháp",
        "xaydung": "Sở Xây dựng",
        "nnmt": "Sở Nông nghiệp và Môi trường",
        "taichinh": "Sở Tài chính",
        "yte": "Sở Y tế",
        "congan": "Công an tỉnh",
        "ttpvhcc.tinh": "Trung tâm Phục vụ hành chính công tỉnh",
    }
    for key in DEPARTMENT_KEYS:
        kind = Unit.Kind.SERVICE_CENTER if key.startswith("ttpvhcc") else Unit.Kind.DEPARTMENT
        units[key] = unit_create(
            name=departments[key],
            level=Unit.Level.PROVINCE,
            kind=kind,
            parent=province,
            external_key=f"{MARKER}.{key}",
        )
    communes = [
        unit_create(
            name=f"Ủy ban nhân dân xã Thử Nghiệm {number}",
            level=Unit.Level.COMMUNE,
            kind=Unit.Kind.PEOPLES_COMMITTEE,
            parent=province,
            external_key=f"{MARKER}.xa{number}",
        )
        for number in range(1, 21)
    ]
    load_demo_catalogue(province=province, departments=units, communes=communes)
    search_reindex()
    timings["demo catalogue (services)"] = time.perf_counter() - start
    start = time.perf_counter()
    owners = [*(units[key] for key in ("tuphap", "xaydung", "nnmt", "taichinh", "yte")), *communes[:5]]
    load_synthetic_catalogue(count=PROCEDURES - Procedure.objects.count(), owners=owners)
    timings[f"{PROCEDURES - 16} synthetic procedures (bulk) and their index"] = time.perf_counter() - start
    return timings


# --- the queries ----------------------------------------------------------------------------------------


def realistic_queries(count: int, seed: int = 7) -> list[str]:
    """One to three adjacent words of real names and sectors, as people type them."""
    rng = random.Random(seed)
    names = list(Procedure.objects.values_list("name", flat=True)) + list(
        Sector.objects.values_list("name", flat=True)
    )
    fixed = [
        "khai sinh",
        "đăng ký khai sinh",
        "KHAI SINH",
        "ket hon",
        "chứng thực bản sao",
        "giay phep xay dung",
    ]
    queries = list(fixed)
    while len(queries) < count:
        words = rng.choice(names).replace(",", " ").split()
        if not words:
            continue
        size = rng.choice((1, 2, 2, 3, 3))
        first = rng.randrange(max(len(words) - size + 1, 1))
        text = " ".join(words[first : first + size])
        if rng.random() < 0.5:
            text = fold(text)
        if rng.random() < 0.2 and len(text.split()[-1]) > 3:
            text = text[: len(text) - len(text.split()[-1]) // 2]
        queries.append(text.lower() if rng.random() < 0.7 else text)
    return queries[:count]


def national_codes(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    codes = list(Procedure.objects.exclude(national_code="").values_list("national_code", flat=True))
    return ["2.000815", *rng.sample(codes, min(count - 1, len(codes)))]


# --- the server -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    command = [
        gunicorn,
        "motcua.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def get(port: int, path: str) -> tuple[int, float, bytes]:
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    connection_.request("GET", path)
    response = connection_.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    connection_.close()
    return response.status, elapsed, body


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(share * (len(ordered) - 1)), len(ordered) - 1)]


def main() -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    reused = check_database()
    call_command("migrate", verbosity=0)
    if not reused:
        if Procedure.objects.exists():
            raise Refused("the database already holds procedures: give an empty database")
        for label, seconds in load().items():
            print(f"loaded {label} in {seconds:.1f} s")
    else:
        print("reusing the bench data already loaded")
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets the
        # search read the covering index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"procedures: {Procedure.objects.filter(latest_version__isnull=False).count()}, "
        f"search rows: {ProcedureSearchTerm.objects.count()}"
    )
    searches = realistic_queries(QUERIES)
    codes = national_codes(QUERIES)
    connection.close()

    port = free_port()
    server = start_server(port)
    try:
        for query in searches[:WARM_UP]:
            get(port, "/api/v1/procedures?" + urllib.parse.urlencode({"q": query}))
        search_times, code_times, empty = [], [], 0
        for index in range(QUERIES):
            status, seconds, body = get(
                port, "/api/v1/procedures?" + urllib.parse.urlencode({"q": searches[index]})
            )
            if status != 200:
                raise SystemExit(f"search {searches[index]!r} answered {status}: {body[:200]!r}")
            empty += body.startswith(b'{"count": 0')
            search_times.append(seconds * 1000)
            status, seconds, body = get(
                port, "/api/v1/procedures?" + urllib.parse.urlencode({"code": codes[index % len(codes)]})
            )
            if status != 200 or body.startswith(b'{"count": 0'):
                raise SystemExit(f"code look-up answered {status}: {body[:200]!r}")
            code_times.append(seconds * 1000)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    p95_code = percentile(code_times, 0.95)
    print()
    print("| endpoint | requests | p50 ms | p95 ms | max ms | p95 / code look-up p95 |")
    print("|---|---|---|---|---|---|")
    for label, times in (("search ?q=…", search_times), ("code look-up ?code=…", code_times)):
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"| {label} | {len(times)} | {p50:.1f} | {p95:.1f} | {max(times):.1f} | {p95 / p95_code:.2f} |")
    print()
    verdict = "met" if percentile(search_times, 0.95) <= TARGET_P95_MS else "NOT met"
    print(
        f"target search p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict}; {empty} of {QUERIES} searches found nothing"
    )
    shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
