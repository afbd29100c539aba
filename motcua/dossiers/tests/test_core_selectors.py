"""Reads scoped to the reader, the public look-up by code and Form 01 secret, the counters, the read-only
admin."""

from typing import Any

import pytest
from django.test import Client

from motcua.core.errors import NotFound
from motcua.dossiers import selectors, services
from motcua.dossiers.inputs import Representative
from motcua.dossiers.models import Dossier, DossierStatusCounter
from motcua.dossiers.tests.helpers import World, at, counter_received, uploaded, walk_in


def test_dossier_get_answers_not_found_to_those_who_may_not_see_it(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    assert selectors.dossier_get(user=world.specialist_a, public_id=dossier.public_id) == dossier
    assert selectors.dossier_get(user=world.intake_a, public_id=str(dossier.public_id)) == dossier
    for outsider, key in [
        (world.intake_b, dossier.public_id),
        (world.citizen, dossier.public_id),
        (world.intake_a, "x"),
    ]:
        with pytest.raises(NotFound) as caught:
            selectors.dossier_get(user=outsider, public_id=key)
        assert (caught.value.code, caught.value.status) == ("dossier_not_found", 404)
    assert selectors.dossier_get_by_code(user=world.leader_a, code=" H15.50.05.13-261207-0001 ") == dossier
    with pytest.raises(NotFound):
        selectors.dossier_get_by_code(user=world.leader_b, code="H15.50.05.13-261207-0001")


def test_the_public_lookup_needs_the_code_and_its_secret(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    secret = dossier.lookup_secret
    assert selectors.dossier_for_public_lookup(code=dossier.code, secret=secret) == dossier
    assert selectors.dossier_for_public_lookup(code=dossier.code, secret=f" {secret.lower()} ") == dossier
    wrong = "".join("A" if c != "A" else "B" for c in secret)
    assert selectors.dossier_for_public_lookup(code=dossier.code, secret=wrong) is None
    assert selectors.dossier_for_public_lookup(code="H15.50.05.13-261207-0002", secret=secret) is None
    assert selectors.dossier_for_public_lookup(code="not a code", secret=secret) is None


def test_events_steps_components_and_counts(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    assert [e.kind for e in selectors.dossier_events(dossier=dossier)] == ["created", "submitted", "received"]
    assert [s.key for s in selectors.dossier_steps(dossier=dossier)] == ["appraise"]
    assert [c.position for c in selectors.dossier_components(dossier=dossier)] == [1]
    counts = selectors.status_counts(unit_ids=[world.centre_a.pk, world.centre_b.pk], part="receiving")
    assert counts == dict.fromkeys(Dossier.Status.values, 0) | {"processing": 1}
    assert (
        selectors.status_counts(unit_ids=[world.commune_a.pk], part=DossierStatusCounter.Part.COMPETENT)[
            "processing"
        ]
        == 1
    )


def test_the_representative_is_kept(world: World, procedure: Any) -> None:
    dossier = services.counter_intake(
        actor=world.intake_a,
        procedure=procedure,
        applicant=walk_in(),
        representative=Representative(
            name="Lê Thị Hoa", identifier="025190001111", authorisation="Giấy ủy quyền số 12"
        ),
        receiving_unit=world.centre_a,
        form_data={},
        components=[uploaded()],
        return_method="authorised",
        at=at(7, 10),
    )
    assert Dossier.objects.get(pk=dossier.pk).representative == {
        "name": "Lê Thị Hoa",
        "identifier": "025190001111",
        "address": "",
        "phone": "",
        "email": "",
        "authorisation": "Giấy ủy quyền số 12",
    }
    assert dossier.events.get(kind="created").data["has_representative"] is True


def test_the_admin_reads_dossiers_and_cannot_change_them(world: World, procedure: Any) -> None:
    dossier = counter_received(world, procedure, when=at(7, 10))
    client = Client()
    client.force_login(world.superuser)
    listing = client.get("/admin/dossiers/dossier/")
    assert listing.status_code == 200
    assert dossier.code in listing.content.decode()
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert "025085009999" not in page.content.decode()
    assert client.post(f"/admin/dossiers/dossier/{dossier.pk}/delete/").status_code == 403
    assert client.get("/admin/dossiers/dossier/add/").status_code == 403
