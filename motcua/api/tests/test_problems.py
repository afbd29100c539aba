"""Every 4xx of the API is a JSON problem {"code", "message", "fields"}, in Vietnamese by default."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "motcua API"


@pytest.mark.django_db
def test_docs_page_uses_vendored_assets_only(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_problem_in_vietnamese(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}


@pytest.mark.django_db
def test_unknown_api_path_in_english_when_asked(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["message"] == "Not found."


@pytest.mark.django_db
def test_a_malformed_json_body_is_a_vietnamese_problem(client: Client) -> None:
    response = client.post("/api/v1/accounts/sign-up", data="{bad", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "json_invalid",
        "message": "Nội dung yêu cầu không phải JSON hợp lệ.",
        "fields": {},
    }
