"""Authentication backend: sign in with a username, an e-mail address or a personal ID number."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest


class LoginBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or not password:
            return None
        user_model = get_user_model()
        identifier = username.strip()
        user = (
            user_model._default_manager.filter(
                Q(username__iexact=identifier) | Q(email__iexact=identifier) | Q(personal_id=identifier)
            )
            .order_by("pk")
            .first()
        )
        if user is None:
            user_model().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
