"""Fixtures of the back-office tests: the dossier tests' world (a province, two communes with their
service centres, one person per role) and a published procedure with one required paper."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.helpers import World, build_world, make_procedure


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def procedure(world: World) -> Procedure:
    """Đăng ký khai sinh: 8 working hours, the default process, no required paper."""
    return make_procedure(world)


@pytest.fixture
def counter_procedure(world: World) -> Procedure:
    """A procedure whose one paper is required: what the counter checks off and scans."""
    return make_procedure(world, code="1.000656.000.00.00.H15", documents=["Tờ khai đăng ký kết hôn"])
