"""Load: a busy morning over real HTTP, and the public status lookup against a static response.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench1m .venv/bin/python bench/load.py
    options: --duration 60 --clients 16 --workers 4 --processes 2 --warmup 5 --lookup-duration 15
             --mix lookup=35,search=12,procedure=8,submit=5,queue=20,act=12,dashboard=8
             --mode both|mix|lookup --max-requests 0 (no cap)

Against the PostgreSQL database of DATABASE_URL, holding dossiers made by `motcua demo` and `motcua
generate` (the bench creates no data of its own: it reads a sample of the database, and the only rows it
writes are those the mix's requests write, plus one API token per account it acts as, deleted at the end):

1. Prepares, in this process: bearer tokens for the accounts it acts as (the demo's citizens and
   organisation, every intake officer, specialist and leader, a province supervisor); a sample of dossier
   codes with their 6-character secrets, derived as the application derives them
   (`derive_lookup_secret(public_id)` with the installation's SECRET_KEY, the one `motcua generate` used;
   each is checked against the stored hash, and the bench stops when none matches); words of the
   catalogue's procedure names (half typed without diacritics); the e-form answers of the online
   procedures the demo's citizens apply for at a commune centre (`motcua.dossiers.demo_dossiers`).
2. Starts gunicorn (`--workers` sync workers, persistent database connections, production settings) on a
   free port of 127.0.0.1, with a throw-away redis-server for the cache and the task queue when the machine
   has one (the queue is not consumed: the bench measures the web tier). THROTTLE_EXEMPT_IPS=127.0.0.1
   exempts the bench from the only limit the mix meets, the public lookup's per-address throttle (tokens
   never go through the login throttle). A static file, as large as a lookup answer, is written to the
   server's STATIC_ROOT and served by whitenoise: the reference of step 4.
3. The mix: `--clients` closed-loop clients (threads spread over `--processes` processes; http.client,
   no think time) for `--duration` seconds after a `--warmup` that is not counted. Each client draws a task
   by the `--mix` weights:
     lookup     a citizen looks up a status: POST /api/v1/dossiers/lookup {code, secret}
     search     the catalogue searched: GET /api/v1/procedures?q=…
     procedure  a procedure opened: GET /api/v1/procedures/{code}
     submit     a citizen applies online: POST /api/v1/dossiers (Idempotency-Key), then POST …/submit
                (If-Match); the required documents are reused from the citizen's data store (references)
     queue      an officer reads a work queue: GET /api/v1/dossiers/queue?role=…, sometimes page two
     act        an officer acts: the queue filtered to what they act on, GET /api/v1/dossiers/{id}, then
                receive (intake officer, a submitted dossier), forward (specialist) or approve (leader),
                with If-Match and an Idempotency-Key
     dashboard  a supervisor opens the service index: GET /api/v1/kpi/index?unit=…&period=<year>
   Prints the requests per second sustained, and per request kind the count, p50/p95/p99 and the errors
   (any answer but the expected one; for actions, a 409/412 because another client acted first on the
   same dossier is counted apart as a conflict).
4. Public lookup against static: the same clients, `--lookup-duration` seconds in six alternate rounds
   (static, 404, lookup, twice): only GET of the static file; only POST /api/v1/dossiers/lookup with a
   malformed code (the endpoint's 404 without a query: what the framework costs); only lookups of real
   codes. Prints the throughput and p50/p99 of each and the ratios (target: lookup >= 50 % of static).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# MOTCUA_VAR_DIR is left as it is: the SECRET_KEY kept there is the one `motcua generate` derived the
# dossiers' lookup secrets with, and the server must check them with the same key.
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.config.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402

from motcua.testing.servers import Gunicorn, Redis  # noqa: E402

DEFAULT_MIX = "lookup=35,search=12,procedure=8,submit=5,queue=20,act=12,dashboard=8"
TASKS = ("lookup", "search", "procedure", "submit", "queue", "act", "dashboard")
TOKEN_NAME = "bench load"
STATIC_NAME = "bench-load-reference.json"
LOOKUP_TARGET = 0.5
# The actions an officer takes from their queue: role -> (queue status, action, body).
ACTIONS = {
    "intake_officer": ("submitted", "receive", {}),
    "specialist": ("processing", "forward", {}),
    "leader": ("processing", "approve", {"result_note": ""}),
}
CONFLICT_CODES = {409, 412}


# --- what the clients need, prepared from the database -------------------------------------------------


@dataclass
class Plan:
    """Everything the client processes use (plain data: it crosses into forked processes)."""

    citizens: list[str] = field(default_factory=list)  # tokens
    officers: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, token)
    supervisor: str = ""
    units: list[int] = field(default_factory=list)  # the supervisor's dashboard units
    year: int = 0
    lookups: list[tuple[str, str]] = field(default_factory=list)  # (code, secret)
    words: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)  # POST /dossiers bodies


def tokens_for(users: list[Any]) -> dict[int, str]:
    from motcua.accounts.services import api_token_create

    return {
        user.pk: api_token_create(actor=user, owner=user, name=f"{TOKEN_NAME} {uuid.uuid4().hex[:8]}")[1]
        for user in users
    }


def delete_tokens() -> int:
    from motcua.accounts.models import ApiToken

    deleted, _rows = ApiToken.objects.filter(name__startswith=TOKEN_NAME).delete()
    return deleted


def lookup_sample(size: int) -> list[tuple[str, str]]:
    """`size` codes drawn across the dossiers table, with the secret printed on their Form 01."""
    from motcua.dossiers.models.dossier import derive_lookup_secret, hash_lookup_secret

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'dossiers_dossier'")
        rows = max(1, int(cursor.fetchone()[0]))
        percent = min(100.0, 100.0 * size * 4 / rows)
        cursor.execute(
            "SELECT code, public_id, lookup_secret_hash FROM dossiers_dossier "
            f"TABLESAMPLE SYSTEM ({percent}) WHERE code IS NOT NULL AND lookup_secret_hash <> '' LIMIT %s",
            [size],
        )
        found = cursor.fetchall()
    sample = []
    for code, public_id, stored in found:
        secret = derive_lookup_secret(public_id)
        if hash_lookup_secret(secret) == stored:
            sample.append((code, secret))
    if found and not sample:
        sys.exit(
            "none of the sampled dossiers' lookup secrets matches: this SECRET_KEY is not the one the "
            "dossiers were generated with (set SECRET_KEY, or MOTCUA_VAR_DIR, as `motcua generate` had them)"
        )
    random.Random(1).shuffle(sample)
    return sample


def catalogue_words() -> tuple[list[str], list[str]]:
    """Words of the published procedures' names (one or two, half of them folded), and their codes."""
    from motcua.catalog.models import Procedure
    from motcua.organizations.search_text import fold

    rng = random.Random(2)
    names = list(
        Procedure.objects.filter(versions__status="published").values_list("code", "name").distinct()
    )
    words: list[str] = []
    for _code, name in names:
        parts = [part for part in name.split() if len(part) > 1]
        for _draw in range(3):
            if len(parts) < 2:
                break
            start = rng.randrange(len(parts) - 1)
            phrase = " ".join(parts[start : start + rng.choice((1, 2))]).lower()
            words.append(fold(phrase) if rng.random() < 0.5 else phrase)
    return words or ["khai sinh"], [code for code, _name in names]


