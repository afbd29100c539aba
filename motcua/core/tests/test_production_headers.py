"""The headers a production deployment sends (issue 9 item 5): HSTS for a year with subdomains and preload,
plain HTTP redirected to HTTPS, secure cookies, no framing (X-Frame-Options and CSP frame-ancestors).

Pages get the same headers from the same middleware (`test_security_headers` checks them in the test
settings); the probe asks for the API's schema because a page (even the 404 page) needs the collected static
files' manifest.
The production settings are read from the environment when the settings module loads, so the requests run
in a child process started with production variables (HTTPS=true, DEBUG=false), as `check --deploy` does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="motcua.example.gov.vn")
answers = {}
for name, path, secure in [
    ("api", "/api/v1/openapi.json", True),
    ("plain", "/api/v1/openapi.json", False),
]:
    response = client.get(path, secure=secure)
    answers[name] = {"status": response.status_code, "headers": dict(response.items())}
answers["settings"] = {
    "hsts": settings.SECURE_HSTS_SECONDS,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
}
print(json.dumps(answers))
"""


def production(tmp_path: Path, **extra: str) -> dict:  # type: ignore[type-arg]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
        "SECRET_KEY": "k" * 20 + "production-secret-from-the-environment-0123456789",
        "HTTPS": "true",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "motcua.example.gov.vn",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "MOTCUA_TESTING": "",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_production_sends_hsts_and_refuses_framing(tmp_path: Path) -> None:
    answers = production(tmp_path)

    headers = answers["api"]["headers"]
    assert answers["api"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert answers["plain"]["status"] == 301
    assert answers["plain"]["headers"]["Location"] == "https://motcua.example.gov.vn/api/v1/openapi.json"
    assert answers["settings"] == {
        "hsts": 31536000,
        "session_secure": True,
        "csrf_secure": True,
        "session_httponly": True,
    }


def test_without_https_no_hsts_is_sent(tmp_path: Path) -> None:
    """HSTS only with HTTPS=true: sent over a plain-HTTP deployment it would lock browsers out."""
    answers = production(tmp_path, HTTPS="false")

    assert "Strict-Transport-Security" not in answers["api"]["headers"]
    assert answers["api"]["headers"]["X-Frame-Options"] == "DENY"
    assert answers["plain"]["status"] == 200
    assert answers["settings"]["hsts"] == 0
