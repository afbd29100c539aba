"""The documents API: the owner's data store, scoped to the owner; permission tests for every endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.documents import services
from motcua.documents.models import DataStoreItem
from motcua.documents.tests.conftest import pdf_bytes
from motcua.dossiers.tests.api_support import Api
from motcua.dossiers.tests.helpers import World, at

STORE = "/api/v1/documents/store"


class DocumentsApi(Api):
    def delete(self, path: str) -> Any:
        return self._answer(self.client.delete(path, headers=self.auth))


@pytest.fixture
def uploads(world: World) -> dict[str, DataStoreItem]:
    mine = services.store_upload(
        actor=world.citizen,
        content=pdf_bytes(text="của An"),
        filename="bang-lai.pdf",
        title="Giấy phép lái xe",
        document_type_code="GPLX",
        number="AN-01",
        at=at(7, 9),
    )
    result = DataStoreItem.objects.create(
        store=mine.store, origin="result", file=mine.file, title="Giấy khai sinh", added_at=at(7, 10)
    )
    theirs = services.store_upload(
        actor=world.other_citizen,
        content=pdf_bytes(text="của Bình"),
        filename="b.pdf",
        title="Hộ chiếu",
        at=at(7),
    )
    return {"mine": mine, "result": result, "theirs": theirs}


def test_the_owner_lists_their_store_only(world: World, uploads: dict[str, DataStoreItem]) -> None:
    answer = Api(world.citizen).get(STORE)

    assert answer.status == 200
    assert [(row["title"], row["origin"], row["deletable"]) for row in answer.body] == [
        ("Giấy khai sinh", "result", False),
        ("Giấy phép lái xe", "uploaded", True),
    ]
    first = answer.body[1]
    assert (first["document_type_code"], first["number"], first["page_count"], first["content_type"]) == (
        "GPLX",
        "AN-01",
        2,
        "application/pdf",
    )
    assert [row["title"] for row in Api(world.citizen).get(STORE, {"document_type": "GPLX"}).body] == [
        "Giấy phép lái xe"
    ]


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("intake_a", 200), ("superuser", 200)])
def test_others_see_no_store(world: World, uploads: dict[str, DataStoreItem], who: Any, status: int) -> None:
    answer = Api(getattr(world, who) if who else None).get(STORE)

    assert answer.status == status
    if status == 200:
        assert answer.body == []


def test_a_signed_link_for_the_owner_only(world: World, uploads: dict[str, DataStoreItem]) -> None:
    path = f"{STORE}/{uploads['mine'].public_id}/url"

    mine = Api(world.citizen).get(path)
    other = Api(world.other_citizen).get(path)
    officer = Api(world.intake_a).get(path)
    anonymous = Api(None).get(path)

    assert mine.status == 200 and mine.body["expires_in"] == 300
    assert mine.body["url"].startswith("/verify/tep/")
    download = Api(None).client.get(mine.body["url"])
    assert download.status_code == 200
    assert (other.status, other.code, officer.status, anonymous.status) == (
        404,
        "store_item_not_found",
        404,
        401,
    )


def test_only_the_owner_deletes_and_only_their_uploads(
    world: World, uploads: dict[str, DataStoreItem]
) -> None:
    mine, result = uploads["mine"], uploads["result"]

    assert DocumentsApi(None).delete(f"{STORE}/{mine.public_id}").status == 401
    assert DocumentsApi(world.other_citizen).delete(f"{STORE}/{mine.public_id}").status == 404
    assert DocumentsApi(world.intake_a).delete(f"{STORE}/{mine.public_id}").status == 404
    kept = DocumentsApi(world.citizen).delete(f"{STORE}/{result.public_id}")
    gone = DocumentsApi(world.citizen).delete(f"{STORE}/{mine.public_id}")

    assert (kept.status, kept.code) == (409, "item_kept")
    assert gone.status == 204
    assert set(DataStoreItem.objects.values_list("title", flat=True)) == {"Giấy khai sinh", "Hộ chiếu"}
