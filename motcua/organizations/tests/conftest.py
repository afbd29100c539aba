from typing import Any

import pytest


@pytest.fixture
def admin_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="quantri", password="x", kind="staff", full_name="Quản Trị"
    )
