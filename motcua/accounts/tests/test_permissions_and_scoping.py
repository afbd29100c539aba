"""Roles cover a unit's subtree and nothing else: has_role, units_where, scope_by_units, User.visible_to."""

from typing import Any

import pytest

from motcua.accounts.models import Role, RoleGrant, User
from motcua.accounts.permissions import active_grants, forget_grants, has_role, units_where
from motcua.accounts.scoping import scope_by_units
from motcua.accounts.services import role_grant, role_revoke
from motcua.accounts.tests.conftest import People, Tree, make_staff
from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create

pytestmark = pytest.mark.django_db


def test_a_grant_covers_the_unit_and_its_subtree_only(tree: Tree, people: People) -> None:
    assert has_role(people.admin_a, Role.ADMIN, tree.commune_a) is True
    assert has_role(people.admin_a, Role.ADMIN, tree.centre_a) is True  # below commune A
    assert has_role(people.admin_a, Role.ADMIN, tree.commune_b) is False  # a sibling
    assert has_role(people.admin_a, Role.ADMIN, tree.province) is False  # above
    assert has_role(people.admin_a, Role.SUPERVISOR, tree.commune_a) is False  # another role
    assert has_role(people.admin_a, Role.ADMIN) is True  # anywhere
    assert has_role(people.supervisor, Role.SUPERVISOR, tree.commune_a) is True
    assert has_role(people.supervisor, Role.SUPERVISOR, tree.commune_b) is True


def test_superusers_hold_every_role_and_citizens_none_but_their_own(tree: Tree, people: People) -> None:
    assert has_role(people.superuser, Role.LEADER, tree.commune_b) is True
    assert has_role(people.citizen, Role.CITIZEN) is True
    assert has_role(people.citizen, Role.INTAKE_OFFICER) is False
    assert has_role(people.officer_a, Role.CITIZEN) is False
    assert has_role(None, Role.ADMIN) is False


def test_a_deactivated_officer_holds_no_role(tree: Tree, people: People) -> None:
    User.objects.filter(pk=people.officer_a.pk).update(is_active=False)
    officer = User.objects.get(pk=people.officer_a.pk)

    assert has_role(officer, Role.INTAKE_OFFICER, tree.centre_a) is False
    assert list(units_where(officer)) == []


def test_a_revoked_grant_no_longer_counts(tree: Tree, people: People) -> None:
    grant = RoleGrant.objects.get(user=people.officer_b)
    role_revoke(actor=people.admin_b, grant=grant)
    officer = User.objects.get(pk=people.officer_b.pk)

    assert has_role(officer, Role.INTAKE_OFFICER, tree.commune_b) is False


def test_grants_are_read_once_per_user_object(
    tree: Tree, people: People, django_assert_num_queries: Any
) -> None:
    officer = User.objects.get(pk=people.officer_a.pk)

    with django_assert_num_queries(1):
        for unit in (tree.province, tree.commune_a, tree.centre_a, tree.commune_b):
            has_role(officer, Role.INTAKE_OFFICER, unit)
            has_role(officer, Role.SPECIALIST, unit)

    forget_grants(officer)
    with django_assert_num_queries(1):
        active_grants(officer)


def test_a_new_grant_is_seen_by_the_same_user_object(tree: Tree, people: People) -> None:
    officer = User.objects.get(pk=people.officer_a.pk)
    assert has_role(officer, Role.LEADER, tree.commune_a) is False

    role_grant(actor=people.admin_a, user=officer, role=Role.LEADER, unit=tree.commune_a)

    assert has_role(officer, Role.LEADER, tree.commune_a) is True


def test_units_where_is_the_union_of_the_subtrees_in_one_query(
    tree: Tree, people: People, django_assert_num_queries: Any
) -> None:
    both = make_staff("hai.xa", (Role.SPECIALIST, tree.centre_a), (Role.SPECIALIST, tree.commune_b))
    nested = make_staff("long.nhau", (Role.LEADER, tree.commune_a), (Role.LEADER, tree.centre_a))
    active_grants(both)

    with django_assert_num_queries(1):
        assert set(units_where(both, Role.SPECIALIST)) == {tree.centre_a, tree.commune_b}
    assert set(units_where(people.supervisor, Role.SUPERVISOR)) == {
        tree.province,
        tree.commune_a,
        tree.centre_a,
        tree.commune_b,
    }
    assert set(units_where(people.officer_a)) == {tree.centre_a}  # any role
    assert set(units_where(people.officer_a, Role.LEADER)) == set()
    assert set(units_where(nested, Role.LEADER)) == {tree.commune_a, tree.centre_a}
    assert units_where(people.superuser).count() == Unit.objects.count()
    assert list(units_where(people.citizen)) == []


