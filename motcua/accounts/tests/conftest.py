"""Fixtures of the accounts tests: a province with two communes, and one person of each kind."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Role, RoleGrant, User
from motcua.accounts.services import api_token_create
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create

PASSWORD = "mat-khau-rat-dai-2026"
# Fictitious but valid: 025 Phú Thọ, 0 = male born in the 20th century, 85 = 1985.
PERSONAL_ID = "025085001234"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Throttle counters live in the cache: no test inherits another's failures."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Tree:
    province: Unit
    commune_a: Unit
    centre_a: Unit
    commune_b: Unit


@pytest.fixture
def tree(db: Any) -> Tree:
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Phú Thọ", level=Unit.Level.PROVINCE, kind=Unit.Kind.PEOPLES_COMMITTEE
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Thanh Ba",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
    )
    centre_a = unit_create(
        name="Trung tâm Phục vụ hành chính công xã Thanh Ba",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.SERVICE_CENTER,
        parent=commune_a,
    )
    commune_b = unit_create(
        name="Ủy ban nhân dân phường Vân Phú",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        parent=province,
    )
    return Tree(province=province, commune_a=commune_a, centre_a=centre_a, commune_b=commune_b)


def make_staff(
    username: str, *grants: tuple[str, Unit], kind: str = User.Kind.STAFF, is_active: bool = True
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.vn",
        full_name=username.replace(".", " ").title(),
        kind=kind,
        is_active=is_active,
    )
    for role, unit in grants:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


def make_citizen(username: str = "congdan.an", personal_id: str = PERSONAL_ID, verified: bool = True) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.vn",
        full_name="Nguyễn Văn An",
        kind=User.Kind.CITIZEN,
        personal_id=personal_id,
        phone="0912345678",
        email_verified_at=timezone.now() if verified else None,
    )


@dataclass
class People:
    citizen: User
    officer_a: User  # intake officer of commune A's service centre
    officer_b: User  # intake officer of commune B
    admin_a: User  # administrator of commune A
    admin_b: User  # administrator of commune B
    supervisor: User  # supervisor on the province
    admin_province: User
    superuser: User

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def people(tree: Tree) -> People:
    superuser = User.objects.create_superuser(
        username="kythuat", password=PASSWORD, email="kythuat@example.vn", kind=User.Kind.STAFF
    )
    return People(
        citizen=make_citizen(),
        officer_a=make_staff("tiepnhan.a", (Role.INTAKE_OFFICER, tree.centre_a)),
        officer_b=make_staff("tiepnhan.b", (Role.INTAKE_OFFICER, tree.commune_b)),
        admin_a=make_staff("quantri.a", (Role.ADMIN, tree.commune_a)),
        admin_b=make_staff("quantri.b", (Role.ADMIN, tree.commune_b)),
        supervisor=make_staff("giamsat.tinh", (Role.SUPERVISOR, tree.province)),
        admin_province=make_staff("quantri.tinh", (Role.ADMIN, tree.province)),
        superuser=superuser,
    )


def client_for(user: User | None) -> Client:
    """A page client signed in as `user` (through the session), or anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user, backend="motcua.accounts.backends.LoginBackend")
    return client


def bearer_for(user: User) -> dict[str, str]:
    _token, secret = api_token_create(actor=user, owner=user, name="tests")
    return {"Authorization": f"Bearer {secret}"}
