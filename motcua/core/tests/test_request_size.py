"""A request body declared larger than MAX_REQUEST_BYTES is refused (413) before any of it is read."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(MAX_REQUEST_BYTES=2**20)
def test_an_api_request_over_the_limit_is_a_413_problem_in_vietnamese() -> None:
    response = Client().generic(
        "POST",
        "/api/v1/dossiers/uploads",
        b"x" * 10,
        content_type="text/plain",
        CONTENT_LENGTH=str(2**20 + 1),
    )

    # Found by the upload tests (tests/fuzz): Django spooled a 2 GB upload to disk before the view ran.
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "Yêu cầu lớn hơn 1 MB; hãy gửi tệp nhỏ hơn hoặc tách tệp.",
        "fields": {},
    }


@override_settings(MAX_REQUEST_BYTES=21 * 2**20)
def test_a_page_request_over_the_limit_is_a_413_text() -> None:
    response = Client().generic(
        "POST", "/", b"x", content_type="text/plain", CONTENT_LENGTH=str(21 * 2**20 + 1)
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Yêu cầu lớn hơn 21 MB; hãy gửi tệp nhỏ hơn hoặc tách tệp."


@override_settings(MAX_REQUEST_BYTES=1000)
def test_a_request_at_the_limit_goes_through() -> None:
    response = Client().generic(
        "POST", "/api/v1/dossiers/lookup", b"{" + b" " * 998 + b"}", content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
