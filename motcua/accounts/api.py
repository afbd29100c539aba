"""Accounts API: who am I, API tokens, staff accounts and role grants, citizen sign-up.

Every operation needs a bearer token or the page session (with CSRF) unless it says `auth=None`.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from motcua.accounts import selectors, services
from motcua.accounts.auth import api_auth
from motcua.accounts.models import ApiToken, Role, RoleGrant, User
from motcua.accounts.throttling import LoginThrottled, SignUpThrottled, login_attempt, sign_up_attempt
from motcua.core.errors import NotFound
from motcua.organizations.models import Unit

router = Router(tags=["accounts"], auth=api_auth)


class GrantOut(Schema):
    id: int
    user_id: int
    role: str
    role_label: str
    unit_id: int
    unit_name: str
    granted_at: datetime
    revoked_at: datetime | None

    @staticmethod
    def resolve_role_label(obj: RoleGrant) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit_name(obj: RoleGrant) -> str:
        return obj.unit.name


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    kind: str
    email: str
    is_active: bool
    grants: list[GrantOut]

    @staticmethod
    def resolve_grants(obj: User) -> Any:
        prefetched = getattr(obj, "active_grants", None)
        if prefetched is not None:
            return prefetched
        return (
            obj.grants.filter(revoked_at__isnull=True).select_related("unit").order_by("unit__path", "role")
        )


class MeOut(UserOut):
    personal_id: str | None
    tax_code: str | None
    phone: str
    email_verified: bool

    @staticmethod
    def resolve_email_verified(obj: User) -> bool:
        return obj.email_verified_at is not None


class TokenOut(Schema):
    id: int
    owner_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str  # shown once: only its hash is stored


class TokenIn(Schema):
    name: str
    days: int | None = None
    user_id: int | None = None  # an account the caller manages (an integrator); the caller by default


class TokenObtainIn(Schema):
    identifier: str  # username, e-mail address or personal ID number
    password: str
    name: str = "API"
    days: int | None = None


class GrantIn(Schema):
    user_id: int
    role: Role
    unit_id: int


class SignUpIn(Schema):
    personal_id: str
    full_name: str
    email: str
    phone: str
    password: str


class SignUpOut(Schema):
    email: str
    verification_sent: bool


def _created(token: ApiToken, secret: str) -> ApiToken:
    token.token = secret  # type: ignore[attr-defined]  # the response's one sight of the secret
    return token


@router.get("/me", response=MeOut, summary="The signed-in account and its active grants")
def me(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token (secret shown once)")
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    owner = actor if payload.user_id is None else selectors.user_get_for(actor=actor, user_id=payload.user_id)
    token, secret = services.api_token_create(actor=actor, owner=owner, name=payload.name, days=payload.days)
    return Status(201, _created(token, secret))


@router.post(
    "/tokens/obtain",
    response={201: TokenCreatedOut},
    auth=None,
    summary="Exchange a username (or e-mail, or personal ID) and password for an API token",
)
def token_obtain(request: HttpRequest, payload: TokenObtainIn) -> Any:
    try:
        user = login_attempt(request=request, identifier=payload.identifier, password=payload.password)
    except LoginThrottled as throttled:
        response = JsonResponse(throttled.as_problem(), status=429)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    token, secret = services.api_token_create(actor=user, owner=user, name=payload.name, days=payload.days)
    return Status(201, _created(token, secret))


@router.get("/tokens", response=list[TokenOut], summary="API tokens of the caller (or of a managed account)")
def token_list(request: HttpRequest, user_id: int | None = None) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    owner = actor if user_id is None else selectors.user_get_for(actor=actor, user_id=user_id)
    if not actor.has_perm("accounts.manage_tokens_of", owner):
        raise NotFound()
    return selectors.tokens_of(owner=owner)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    services.api_token_revoke(actor=actor, token=selectors.token_get_for(actor=actor, token_id=token_id))
    return Status(204, None)


@router.get("/users", response=list[UserOut], summary="Accounts visible to the caller")
@paginate(LimitOffsetPagination)
def user_list(request: HttpRequest) -> Any:
    return selectors.users_for(actor=request.auth)  # type: ignore[attr-defined]


@router.post("/users/{user_id}/deactivate", response=UserOut, summary="Deactivate a staff account")
def user_deactivate(request: HttpRequest, user_id: int) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    return services.staff_deactivate(actor=actor, user=selectors.user_get_for(actor=actor, user_id=user_id))


@router.post("/grants", response={201: GrantOut}, summary="Grant a role on a unit and its subtree")
def grant_create(request: HttpRequest, payload: GrantIn) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    user = selectors.user_get_for(actor=actor, user_id=payload.user_id)
    unit = Unit.objects.filter(pk=payload.unit_id).first()  # units are public; the service checks the right
    if unit is None:
        raise NotFound(_("This unit does not exist."))
    return Status(201, services.role_grant(actor=actor, user=user, role=payload.role, unit=unit))


@router.delete("/grants/{grant_id}", response={204: None}, summary="Revoke a role grant")
def grant_revoke(request: HttpRequest, grant_id: int) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    services.role_revoke(actor=actor, grant=selectors.grant_get_for(actor=actor, grant_id=grant_id))
    return Status(204, None)


@router.post(
    "/sign-up",
    response={201: SignUpOut},
    auth=None,
    summary="Open a citizen account (confirmed through a link sent by e-mail)",
)
def sign_up(request: HttpRequest, payload: SignUpIn) -> Any:
    """Rate-limited per client address together with the sign-up pages (429 with Retry-After)."""
    try:
        sign_up_attempt(request)
    except SignUpThrottled as throttled:
        response = JsonResponse(throttled.as_problem(), status=429)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    user = services.citizen_sign_up(**payload.model_dump())
    return Status(201, {"email": user.email, "verification_sent": True})
