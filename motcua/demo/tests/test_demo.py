"""The demo province loads once, covers every role and unit kind, and matches the README."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone, translation

from motcua.accounts.models import Role, RoleGrant, User
from motcua.demo.data import APPLICANTS, DEMO_PASSWORD, STAFF, SUPERUSER, UNITS
from motcua.organizations.models import AgencyCode, Unit

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.fixture
def demo() -> None:
    call_command("demo", stdout=StringIO())


def _valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def test_demo_with_if_empty_loads_once() -> None:
    first, second = StringIO(), StringIO()

    call_command("demo", "--if-empty", stdout=first)
    counts = (
        Unit.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        AgencyCode.objects.count(),
    )
    call_command("demo", "--if-empty", stdout=second)

    expected_accounts = 1 + len(STAFF) + len(APPLICANTS)
    assert first.getvalue() == f"demo data loaded: {len(UNITS)} units, {expected_accounts} accounts\n"
    assert second.getvalue() == "demo data already loaded\n"
    assert counts == (len(UNITS), expected_accounts, len(STAFF), len(UNITS) + 1)
    assert (
        Unit.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        AgencyCode.objects.count(),
    ) == counts


def test_demo_without_if_empty_refuses_to_load_twice(demo: None) -> None:
    with pytest.raises(CommandError, match="demo data is already loaded"):
        call_command("demo", stdout=StringIO())

    assert User.objects.filter(username=SUPERUSER).count() == 1


def test_every_role_has_an_account(demo: None) -> None:
    granted = set(RoleGrant.objects.filter(revoked_at__isnull=True).values_list("role", flat=True))

    assert granted == set(Role.values) - {Role.CITIZEN}
    assert User.objects.filter(kind=User.Kind.CITIZEN).count() == 3
    assert User.objects.filter(kind=User.Kind.ORGANIZATION).count() == 1


def test_staff_roles_sit_where_the_brief_puts_them(demo: None) -> None:
    def holders(role: Role) -> set[tuple[str, str]]:
        grants = RoleGrant.objects.filter(role=role).select_related("unit")
        return {(grant.unit.level, grant.unit.kind) for grant in grants}

    assert holders(Role.INTAKE_OFFICER) == {
        (Unit.Level.PROVINCE, Unit.Kind.SERVICE_CENTER),
        (Unit.Level.COMMUNE, Unit.Kind.SERVICE_CENTER),
    }
    for role in (Role.SPECIALIST, Role.LEADER):
        assert holders(role) == {
            (Unit.Level.PROVINCE, Unit.Kind.DEPARTMENT),
            (Unit.Level.COMMUNE, Unit.Kind.PEOPLES_COMMITTEE),
        }
    assert holders(Role.ADMIN) == {
        (Unit.Level.PROVINCE, Unit.Kind.PEOPLES_COMMITTEE),
        (Unit.Level.COMMUNE, Unit.Kind.PEOPLES_COMMITTEE),
    }
    assert holders(Role.SUPERVISOR) == {(Unit.Level.PROVINCE, Unit.Kind.PEOPLES_COMMITTEE)}
    assert holders(Role.CATALOG_EDITOR) == {(Unit.Level.PROVINCE, Unit.Kind.DEPARTMENT)}
    assert User.objects.get(username="tichhop.dvcqg").kind == User.Kind.INTEGRATOR


def test_the_province_tree(demo: None) -> None:
    root = Unit.objects.get(parent__isnull=True)
    communes = Unit.objects.filter(level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE)

    assert root.name == "Ủy ban nhân dân tỉnh Phú Thọ"
    assert Unit.objects.subtree_of(root).count() == len(UNITS)
    assert communes.count() == 6
    assert set(communes.values_list("parent", flat=True)) == {root.pk}
    provincial_centre = Unit.objects.get(level=Unit.Level.PROVINCE, kind=Unit.Kind.SERVICE_CENTER)
    assert provincial_centre.parent is not None
    assert provincial_centre.parent.name == "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ"
    assert Unit.objects.filter(kind=Unit.Kind.VERTICAL_AGENCY).get().name == "Công an tỉnh Phú Thọ"
    assert Unit.objects.filter(level=Unit.Level.PROVINCE, kind=Unit.Kind.DEPARTMENT).count() == 8
    point = Unit.objects.get(kind=Unit.Kind.RECEPTION_POINT)
    assert point.parent is not None
    assert point.parent.kind == Unit.Kind.SERVICE_CENTER
    assert point.parent.level == Unit.Level.COMMUNE


def test_every_commune_has_its_public_service_centre(demo: None) -> None:
    for commune in Unit.objects.filter(level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE):
        centres = commune.children.filter(kind=Unit.Kind.SERVICE_CENTER, level=Unit.Level.COMMUNE)
        assert [centre.name for centre in centres] == [
            commune.name.replace("Ủy ban nhân dân", "Trung tâm Phục vụ hành chính công")
        ]


def test_every_unit_has_exactly_one_code_valid_today(demo: None) -> None:
    today = timezone.localdate()

    for unit in Unit.objects.all():
        assert unit.codes.filter(_valid_on(today)).count() == 1, unit.name
    assert list(Unit.objects.get(short_name="UBND phường Vân Phú").codes.values_list("code", flat=True)) == [
        "H44.103"
    ]


def test_the_merger_lineage_of_a_ward_code(demo: None) -> None:
    ward = Unit.objects.get(short_name="UBND phường Thanh Miếu")

    before = ward.codes.get(_valid_on(datetime.date(2025, 6, 30)))
    after = ward.codes.get(_valid_on(datetime.date(2025, 7, 1)))

    assert (before.code, before.valid_to, before.replaced_by) == (
        "H44.20.05",
        datetime.date(2025, 6, 30),
        after,
    )
    assert (after.code, after.valid_from, after.valid_to) == ("H44.102", datetime.date(2025, 7, 1), None)


def test_citizens_were_born_in_the_three_merged_provinces(demo: None) -> None:
    ids = User.objects.filter(kind=User.Kind.CITIZEN).values_list("personal_id", flat=True)

    # The first three digits: 025 Phú Thọ, 026 Vĩnh Phúc, 017 Hòa Bình.
    assert sorted(personal_id[:3] for personal_id in ids) == ["017", "025", "026"]
    assert User.objects.get(kind=User.Kind.ORGANIZATION).tax_code == "2600123455"


def _readme_accounts() -> list[dict[str, str]]:
    """The rows of the README's demo-account table, as {column: cell}."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:  # skip the header and the |---| separator
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def test_the_readme_account_table_matches_the_data(demo: None) -> None:
    rows = _readme_accounts()
    with translation.override("en"):  # the README is written in English
        role_by_label = {str(label): value for value, label in Role.choices}
        kind_by_label = {str(label): value for value, label in User.Kind.choices}

    assert [row["username"] for row in rows] == [
        SUPERUSER,
        *(staff.username for staff in STAFF),
        *(applicant.identifier for applicant in APPLICANTS),
    ]
    for row in rows:
        sign_in = row["username"]
        user = User.objects.get(Q(username=sign_in) | Q(personal_id=sign_in) | Q(tax_code=sign_in))
        assert row["password"] == DEMO_PASSWORD
        assert authenticate(username=sign_in, password=row["password"]) == user
        if row["role"] == "Superuser":
            assert user.is_superuser
            assert row["unit"] == "—"
        elif row["role"] in {"Citizen", "Organisation"}:
            assert user.kind == kind_by_label[row["role"]]
            assert row["unit"] == "—"
            assert not user.grants.exists()
        else:
            grant = user.grants.select_related("unit").get()
            assert (grant.role, grant.unit.short_name) == (role_by_label[row["role"]], row["unit"])


def test_every_demo_account_passes_the_model_validation(demo: None) -> None:
    for user in User.objects.all():
        user.full_clean()
        assert user.email_verified_at is not None or user.is_superuser, user.username
