import pytest
from django.test import Client

import motcua


@pytest.mark.django_db
def test_healthz_reports_database_migrations_and_version(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "migrations_applied": True,
        "version": motcua.__version__,
    }


@pytest.mark.django_db
def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
