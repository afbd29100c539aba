"""The local servers the benchmarks start (`motcua.testing.servers`): gunicorn on a free port, ready once
/healthz answers, stopped with its log kept only when it says something; a throw-away Redis."""

import os
import urllib.error
import urllib.request
from pathlib import Path

import redis

from motcua.testing.servers import Gunicorn, Redis

ROOT = Path(__file__).resolve().parents[3]


def test_gunicorn_serves_motcua_until_stopped(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # not migrated: /healthz says 503
        "MOTCUA_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }

    server = Gunicorn(1, env, cwd=ROOT, log_prefix="motcua-test-")
    try:
        with urllib.request.urlopen(f"{server.url}/static/missing.css", timeout=10) as _never:
            pass
    except urllib.error.HTTPError as error:
        answered = error.code
    server.stop()

    assert answered == 404
    assert server.process.returncode is not None
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_a_throw_away_redis(redis_url: str) -> None:  # (the fixture: redis-server is installed)
    server = Redis()
    assert server.url not in {"", redis_url}
    try:
        client = redis.Redis.from_url(server.url)
        client.set("k", "v")
        assert client.get("k") == b"v"
    finally:
        server.stop()

    assert server.process is not None and server.process.returncode is not None
