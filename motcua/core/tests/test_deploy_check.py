"""With production variables, Django's deployment checklist reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_variables(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
        "SECRET_KEY": "k" * 20 + "production-secret-from-the-environment-0123456789",
        "HTTPS": "true",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "motcua.example.gov.vn",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "MOTCUA_TESTING": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
        "SECRET_KEY": "k" * 20 + "production-secret-from-the-environment-0123456789",
        "HTTPS": "false",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "MOTCUA_TESTING": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
