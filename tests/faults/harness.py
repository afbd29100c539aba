"""What the fault tests drive from outside: fresh databases, gunicorn and the task worker in their own
process groups (so that `kill -9` takes the master and every worker at once), a throw-away PostgreSQL
cluster, and an HTTP client that retries like a careful integrator.

The tests never touch the pytest-django test database: each builds its own PostgreSQL database (on the
server of DATABASE_URL, or on its own cluster) and its own environment for the processes it starts.
Django code runs in those processes only; `probe` runs `tests/faults/probe.py` for set-up and checks.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")
READY_SECONDS = 60


# --- databases --------------------------------------------------------------------------------------------


def postgres_url() -> str:
    """The PostgreSQL server of DATABASE_URL; any other database stops the test with how to run it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail(
            "The fault tests build their own PostgreSQL databases: run them with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/<any name> (see tests/faults/harness.py).",
            pytrace=False,
        )
    return url


def with_dbname(url: str, name: str) -> str:
    """The URL of database `name` on the server of `url` (a URL, as DATABASE_URL is)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def fresh_database(url: str, name: str, *, template: str = "") -> str:
    """Drop and create database `name` on the server of `url` (a copy of `template` if given); its URL."""
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return with_dbname(url, name)


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the environment of the processes --------------------------------------------------------------------


@dataclass
class Site:
    """One installation: its database, its var directory (SQLite task queue, secret key) and media."""

    database_url: str
    var_dir: Path
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def media_root(self) -> Path:
        return self.var_dir / "media"

    def env(self, **changes: str) -> dict[str, str]:
        keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.database_url,
            "MOTCUA_VAR_DIR": str(self.var_dir),
            "MEDIA_ROOT": str(self.media_root),
            "SECRET_KEY": "motcua-fault-tests-not-a-secret",
            "LOG_LEVEL": "WARNING",
            "THROTTLE_EXEMPT_IPS": "127.0.0.1",
            "DB_CONN_MAX_AGE": "60",
            "REDIS_URL": "",
            **self.extra,
            **changes,
        }

    def _run(self, argv: list[str], what: str, timeout: float) -> str:
        """Run `argv` in this installation; its standard output (fails the test on an error)."""
        done = subprocess.run(
            argv, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            pytest.fail(f"{what} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        return done.stdout

    def manage(self, *args: str, timeout: float = 300) -> str:
        """`manage.py *args` in this installation; its standard output (fails the test on an error)."""
        return self._run([PYTHON, "manage.py", *args], f"manage.py {' '.join(args)}", timeout)

    def probe(self, command: str, *args: str, timeout: float = 300) -> Any:
        """`tests/faults/probe.py command *args` in this installation; the JSON it prints last."""
        output = self._run([PYTHON, "-m", "tests.faults.probe", command, *args], f"probe {command}", timeout)
        return json.loads(output.strip().splitlines()[-1])


def make_site(tmp_path: Path, database_url: str, **extra: str) -> Site:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    return Site(database_url=database_url, var_dir=var_dir, extra=extra)


# --- processes in their own group ---------------------------------------------------------------------------


class Group:
    """A command started in a new session: the process and every child it forks share one process group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.starts: list[float] = []  # seconds each start took until the process served

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        began = time.monotonic()
        self.wait_ready()
        self.starts.append(time.monotonic() - began)

    def wait_ready(self) -> None:
        """Subclasses wait until the process serves."""

    @property
    def pgid(self) -> int:
        assert self.process is not None
        return self.process.pid  # a session leader's group id is its pid

    def alive(self) -> bool:
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        return True

    def _signal_group(self, sig: int, timeout: float) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, sig)
        self.process.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while self.alive():  # the forked workers, now children of init, die a moment later
            if time.monotonic() > deadline:
                os.killpg(self.pgid, signal.SIGKILL)
            time.sleep(0.02)

    def kill9(self) -> None:
        """SIGKILL to the whole group: the master and every worker die at once, mid-request."""
        self._signal_group(signal.SIGKILL, timeout=10)
        self.kills += 1

    def crash(self) -> None:
        """kill -9 of the group, then a start as an operator (or systemd) would do a moment later."""
        self.kill9()
        time.sleep(random.uniform(0, 0.5))
        self.start()

    def stop(self) -> None:
        if self.process is None or not self.alive():
            return
        try:
            self._signal_group(signal.SIGTERM, timeout=20)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL, timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Server(Group):
    """gunicorn serving motcua with `workers` sync workers on a fixed free port (kept across restarts)."""

    def __init__(self, site: Site, *, workers: int = 3, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [
            str(Path(PYTHON).parent / "gunicorn"),
            "motcua.config.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--log-level=warning",
            # The application is loaded once, in the master, before the workers fork: a restart costs one
            # Django start-up, not one per worker (the kill still takes the master and its workers).
            "--preload",
        ]
        super().__init__("gunicorn", argv, site.env(), site.var_dir)

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not start:\n{self.log()}", pytrace=False)


class Worker(Group):
    """`manage.py worker` (the Huey consumer with its periodic tasks)."""

    def __init__(self, site: Site, *, workers: int = 2) -> None:
        argv = [PYTHON, "manage.py", "worker", f"--workers={workers}"]
        super().__init__("worker", argv, site.env(), site.var_dir)

    def wait_ready(self) -> None:
        time.sleep(1.0)
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"the worker did not start:\n{self.log()}", pytrace=False)


