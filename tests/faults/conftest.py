"""The fault tests' fixtures: one migrated template database per session, copied for each test (see
harness.py for the processes the tests drive)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import Site, drop_database, fresh_database, make_site, postgres_url

# Names carry the pytest process id: two runs at once (or xdist workers) never touch each other's.
TEMPLATE = f"motcua_fault_template_{os.getpid()}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once (on the server of DATABASE_URL), the template of every test's own."""
    url = postgres_url()
    site = make_site(tmp_path_factory.mktemp("template"), fresh_database(url, TEMPLATE))
    site.manage("migrate", "--noinput", "--verbosity=0")
    yield TEMPLATE
    drop_database(url, TEMPLATE)


@pytest.fixture
def fault_site(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: str) -> Iterator[Site]:
    """An installation of its own for one test: a copy of the migrated template named after the test
    module (`motcua_fault_<module>_<pid>`), a var directory and media root of its own."""
    url = postgres_url()
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    name = f"motcua_fault_{module}_{os.getpid()}"
    yield make_site(tmp_path, fresh_database(url, name, template=migrated_template))
    drop_database(url, name)