def applications(citizens: list[Any]) -> list[dict[str, Any]]:
    """POST /api/v1/dossiers bodies the demo's citizens send online: each procedure the demo's commune
    centre receives online, the e-forms answered as the demo answers them, the required documents reused
    from the citizen's data store by reference."""
    from django.utils import timezone

    from motcua.catalog.models import DocumentKind, Procedure
    from motcua.catalog.selectors import procedure_version_for_submission
    from motcua.dossiers.demo_dossiers import BIRTH, DEATH, MARITAL, form_data
    from motcua.dossiers.inputs import Applicant
    from motcua.organizations.models import Unit

    centre = Unit.objects.filter(external_key="demo.ttpvhcc.vanphu").first()
    if centre is None:
        return []
    bodies = []
    for code in (BIRTH, MARITAL, DEATH):
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            continue
        version = procedure_version_for_submission(procedure=procedure, at=timezone.now())
        documents = version.documents.filter(
            kind=DocumentKind.SUBMIT, required=True, group="", lookup_database=""
        )
        for index, citizen in enumerate(citizens):
            bodies.append(
                {
                    "citizen": index,
                    "body": {
                        "procedure": code,
                        "channel": "online",
                        "receiving_unit": centre.pk,
                        "return_method": "counter",
                        "form_data": form_data(version, Applicant.from_user(citizen)),
                        "components": [
                            {
                                "provenance": "reused",
                                "reference": f"KDL-{document.position:03d}",
                                "required_document": document.name,
                            }
                            for document in documents
                        ],
                    },
                }
            )
    return bodies


