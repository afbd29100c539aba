"""One error type for every rule a user can break, mapped once to a JSON problem or a page message."""

from collections.abc import Mapping
from typing import Any


class ApplicationError(Exception):
    """A rule the user broke. `message` is a (lazily) translated sentence saying what to do next.

    `status` is the HTTP status the API answers with; `fields` maps a field name to its own message.
    """

    status: int = 400

    def __init__(
        self,
        message: Any,
        *,
        code: str = "invalid",
        status: int | None = None,
        fields: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        if status is not None:
            self.status = status
        self.fields = dict(fields or {})
        self.extra = dict(extra or {})

    def as_problem(self) -> dict[str, Any]:
        return problem(self.code, self.message, self.fields, **self.extra)


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: Any = None, *, code: str = "not_found", **kwargs: Any) -> None:
        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415 (keeps this module import-light)

        super().__init__(message or _("Not found."), code=code, **kwargs)


class PermissionDenied(ApplicationError):
    status = 403

    def __init__(self, message: Any = None, *, code: str = "permission_denied", **kwargs: Any) -> None:
        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        super().__init__(message or _("You do not have permission to do this."), code=code, **kwargs)


class Conflict(ApplicationError):
    status = 409


def problem(code: str, message: Any, fields: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON problem body every 4xx of the API carries: {"code", "message", "fields"}."""
    return {
        "code": code,
        "message": str(message),
        "fields": {name: str(text) for name, text in (fields or {}).items()},
        **extra,
    }
