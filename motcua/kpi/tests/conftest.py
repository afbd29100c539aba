"""Fixtures of the KPI tests: the dossier world (`motcua.dossiers.tests.helpers`) and outbox delivery."""

from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.helpers import World, build_world, make_procedure


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def procedure(world: World) -> Procedure:
    """8 working hours, hours convention, pause mode, one supplement, the default process."""
    return make_procedure(world)
