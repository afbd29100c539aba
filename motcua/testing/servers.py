"""Local servers for the benchmarks and the tests (no Django needed): a free local port and a throw-away
Redis."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Redis:
    """A throw-away redis-server (no persistence) on a free port, when the machine has one: the cache and
    the task queue of a production installation (REDIS_URL)."""

    def __init__(self) -> None:
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        binary = shutil.which("redis-server")
        if binary is None:
            return
        port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 (the machine's redis-server, fixed arguments)
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    self.url = f"redis://127.0.0.1:{port}/0"
                    return
            time.sleep(0.1)
        self.stop()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Gunicorn:
    """gunicorn serving motcua with `workers` sync workers on a free port of 127.0.0.1, as production does;
    ready once /healthz answers (200, or 503 naming what is wrong, printed as a warning). Its log goes to a
    temporary file, removed at `stop` when empty and named otherwise."""

    def __init__(self, workers: int, env: dict[str, str], *, cwd: Path, log_prefix: str = "motcua-") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        descriptor, name = tempfile.mkstemp(prefix=f"{log_prefix}gunicorn-", suffix=".log")
        os.close(descriptor)
        self.log = Path(name)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "motcua.config.wsgi:application",
                    f"--workers={workers}",
                    f"--bind=127.0.0.1:{self.port}",
                    "--timeout=120",
                    "--log-level=warning",
                ],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310 (our own server)
                    return
            except urllib.error.HTTPError as error:
                if error.code == 503:  # up, but says what is wrong (e.g. a migration not applied yet)
                    print(f"  warning: /healthz answers 503: {error.read().decode(errors='replace')}")  # noqa: T201
                    return
                break
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        if self.log.exists() and self.log.stat().st_size == 0:
            self.log.unlink()
        elif self.log.exists():
            print(f"  gunicorn's log: {self.log}")  # noqa: T201
