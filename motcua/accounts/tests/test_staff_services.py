"""Staff accounts and role grants: who may create, grant, revoke and deactivate, and what each leaves."""

from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import ApiToken, Role, RoleGrant, User
from motcua.accounts.services import (
    api_token_create,
    role_grant,
    role_revoke,
    staff_create,
    staff_deactivate,
)
from motcua.accounts.tests.conftest import People, Tree, make_staff
from motcua.core.audit import audit_trail_of
from motcua.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

NOT_YOUR_UNIT = (
    "Bạn chỉ được quản lý cán bộ và phân quyền tại các đơn vị do bạn quản trị và các đơn vị trực thuộc."
)


def new_officer(actor: Any, unit: Any, **changes: Any) -> User:
    return staff_create(
        **{
            "actor": actor,
            "username": "tiepnhan.moi",
            "full_name": "Lê Thị Mới",
            "email": "moi@example.vn",
            "unit": unit,
            "roles": [Role.INTAKE_OFFICER, Role.SPECIALIST],
            **changes,
        }
    )


def test_an_admin_creates_staff_in_their_subtree(tree: Tree, people: People) -> None:
    officer = new_officer(people.admin_a, tree.centre_a, username=" TiepNhan.Moi ")

    assert (officer.username, officer.kind, officer.is_active) == ("tiepnhan.moi", User.Kind.STAFF, True)
    assert officer.has_usable_password() is False
    grants = RoleGrant.objects.filter(user=officer).order_by("role")
    assert [(g.role, g.unit_id, g.granted_by_id) for g in grants] == [
        (Role.INTAKE_OFFICER, tree.centre_a.pk, people.admin_a.pk),
        (Role.SPECIALIST, tree.centre_a.pk, people.admin_a.pk),
    ]
    [created] = audit_trail_of(officer)
    assert (created.action, created.actor_id, created.partition_unit) == (
        "create",
        people.admin_a.pk,
        tree.centre_a.pk,
    )
    assert [record.action for grant in grants for record in audit_trail_of(grant)] == ["grant", "grant"]


