"""The ninja API object: routers mounted here; every error mapped once to a JSON problem."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

import motcua
from motcua.accounts.api import router as accounts_router
from motcua.core.errors import ApplicationError, problem
from motcua.core.middleware import status_problem
from motcua.organizations.api import router as organizations_router

api = NinjaAPI(
    title="motcua API",
    version=motcua.__version__,
    description="Administrative-procedure dossiers, catalogue, legal time and service index.",
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _validation_message(error: dict[str, Any]) -> str:
    """A Vietnamese (translated) sentence for one pydantic validation error."""
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "float_parsing": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "bool_parsing": _("Enter true or false."),
        "string_type": _("Enter text."),
        "string_too_short": _("The text is too short."),
        "string_too_long": _("The text is too long."),
        "datetime_parsing": _("Enter a date and time in ISO 8601 format, e.g. 2026-03-02T08:00:00+07:00."),
        "datetime_from_date_parsing": _(
            "Enter a date and time in ISO 8601 format, e.g. 2026-03-02T08:00:00+07:00."
        ),
        "date_parsing": _("Enter a date in the format YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date in the format YYYY-MM-DD."),
        "enum": _("Choose one of the allowed values."),
        "literal_error": _("Choose one of the allowed values."),
        "json_invalid": _("The body is not valid JSON."),
        "model_attributes_type": _("The body must be a JSON object."),
        "dict_type": _("The body must be a JSON object."),
        "greater_than_equal": _("The value is too small."),
        "less_than_equal": _("The value is too large."),
        "uuid_parsing": _("Enter a valid identifier."),
    }
    return messages.get(kind, _("This value is not valid."))


def _field_name(location: list[Any] | tuple[Any, ...]) -> str:
    parts = [
        str(part) for part in location if part not in {"body", "query", "path", "form", "header", "payload"}
    ]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = {_field_name(err.get("loc", ())): _validation_message(err) for err in exc.errors}
    body = problem("validation_error", _("Some fields are not valid; correct them and try again."), fields)
    return api.create_response(request, body, status=422)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_problem(), status=exc.status)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, problem("not_found", _("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = problem("not_authenticated", _("Sign in or send a valid API token."))
    return api.create_response(request, body, status=401)


@api.exception_handler(DjangoPermissionDenied)
def on_forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    body = problem("permission_denied", _("You do not have permission to do this."))
    return api.create_response(request, body, status=403)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja answers a body it cannot parse with HttpError(400, "Cannot parse request body").
    if exc.status_code == 400:
        body = problem("json_invalid", _("The body is not valid JSON."))
    else:
        body = status_problem(exc.status_code)
    return api.create_response(request, body, status=exc.status_code)


api.add_router("/accounts", accounts_router)
api.add_router("/units", organizations_router)
api.add_router("/worktime", "motcua.worktime.api.router")
api.add_router("/procedures", "motcua.catalog.api.router")
api.add_router("/dossiers", "motcua.dossiers.api.router")
api.add_router("/kpi", "motcua.kpi.api.router")
api.add_router("/documents", "motcua.documents.api.router")