class Chaos:
    """Runs `fault()` (kill -9 and restart, a database restart…) at random moments of a stream.

    The moments are drawn as points of the stream's progress (`progress()` counts finished work), so that
    every fault lands in the middle of the stream whatever the machine's speed; a random pause of up to
    `jitter` seconds after each point makes it land at an arbitrary instant of a request."""

    def __init__(
        self,
        fault: Callable[[], None],
        *,
        total: int,
        progress: Callable[[], int],
        faults: int = 3,
        seed: int | None = None,
        jitter: float = 0.3,
        poll: float = 0.01,
    ) -> None:
        self.rng = random.Random(seed)
        self.points = sorted(self.rng.randint(total // 10, total * 9 // 10) for _ in range(faults))
        self.fault, self.progress, self.jitter, self.poll = fault, progress, jitter, poll
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="chaos", daemon=True)

    def __enter__(self) -> Chaos:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(timeout=120)
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            for point in self.points:
                while self.progress() < point:
                    if self.done.wait(self.poll):
                        return
                time.sleep(self.rng.uniform(0, self.jitter))
                self.fault()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread on exit)
            self.error = error


# --- HTTP ---------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    attempts: int


RETRIED_PROBLEMS = {"idempotency_in_progress"}


class Client:
    """JSON over HTTP as one user (bearer token), retrying each request until it has a real answer.

    Retried with the same headers (so the same Idempotency-Key): connection errors (the server is down or
    died mid-request, even after the headers of its answer), 5xx, and 409 "idempotency_in_progress".
    Gives up after `give_up` seconds."""

    def __init__(self, base_url: str, token: str, *, give_up: float = 120) -> None:
        self.base_url, self.token, self.give_up = base_url.rstrip("/"), token, give_up
        self.failures: list[str] = []  # what each retried attempt met (the test reports them)

    def _once(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, Any, Any]:
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    def send(
        self, method: str, path: str, *, body: Any = None, raw: bytes | None = None, **headers: str
    ) -> Answer:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        deadline = time.monotonic() + self.give_up
        attempts = 0
        while True:
            attempts += 1
            try:
                status, got, content = self._once(method, path, data, headers)
            # refused, reset, dropped, timed out; or killed between the answer's headers and its body
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}"
            else:
                try:
                    parsed = json.loads(content) if content else None
                except ValueError:  # a 500 page (HTML) while the database is down
                    parsed = None
                code = parsed.get("code") if isinstance(parsed, dict) else None
                if status < 500 and code not in RETRIED_PROBLEMS:
                    return Answer(status, {k.lower(): v for k, v in got.items()}, parsed, attempts)
                problem = f"{status} {code or ''}".strip()
            self.failures.append(problem)
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} {path}: no answer after {attempts} attempts ({problem})")
            time.sleep(0.05 * min(attempts, 10))


def run_threads(count: int, work: Callable[[int], None]) -> None:
    """`work(i)` in `count` threads; the first failure is raised here."""
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as error:  # noqa: BLE001 (re-raised below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --- a throw-away PostgreSQL cluster ----------------------------------------------------------------------


class Cluster:
    """A PostgreSQL 15 cluster of its own: initdb in a temporary directory owned by `postgres`, a free
    port, a socket directory of its own. Never the machine's shared server."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.fail(f"The cluster test needs PostgreSQL 15's initdb in {PG_BIN}.", pytrace=False)
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="motcua-fault-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_path = self.root / "postgres.log"
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *argv: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