def test_an_admin_of_commune_a_cannot_create_staff_in_commune_b(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as error:
        new_officer(people.admin_a, tree.commune_b)

    assert (error.value.status, error.value.code, str(error.value.message)) == (
        403,
        "permission_denied",
        NOT_YOUR_UNIT,
    )
    assert not User.objects.filter(username="tiepnhan.moi").exists()


@pytest.mark.parametrize("actor", ["officer_a", "supervisor", "citizen"])
def test_non_admins_cannot_create_staff(tree: Tree, people: People, actor: str) -> None:
    with pytest.raises(ApplicationError) as error:
        new_officer(people.by_name(actor), tree.commune_a)

    assert error.value.status == 403


def test_integration_accounts_hold_only_the_integrator_role(tree: Tree, people: People) -> None:
    account = new_officer(
        people.admin_province, tree.province, username="tichhop.dvcqg", roles=[Role.INTEGRATOR]
    )

    assert account.kind == User.Kind.INTEGRATOR


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"username": "Nguyễn"}, {"username"}),
        ({"username": "ab"}, {"username"}),
        ({"full_name": ""}, {"full_name"}),
        ({"email": "khong-hop-le"}, {"email"}),
        ({"roles": []}, {"roles"}),
        ({"roles": [Role.CITIZEN]}, {"roles"}),
    ],
)
def test_staff_create_field_errors(
    tree: Tree, people: People, changes: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(ApplicationError) as error:
        new_officer(people.admin_a, tree.commune_a, **changes)

    assert (error.value.status, set(error.value.fields)) == (422, fields)


def test_staff_create_refuses_a_taken_username_or_email(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as error:
        new_officer(people.admin_a, tree.commune_a, username="tiepnhan.b", email="tiepnhan.b@example.vn")

    assert error.value.status == 409
    assert {k: str(v) for k, v in error.value.fields.items()} == {
        "username": "Tên đăng nhập này đã được sử dụng; vui lòng chọn tên khác.",
        "email": "Địa chỉ thư điện tử này đã được dùng cho một tài khoản khác.",
    }


# --- grants -----------------------------------------------------------------------------------------------


def test_an_admin_grants_and_revokes_within_their_subtree(tree: Tree, people: People) -> None:
    grant = role_grant(actor=people.admin_a, user=people.officer_a, role=Role.LEADER, unit=tree.commune_a)
    revoked = role_revoke(actor=people.admin_a, grant=grant)

    assert (revoked.revoked_by_id, revoked.revoked_at is not None) == (people.admin_a.pk, True)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()  # kept, not deleted
    assert [r.action for r in audit_trail_of(grant)] == ["grant", "revoke"]
    assert [r.partition_unit for r in audit_trail_of(grant)] == [tree.commune_a.pk, tree.commune_a.pk]


def test_an_admin_of_commune_a_cannot_grant_or_revoke_on_commune_b(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as granting:
        role_grant(actor=people.admin_a, user=people.officer_a, role=Role.LEADER, unit=tree.commune_b)
    with pytest.raises(ApplicationError) as revoking:
        role_revoke(actor=people.admin_a, grant=RoleGrant.objects.get(user=people.officer_b))

    assert (granting.value.status, str(granting.value.message)) == (403, NOT_YOUR_UNIT)
    assert revoking.value.status == 403
    assert RoleGrant.objects.get(user=people.officer_b).revoked_at is None


def test_the_province_admin_grants_anywhere_below(tree: Tree, people: People) -> None:
    grant = role_grant(
        actor=people.admin_province, user=people.officer_b, role=Role.SPECIALIST, unit=tree.centre_a
    )

    assert grant.unit == tree.centre_a


def test_a_duplicate_grant_is_a_conflict(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as error:
        role_grant(actor=people.admin_a, user=people.officer_a, role=Role.INTAKE_OFFICER, unit=tree.centre_a)

    assert (error.value.status, error.value.code) == (409, "grant_exists")


def test_a_revoked_grant_can_be_granted_again_and_revoking_twice_is_a_conflict(
    tree: Tree, people: People
) -> None:
    grant = RoleGrant.objects.get(user=people.officer_a)
    role_revoke(actor=people.admin_a, grant=grant)
    with pytest.raises(ApplicationError) as twice:
        role_revoke(actor=people.admin_a, grant=grant)

    again = role_grant(
        actor=people.admin_a, user=people.officer_a, role=Role.INTAKE_OFFICER, unit=tree.centre_a
    )

    assert twice.value.code == "already_revoked"
    assert again.pk != grant.pk


@pytest.mark.parametrize("target", ["citizen", "inactive"])
def test_roles_go_only_to_active_staff(tree: Tree, people: People, target: str) -> None:
    user = people.citizen if target == "citizen" else make_staff("nghi.viec", is_active=False)

    with pytest.raises(ApplicationError) as error:
        role_grant(actor=people.admin_a, user=user, role=Role.SPECIALIST, unit=tree.commune_a)

    assert error.value.code == "not_grantable"


def test_citizen_is_not_a_grantable_role(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as error:
        role_grant(actor=people.admin_a, user=people.officer_a, role=Role.CITIZEN, unit=tree.commune_a)

    assert set(error.value.fields) == {"role"}


# --- deactivation -----------------------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_and_keeps_grants(tree: Tree, people: People) -> None:
    officer = people.officer_a
    session = Client()
    session.force_login(officer, backend="motcua.accounts.backends.LoginBackend")
    assert session.get("/").wsgi_request.user.pk == officer.pk
    token, secret = api_token_create(actor=officer, owner=officer, name="máy trạm")

    result = staff_deactivate(actor=people.admin_a, user=officer)

    assert (result.is_active, result.session_generation) == (False, 1)
    assert session.get("/").wsgi_request.user.is_authenticated is False
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert RoleGrant.objects.active().filter(user=officer).count() == 1  # kept for the history
    assert User.objects.filter(pk=officer.pk).exists()
    assert [r.action for r in audit_trail_of(officer)] == ["deactivate"]
    [record] = audit_trail_of(officer)
    assert record.before["is_active"] is True and record.after["is_active"] is False
    assert "password" not in record.after
    assert [r.action for r in audit_trail_of(token)] == ["create", "revoke"]
    assert (
        Client()
        .post("/accounts/login/", {"username": "tiepnhan.a", "password": "mat-khau-rat-dai-2026"})
        .status_code
        == 200
    )


def test_an_admin_of_commune_a_cannot_deactivate_staff_of_commune_b(tree: Tree, people: People) -> None:
    with pytest.raises(ApplicationError) as error:
        staff_deactivate(actor=people.admin_a, user=people.officer_b)

    assert error.value.status == 403
    assert User.objects.get(pk=people.officer_b.pk).is_active is True


def test_a_commune_admin_cannot_deactivate_an_officer_who_also_works_elsewhere(
    tree: Tree, people: People
) -> None:
    RoleGrant.objects.create(user=people.officer_a, role=Role.SPECIALIST, unit=tree.commune_b)

    with pytest.raises(ApplicationError) as error:
        staff_deactivate(actor=people.admin_a, user=people.officer_a)

    assert error.value.status == 403
    assert staff_deactivate(actor=people.admin_province, user=people.officer_a).is_active is False


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        ("admin_a", "admin_a", "self_deactivation"),
        ("admin_province", "citizen", "permission_denied"),
        ("admin_province", "superuser", "permission_denied"),
        ("supervisor", "officer_a", "permission_denied"),
        ("officer_a", "officer_a", "self_deactivation"),
    ],
)
def test_deactivation_refusals(tree: Tree, people: People, actor: str, target: str, code: str) -> None:
    with pytest.raises(ApplicationError) as error:
        staff_deactivate(actor=people.by_name(actor), user=people.by_name(target))  # type: ignore[arg-type]

    assert error.value.code == code


def test_deactivating_twice_is_a_conflict(tree: Tree, people: People) -> None:
    staff_deactivate(actor=people.admin_a, user=people.officer_a)

    with pytest.raises(ApplicationError) as error:
        staff_deactivate(actor=people.admin_a, user=people.officer_a)

    assert (error.value.status, error.value.code) == (409, "already_deactivated")


def test_a_superuser_may_do_anything(tree: Tree, people: People) -> None:
    officer = new_officer(people.superuser, tree.commune_b)
    grant = role_grant(actor=people.superuser, user=officer, role=Role.LEADER, unit=tree.province)
    role_revoke(actor=people.superuser, grant=grant)
    token, _secret = api_token_create(actor=people.superuser, owner=officer, name="x")
    staff_deactivate(actor=people.superuser, user=officer)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert User.objects.get(pk=officer.pk).is_active is False


@pytest.mark.parametrize(
    ("actor", "may"),
    [("citizen", False), ("officer_a", False), ("supervisor", False), ("admin_a", True), ("superuser", True)],
)
def test_who_may_open_staff_management(people: People, actor: str, may: bool) -> None:
    assert people.by_name(actor).has_perm("accounts.manage_staff") is may  # type: ignore[union-attr]
