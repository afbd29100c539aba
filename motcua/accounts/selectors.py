"""Reads on accounts, always scoped to the user asking."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from motcua.accounts.models import ApiToken, Role, RoleGrant, User
from motcua.accounts.permissions import units_where
from motcua.accounts.scoping import scope_by_units
from motcua.core.errors import NotFound
from motcua.organizations.models import Unit


def users_for(*, actor: Any) -> QuerySet[User]:
    """The accounts `actor` may see, with their active grants (and units) prefetched, by name."""
    active_grants = RoleGrant.objects.active().select_related("unit").order_by("unit__path", "role")
    return (
        User.objects.visible_to(actor)
        .prefetch_related(Prefetch("grants", queryset=active_grants, to_attr="active_grants"))
        .order_by("full_name", "username", "pk")
    )


def user_get_for(*, actor: Any, user_id: int) -> User:
    user = User.objects.visible_to(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def grants_of(*, user: User) -> QuerySet[RoleGrant]:
    """Every grant of `user`, active first, with units and the people who granted and revoked."""
    return (
        RoleGrant.objects.filter(user=user)
        .select_related("unit", "granted_by", "revoked_by")
        .order_by("-revoked_at", "unit__path", "role")
    )


def grant_get_for(*, actor: Any, grant_id: int) -> RoleGrant:
    """A grant `actor` may see: on a unit they administer, or their own."""
    grants = scope_by_units(
        RoleGrant.objects.select_related("unit", "user"),
        actor,
        unit_fields=("unit",),
        roles=(Role.ADMIN,),
        owner_fields=("user",),
    )
    grant = grants.filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


def administered_units(*, actor: Any) -> QuerySet[Unit]:
    """The units on which `actor` may create staff and grant roles."""
    return units_where(actor, Role.ADMIN).order_by("path")


def tokens_of(*, owner: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=owner).order_by("-created_at", "-id")


def token_get_for(*, actor: Any, token_id: int) -> ApiToken:
    """A token of `actor`, or of an account `actor` manages."""
    token = ApiToken.objects.select_related("owner").filter(pk=token_id).first()
    if token is None or not actor.has_perm("accounts.manage_tokens_of", token.owner):
        raise NotFound()
    return token
