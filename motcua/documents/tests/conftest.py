"""Fixtures of the documents tests: the dossier world, a demo PKI with certificates for commune A."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from reportlab.pdfgen import canvas

from motcua.catalog.models import Procedure
from motcua.documents.demo import DEMO_PASSPHRASE, DEMO_PASSPHRASE_ENV, load_demo_certificates
from motcua.dossiers.tests.helpers import World, build_world, make_procedure


@pytest.fixture(autouse=True)
def _demo_passphrase() -> Iterator[None]:
    previous = os.environ.get(DEMO_PASSPHRASE_ENV)
    os.environ[DEMO_PASSPHRASE_ENV] = DEMO_PASSPHRASE
    yield
    if previous is None:
        os.environ.pop(DEMO_PASSPHRASE_ENV, None)
    else:
        os.environ[DEMO_PASSPHRASE_ENV] = previous


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def procedure(world: World) -> Procedure:
    return make_procedure(world)


@pytest.fixture
def pki(world: World) -> int:
    return load_demo_certificates(units=[world.commune_a, world.centre_a])


def pdf_bytes(pages: int = 2, text: str = "Giấy chứng nhận") -> bytes:
    """A real PDF of `pages` pages (pypdf opens it)."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pageCompression=0)
    for number in range(1, pages + 1):
        sheet.drawString(100, 700, f"{text} - trang {number}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


# Catalogue facts the documents tests need on the procedure's components (set before it is published).
DOCUMENT_FACTS: dict[str, dict[str, Any]] = {
    "Giấy khai sinh": {"document_type": "GKS", "digitisation_required": True, "required": False},
    "Căn cước công dân": {
        "document_type": "CCCD",
        "kind": "show",
        "digitisation_required": True,
        "required": False,
    },
    "Giấy chứng sinh": {"document_type": "GCS", "digitisation_required": False, "required": False},
}


@pytest.fixture
def documented(world: World) -> Procedure:
    """A procedure with a mandatory-to-digitise birth certificate, an ID card only shown for checking and
    an optional birth notice."""
    from unittest import mock

    from motcua.catalog.models import RequiredDocument

    create = RequiredDocument.objects.create

    def with_facts(**kwargs: Any) -> Any:
        return create(**kwargs, **DOCUMENT_FACTS.get(kwargs["name"], {}))

    with mock.patch.object(RequiredDocument.objects, "create", side_effect=with_facts):
        return make_procedure(world, code="1.000000.000.00.00.H15", documents=list(DOCUMENT_FACTS))
