"""A form sent without its CSRF token gets a Vietnamese page; an API call a JSON problem."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_page_form_without_token_gets_the_vietnamese_403_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn hoặc được gửi từ một trang khác" in response.content.decode()


@pytest.mark.django_db
def test_the_csrf_failure_view_answers_json_under_the_api(rf) -> None:
    from motcua.core.views import csrf_failure

    response = csrf_failure(rf.post("/api/v1/accounts/tokens"))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert b'"code": "csrf_failed"' in response.content
