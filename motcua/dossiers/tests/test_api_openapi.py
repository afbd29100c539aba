"""The OpenAPI document of the dossier API renders and lists every operation (clients are generated
from it), with the typed bodies of the actions."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ACTIONS = [
    "submit",
    "receive",
    "ask_supplement_at_intake",
    "resubmit",
    "refuse_intake",
    "forward",
    "send_back",
    "reassign",
    "ask_supplement",
    "supplement",
    "apologize",
    "reject",
    "approve",
    "return_result",
    "stop",
    "withdraw",
]


def test_every_dossier_operation_is_documented() -> None:
    document = Client().get("/api/v1/openapi.json").json()

    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/dossiers")
        for method in item
    }

    assert operations == {
        ("POST", "/api/v1/dossiers"),
        ("GET", "/api/v1/dossiers"),
        ("GET", "/api/v1/dossiers/{public_id}"),
        ("GET", "/api/v1/dossiers/{public_id}/events"),
        ("GET", "/api/v1/dossiers/{public_id}/slips"),
        ("GET", "/api/v1/dossiers/{public_id}/slips/{number}"),
        ("GET", "/api/v1/dossiers/{public_id}/components/{position}/file"),
        ("GET", "/api/v1/dossiers/queue"),
        ("GET", "/api/v1/dossiers/queue/counts"),
        ("GET", "/api/v1/dossiers/tracking-book"),
        ("POST", "/api/v1/dossiers/uploads"),
        ("POST", "/api/v1/dossiers/lookup"),
        *{("POST", f"/api/v1/dossiers/{{public_id}}/{action}") for action in ACTIONS},
    }


def test_the_lookup_is_the_only_public_operation() -> None:
    document = Client().get("/api/v1/openapi.json").json()

    public = sorted(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/dossiers")
        for method, operation in item.items()
        if not operation.get("security")
    )

    assert public == ["POST /api/v1/dossiers/lookup"]


def test_an_action_documents_its_body() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/dossiers/{public_id}/apologize"]["post"]
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]

    assert sorted(schema["required"]) == ["new_appointment", "reason"]