def test_a_unit_created_later_under_a_granted_unit_is_covered(tree: Tree, people: People) -> None:
    point = unit_create(
        name="Điểm tiếp nhận số 2",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.RECEPTION_POINT,
        parent=tree.centre_a,
    )

    assert has_role(people.officer_a, Role.INTAKE_OFFICER, point) is True
    assert point in units_where(people.admin_a, Role.ADMIN)
    assert point not in units_where(people.admin_b, Role.ADMIN)


# --- scope_by_units: the visible_to pattern ---------------------------------------------------------------


def intake_grants_visible_to(user: Any) -> set[str]:
    """RoleGrant stands in for a domain model with a unit field (a dossier's receiving unit)."""
    rows = scope_by_units(
        RoleGrant.objects.all(), user, unit_fields=("unit",), roles=(Role.INTAKE_OFFICER, Role.SUPERVISOR)
    )
    return {grant.user.username for grant in rows.select_related("user")}


def test_an_officer_of_commune_a_sees_a_but_not_b_and_the_province_supervisor_sees_both(
    people: People,
) -> None:
    assert intake_grants_visible_to(people.officer_a) == {"tiepnhan.a"}
    assert intake_grants_visible_to(people.officer_b) == {"tiepnhan.b", "quantri.b"}  # both on commune B
    assert intake_grants_visible_to(people.supervisor) == set(
        RoleGrant.objects.values_list("user__username", flat=True)
    )
    assert intake_grants_visible_to(people.admin_a) == set()  # admin is not one of the roles asked
    assert intake_grants_visible_to(people.citizen) == set()
    assert intake_grants_visible_to(None) == set()
    assert len(intake_grants_visible_to(people.superuser)) == RoleGrant.objects.count()


def test_several_unit_fields_and_owner_fields(tree: Tree, people: People) -> None:
    # granted_by stands in for an owner field: the person sees the rows they own wherever they are.
    grant = RoleGrant.objects.create(
        user=people.officer_b, role=Role.LEADER, unit=tree.commune_b, granted_by=people.citizen
    )

    rows = scope_by_units(
        RoleGrant.objects.all(), people.citizen, unit_fields=("unit",), owner_fields=("granted_by",)
    )
    assert list(rows) == [grant]

    by_user_field = scope_by_units(
        RoleGrant.objects.all(), people.admin_a, unit_fields=("unit", "unit__parent"), roles=(Role.ADMIN,)
    )
    assert {g.unit_id for g in by_user_field} == {tree.commune_a.pk, tree.centre_a.pk}


def test_a_many_valued_path_never_duplicates_rows(tree: Tree, people: People) -> None:
    # Units → their grants is a reverse foreign key: one unit with two grants inside the subtree.
    make_staff("them.mot", (Role.SPECIALIST, tree.centre_a))
    units = scope_by_units(
        Unit.objects.all(), people.admin_a, unit_fields=("grants__unit",), roles=(Role.ADMIN,)
    )

    assert sorted(unit.pk for unit in units) == sorted([tree.commune_a.pk, tree.centre_a.pk])


def test_the_scope_is_one_query(tree: Tree, people: People, django_assert_num_queries: Any) -> None:
    officer = User.objects.get(pk=people.officer_a.pk)
    active_grants(officer)

    with django_assert_num_queries(1):
        list(scope_by_units(RoleGrant.objects.all(), officer, unit_fields=("unit",)))


# --- User.objects.visible_to ------------------------------------------------------------------------------


def usernames(user: Any) -> set[str]:
    return set(User.objects.visible_to(user).values_list("username", flat=True))


def test_users_visible_to_each_person(people: People) -> None:
    assert usernames(people.citizen) == {"congdan.an"}
    assert usernames(people.officer_a) == {"tiepnhan.a"}
    assert usernames(people.admin_a) == {"quantri.a", "tiepnhan.a"}
    assert usernames(people.admin_b) == {"quantri.b", "tiepnhan.b"}
    assert usernames(people.supervisor) == {"giamsat.tinh"}
    assert usernames(people.admin_province) == {
        "quantri.tinh",
        "giamsat.tinh",
        "quantri.a",
        "tiepnhan.a",
        "quantri.b",
        "tiepnhan.b",
    }
    assert usernames(people.superuser) == set(User.objects.values_list("username", flat=True))
    assert usernames(None) == set()


def test_former_officers_stay_visible_to_their_administrator(tree: Tree, people: People) -> None:
    grant = RoleGrant.objects.get(user=people.officer_a)
    role_revoke(actor=people.admin_a, grant=grant)

    assert "tiepnhan.a" in usernames(people.admin_a)
