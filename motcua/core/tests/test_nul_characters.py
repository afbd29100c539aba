"""A NUL character anywhere in a request (path, query, JSON body, form field) is a 400, never a 500:
PostgreSQL refuses it in any query (schemathesis found `/api/v1/procedures/a%00b` answering 500)."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MESSAGE = "Yêu cầu chứa ký tự NUL, không trường nào được phép có ký tự này; hãy xóa ký tự đó và thử lại."
PROBLEM = {"code": "nul_character", "message": MESSAGE, "fields": {}}


@pytest.mark.parametrize(
    ("path", "query"),
    [("/api/v1/procedures/a\x00b", {}), ("/api/v1/procedures", {"q": "giấy\x00khai sinh"})],
)
def test_a_nul_in_the_path_or_the_query_is_a_400_problem(path: str, query: dict[str, str]) -> None:
    response = Client(raise_request_exception=False).get(path, query)

    assert (response.status_code, response.json()) == (400, PROBLEM)


def test_a_nul_in_a_json_body_is_a_400_problem() -> None:
    body = json.dumps({"code": "H44-260302-0001\x00", "secret": "ABCD1234"})

    response = Client().post("/api/v1/dossiers/lookup", body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, PROBLEM)


def test_a_nul_in_a_form_field_is_a_400_problem() -> None:
    response = Client().post("/api/v1/accounts/tokens/obtain", {"username": "a\x00b", "password": "x"})

    assert (response.status_code, response.json()) == (400, PROBLEM)


def test_a_nul_in_a_page_path_is_a_400_text() -> None:
    response = Client().get("/thu-tuc/a\x00b/")

    assert (response.status_code, response.content.decode()) == (400, MESSAGE)


def test_a_body_without_nul_goes_through() -> None:
    body = json.dumps({"code": "H44-260302-0001", "secret": "ABCD1234"})

    response = Client().post("/api/v1/dossiers/lookup", body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (404, "dossier_not_found")