def dashboard_units(supervisor: Any) -> list[int]:
    """The supervisor's unit and its communes with the most dossiers received (from the counters)."""
    from django.db.models import Sum

    from motcua.kpi.counters import UnitMonthCounter
    from motcua.organizations.models import Unit

    root = supervisor.grants.get().unit
    communes = Unit.objects.subtree_of(root).filter(
        level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE
    )
    busiest = (
        UnitMonthCounter.objects.filter(unit__in=communes)
        .values("unit_id")
        .annotate(total=Sum("received"))
        .order_by("-total")
        .values_list("unit_id", flat=True)[:3]
    )
    return [root.pk, *busiest]


def prepare(lookups: int) -> Plan:
    from django.utils import timezone

    from motcua.accounts.models import Role, RoleGrant, User

    citizens = list(
        User.objects.filter(
            is_active=True,
            kind=User.Kind.CITIZEN,
            email__endswith="@demo.motcua.local",
        ).order_by("pk")
    )
    grants = list(
        RoleGrant.objects.active()
        .filter(role__in=list(ACTIONS), user__is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
    supervisor = (
        User.objects.filter(grants__role=Role.SUPERVISOR, grants__unit__parent__isnull=True, is_active=True)
        .order_by("pk")
        .first()
    )
    if supervisor is None or not citizens or not grants:
        sys.exit("the database lacks the demo's accounts: load it with `motcua demo` and `motcua generate`")
    users = {user.pk: user for user in [*citizens, *(grant.user for grant in grants), supervisor]}
    tokens = tokens_for(list(users.values()))
    words, codes = catalogue_words()
    return Plan(
        citizens=[tokens[user.pk] for user in citizens],
        officers=[(grant.role, grant.user.username, tokens[grant.user_id]) for grant in grants],
        supervisor=tokens[supervisor.pk],
        units=dashboard_units(supervisor),
        year=timezone.localdate().year,
        lookups=lookup_sample(lookups),
        words=words,
        procedures=codes,
        applications=applications(citizens),
    )


# --- the server -------------------------------------------------------------------------------------------


def start_server(workers: int, redis_url: str, static_root: Path) -> Gunicorn:
    """gunicorn serving motcua on a free port of 127.0.0.1, as production does, with a static root of its
    own holding the reference file."""
    env = {
        **os.environ,
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "THROTTLE_EXEMPT_IPS": "127.0.0.1",
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
    }
    return Gunicorn(workers, env, cwd=ROOT, log_prefix="motcua-bench-load-")


# --- the clients ------------------------------------------------------------------------------------------


class Client:
    """One HTTP/1.1 connection to the server (gunicorn's sync workers close it after each answer;
    http.client opens the next one by itself)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str = "",
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        sent = {"Accept": "application/json", **(headers or {})}
        data = None
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise
        if response.will_close:
            self.connection.close()
        kind = response.getheader("Content-Type", "")
        return response.status, (json.loads(raw) if raw and kind.startswith("application/json") else raw)


# One measured request: (kind, status, milliseconds, finished at (monotonic), "ok", "error" or "conflict").
Sample = tuple[str, int, float, float, str]


class Worker:
    """A closed-loop client: draws a task, runs its requests, draws the next, until the deadline."""

    def __init__(self, plan: Plan, port: int, number: int, record: list[Sample]) -> None:
        self.plan, self.number, self.record = plan, number, record
        self.client = Client(port)
        self.rng = random.Random(number)

    def timed(self, kind: str, expected: int, method: str, path: str, **options: Any) -> tuple[int, Any]:
        started = time.perf_counter()
        try:
            status, body = self.client.call(method, path, **options)
        except (http.client.HTTPException, OSError) as error:
            status, body = 599, str(error)
        finished = time.perf_counter()
        if status == expected:
            outcome = "ok"
        elif status in CONFLICT_CODES and kind in ACTION_KINDS:
            outcome = "conflict"
        else:
            outcome = "error"
            if len(ERRORS[kind]) < 3:
                ERRORS[kind].append(f"{status} {method} {path}: {str(body)[:200]}")
        self.record.append((kind, status, (finished - started) * 1000, time.monotonic(), outcome))
        return status, body

    # the tasks

    def lookup(self) -> None:
        code, secret = self.rng.choice(self.plan.lookups)
        self.timed("lookup", 200, "POST", "/api/v1/dossiers/lookup", body={"code": code, "secret": secret})

    def miss(self) -> None:
        """The same endpoint answering 404 for a code that is not a dossier code, without a query."""
        self.timed(
            "lookup 404", 404, "POST", "/api/v1/dossiers/lookup", body={"code": "x", "secret": "AAAAAA"}
        )

    def static(self) -> None:
        self.timed("static", 200, "GET", f"/static/{STATIC_NAME}")

    def search(self) -> None:
        query = urllib.parse.urlencode({"q": self.rng.choice(self.plan.words)})
        self.timed("catalogue search", 200, "GET", f"/api/v1/procedures?{query}")

    def procedure(self) -> None:
        code = urllib.parse.quote(self.rng.choice(self.plan.procedures))
        self.timed("procedure", 200, "GET", f"/api/v1/procedures/{code}")

    def submit(self) -> None:
        application = self.rng.choice(self.plan.applications)
        token = self.plan.citizens[application["citizen"]]
        status, body = self.timed(
            "submit: create",
            201,
            "POST",
            "/api/v1/dossiers",
            token=token,
            body=application["body"],
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        if status != 201:
            return
        self.timed(
            "submit: send",
            200,
            "POST",
            f"/api/v1/dossiers/{body['id']}/submit",
            token=token,
            headers={"If-Match": body["etag"], "Idempotency-Key": uuid.uuid4().hex},
        )

    def queue(self) -> None:
        role, _username, token = self.rng.choice(self.plan.officers)
        status, body = self.timed(
            "queue", 200, "GET", f"/api/v1/dossiers/queue?role={role}&limit=20", token=token
        )
        if status == 200 and body.get("next_cursor") and self.rng.random() < 0.3:
            self.timed(
                "queue",
                200,
                "GET",
                f"/api/v1/dossiers/queue?role={role}&limit=20&cursor={body['next_cursor']}",
                token=token,
            )

    def act(self) -> None:
        role, _username, token = self.rng.choice(self.plan.officers)
        wanted, action, payload = ACTIONS[role]
        status, body = self.timed(
            "queue", 200, "GET", f"/api/v1/dossiers/queue?role={role}&status={wanted}&limit=20", token=token
        )
        if status != 200 or not body["items"]:
            return
        item = self.rng.choice(body["items"])["dossier"]
        status, dossier = self.timed("dossier", 200, "GET", f"/api/v1/dossiers/{item['id']}", token=token)
        if status != 200 or dossier["version"] != item["version"]:
            return  # another officer acted on it since the queue was read: this one moves on
        self.timed(
            action,
            200,
            "POST",
            f"/api/v1/dossiers/{item['id']}/{action}",
            token=token,
            body=payload,
            headers={"If-Match": dossier["etag"], "Idempotency-Key": uuid.uuid4().hex},
        )

    def dashboard(self) -> None:
        unit = self.rng.choice(self.plan.units)
        self.timed(
            "kpi index",
            200,
            "GET",
            f"/api/v1/kpi/index?unit={unit}&period={self.plan.year}",
            token=self.plan.supervisor,
        )

    def run(self, weights: dict[str, float], deadline: float, budget: list[int]) -> None:
        tasks = [getattr(self, name) for name in weights]
        cumulative = list(weights.values())
        while time.monotonic() < deadline and budget[0] > 0:
            self.rng.choices(tasks, cum_weights=None, weights=cumulative)[0]()
            budget[0] -= 1


ACTION_KINDS = {action for _status, action, _body in ACTIONS.values()}
ERRORS: dict[str, list[str]] = defaultdict(list)


def _client_process(
    *,
    plan: Plan,
    port: int,
    first: int,
    threads: int,
    weights: dict[str, float],
    start: float,
    seconds: float,
    max_tasks: int,
    out: Any,
) -> None:
    """Threads of one client process, started together at `start` (monotonic), for `seconds`."""
    records: list[list[Sample]] = [[] for _ in range(threads)]
    budget = [max_tasks or sys.maxsize]
    workers = [Worker(plan, port, first + index, records[index]) for index in range(threads)]
    delay = start - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    deadline = start + seconds
    running = [threading.Thread(target=worker.run, args=(weights, deadline, budget)) for worker in workers]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    out.put(([sample for record in records for sample in record], dict(ERRORS)))


def drive(
    plan: Plan,
    port: int,
    weights: dict[str, float],
    seconds: float,
    *,
    clients: int,
    processes: int,
    max_tasks: int = 0,
) -> tuple[list[Sample], float, dict[str, list[str]]]:
    """Run `clients` closed-loop clients over `processes` processes for `seconds`: every sample, the start
    (monotonic) and a few error messages per kind."""
    connections.close_all()  # the children are forked: no database connection crosses
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    processes = max(1, min(processes, clients))
    start = time.monotonic() + 0.5
    children = []
    first = 0
    for index in range(processes):
        threads = clients // processes + (1 if index < clients % processes else 0)
        child = context.Process(
            target=_client_process,
            kwargs={
                "plan": plan,
                "port": port,
                "first": first,
                "threads": threads,
                "weights": weights,
                "start": start,
                "seconds": seconds,
                "max_tasks": max_tasks // processes,
                "out": out,
            },
        )
        first += threads
        child.start()
        children.append(child)
    samples: list[Sample] = []
    errors: dict[str, list[str]] = defaultdict(list)
    for _child in children:
        found, messages = out.get(timeout=seconds + 300)
        samples.extend(found)
        for kind, lines in messages.items():
            errors[kind].extend(lines[: 3 - len(errors[kind])])
    for child in children:
        child.join(timeout=30)
    return samples, start, errors


LOOKUP_ROUNDS = {
    "static": "GET of a static file as large as the lookup's answer (whitenoise)",
    "miss": "POST /api/v1/dossiers/lookup, a malformed code: 404 without a query",
    "lookup": "POST /api/v1/dossiers/lookup, a code and its secret: 200",
}


def lookup_rounds(plan: Plan, port: int, size: int, duration: float, crowd: dict[str, int]) -> None:
    """Only lookups, against the static reference and the same endpoint's 404, in alternate rounds."""
    rounds = list(LOOKUP_ROUNDS) * 2
    print(
        f"\nPublic status lookup against a static response ({size} bytes, the size of the answer), "
        f"{crowd['clients']} clients, rounds of {duration / len(rounds):g} s alternated:"
    )
    results: dict[str, list[Sample]] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)
    drive(plan, port, {"lookup": 1, "static": 1}, 2, **crowd)  # warm-up
    for name in rounds:
        samples, start, errors = drive(plan, port, {name: 1}, duration / len(rounds), **crowd)
        results[name].extend(samples)
        seconds[name] += max(sample[3] for sample in samples) - start
        for kind, lines in errors.items():
            for line in lines:
                print(f"  error, {kind}: {line}")
    rates = {}
    print(f"  {'':8} {'requests':>9} {'per s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for name, label in LOOKUP_ROUNDS.items():
        times = [sample[2] for sample in results[name]]
        rates[name] = len(times) / seconds[name]
        errors_ = sum(1 for sample in results[name] if sample[4] == "error")
        print(
            f"  {name:8} {len(times):>9,} {rates[name]:8.1f} {percentile(times, 50):7.1f} "
            f"{percentile(times, 99):7.1f} {errors_:>6}   {label}"
        )
    ratio = rates["lookup"] / rates["static"]
    verdict = "met" if ratio >= LOOKUP_TARGET else "missed"
    print(
        f"  lookup / static: {ratio:.2f} (target >= {LOOKUP_TARGET:.2f}: {verdict}); "
        f"404 / static: {rates['miss'] / rates['static']:.2f}"
    )


# --- figures ----------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(samples: list[Sample], since: float, until: float, errors: dict[str, list[str]]) -> None:
    counted = [sample for sample in samples if since <= sample[3] <= until]
    seconds = until - since
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in counted:
        by_kind[sample[0]].append(sample)
    bad = sum(1 for sample in counted if sample[4] == "error")
    print(
        f"\n  {len(counted):,} requests in {seconds:.1f} s: {len(counted) / seconds:.1f} requests/s "
        f"sustained, {bad} errors"
    )
    print(
        f"  {'kind':18} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'conflicts':>9}"
    )
    for kind in sorted(by_kind, key=lambda kind: -len(by_kind[kind])):
        rows = by_kind[kind]
        times = [sample[2] for sample in rows]
        print(
            f"  {kind:18} {len(rows):>9,} {len(rows) / seconds:7.1f} {percentile(times, 50):8.1f} "
            f"{percentile(times, 95):8.1f} {percentile(times, 99):8.1f} "
            f"{sum(1 for s in rows if s[4] == 'error'):>7} {sum(1 for s in rows if s[4] == 'conflict'):>9}"
        )
    for kind, lines in errors.items():
        for line in lines:
            print(f"  error, {kind}: {line}")


def parse_mix(text: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, _sep, value = part.partition("=")
        name = name.strip()
        if name not in TASKS:
            sys.exit(f"--mix: unknown task {name!r}; the tasks are {', '.join(TASKS)}")
        weights[name] = float(value)
    if not any(weights.values()):
        sys.exit("--mix: give at least one task a weight")
    return {name: weight for name, weight in weights.items() if weight > 0}


# --- main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of the mix, measured")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of the mix before, not counted")
    parser.add_argument("--clients", type=int, default=16, help="closed-loop clients (1-64)")
    parser.add_argument("--processes", type=int, default=2, help="client processes the clients spread over")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (1-8)")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"task weights (default {DEFAULT_MIX})")
    parser.add_argument("--lookup-duration", type=float, default=20, help="seconds of lookup + static rounds")
    parser.add_argument("--mode", choices=("both", "mix", "lookup"), default="both")
    parser.add_argument("--max-requests", type=int, default=0, help="stop the mix after this many tasks")
    parser.add_argument("--lookups", type=int, default=5000, help="dossier codes sampled for lookups")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench/load.py runs against PostgreSQL: set DATABASE_URL=postgres://…/motcua_bench1m")
    if not 1 <= args.clients <= 64 or not 1 <= args.workers <= 8 or args.duration > 3600:
        sys.exit("--clients 1-64, --workers 1-8, --duration at most 3600 s")
    weights = parse_mix(args.mix)

    from motcua.dossiers.models import DossierStatusCounter

    plan = prepare(args.lookups)
    if not plan.lookups:
        sys.exit("no dossier with a code to look up: generate some with `motcua generate`")
    total = sum(
        DossierStatusCounter.objects.filter(part=DossierStatusCounter.Part.RECEIVING).values_list(
            "value", flat=True
        )
    )
    redis = Redis()
    static_root = Path(tempfile.mkdtemp(prefix="motcua-bench-load-static-"))
    print(
        f"PostgreSQL {connection.pg_version // 10000}, {settings.DATABASES['default']['NAME']}: {total:,} "
        f"dossiers; gunicorn {args.workers} sync workers; {args.clients} clients in {args.processes} "
        f"processes; {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"cache and task queue: {'Redis' if redis.url else 'local memory and SQLite'}"
    )
    print(
        f"  {len(plan.lookups):,} codes to look up, {len(plan.officers)} officers, {len(plan.citizens)} "
        f"citizens, {len(plan.applications)} applications, {len(plan.words)} search phrases, "
        f"{len(plan.units)} dashboard units; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    server = None
    crowd = {"clients": args.clients, "processes": args.processes}
    try:
        server = start_server(args.workers, redis.url, static_root)
        # The reference: a static file as large as a lookup's answer, served by whitenoise.
        code, secret = plan.lookups[0]
        status, answer = Client(server.port).call(
            "POST", "/api/v1/dossiers/lookup", body={"code": code, "secret": secret}
        )
        if status != 200:
            sys.exit(f"the lookup of {code} answered {status}: {answer}")
        (static_root / STATIC_NAME).write_text(json.dumps(answer))
        server.stop()
        server = start_server(args.workers, redis.url, static_root)  # whitenoise lists its files at start-up
        if args.mode in ("both", "mix"):
            mix = ", ".join(f"{name} {weight:g}" for name, weight in weights.items())
            print(f"\nThe mix ({mix}), {args.duration:g} s after a {args.warmup:g} s warm-up:")
            samples, start, errors = drive(
                plan, server.port, weights, args.warmup + args.duration, max_tasks=args.max_requests, **crowd
            )
            until = max((sample[3] for sample in samples), default=start)
            report(samples, start + args.warmup, until, errors)
        if args.mode in ("both", "lookup"):
            lookup_rounds(plan, server.port, len(json.dumps(answer)), args.lookup_duration, crowd)
    finally:
        if server is not None:
            server.stop()
        redis.stop()
        shutil.rmtree(static_root, ignore_errors=True)
        print(f"\n{delete_tokens()} bench tokens deleted; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
