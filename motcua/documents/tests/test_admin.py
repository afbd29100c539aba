"""The documents admin is read-only and closed to non-superusers."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.tests.helpers import World

PAGES = [
    "unitcertificate",
    "trustanchor",
    "signeddocument",
    "certifiedcopy",
    "datastore",
    "datastoreitem",
    "digitiseddocument",
]


@pytest.mark.parametrize("model", PAGES)
def test_the_superuser_reads_and_nobody_adds(client: Any, world: World, pki: int, model: str) -> None:
    client.force_login(world.superuser)

    assert client.get(f"/admin/documents/{model}/").status_code == 200
    assert client.get(f"/admin/documents/{model}/add/").status_code == 403


@pytest.mark.parametrize("who", ["citizen", "intake_a", "leader_a"])
def test_others_are_sent_to_the_login(client: Any, world: World, who: str) -> None:
    client.force_login(getattr(world, who))

    response = client.get("/admin/documents/unitcertificate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
