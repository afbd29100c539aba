"""A small province for the web-shell tests: units with codes, and one account of each kind."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from motcua.accounts.models import Role, RoleGrant, User
from motcua.organizations.models import Unit
from motcua.organizations.services import agency_code_assign
from motcua.organizations.tests.factories import UnitFactory

PASSWORD = "mat-khau-du-dai-9"


@dataclass
class World:
    province: Unit
    department: Unit
    commune: Unit
    centre: Unit
    citizen: User
    organization: User
    specialist: User
    intake_officer: User
    newcomer: User
    integrator: User
    superuser: User


def page_html(response: Any) -> str:
    return str(response.content.decode())


def _user(username: str, kind: str, full_name: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, kind=kind, full_name=full_name, **extra
    )


@pytest.fixture
def world(db: Any) -> World:
    province = UnitFactory(province=True, name="Ủy ban nhân dân tỉnh Phú Thọ", short_name="UBND tỉnh Phú Thọ")
    department = UnitFactory(
        department=True, parent=province, name="Sở Tư pháp tỉnh Phú Thọ", short_name="Sở Tư pháp"
    )
    commune = UnitFactory(
        parent=province, name="Ủy ban nhân dân phường Vân Phú", short_name="UBND phường Vân Phú"
    )
    centre = UnitFactory(
        center=True,
        parent=commune,
        name="Trung tâm Phục vụ hành chính công phường Vân Phú",
        short_name="Trung tâm PVHCC phường Vân Phú",
    )
    reform = datetime.date(2025, 7, 1)
    for unit, code in (
        (province, "H44"),
        (department, "H44.91"),
        (commune, "H44.103"),
        (centre, "H44.103.50"),
    ):
        agency_code_assign(unit=unit, code=code, valid_from=reform, actor=None)

    specialist = _user("chuyenvien", User.Kind.STAFF, "Lê Văn Hùng")
    RoleGrant.objects.create(user=specialist, role=Role.SPECIALIST, unit=department)
    RoleGrant.objects.create(user=specialist, role=Role.LEADER, unit=commune)
    intake_officer = _user("tiepnhan", User.Kind.STAFF, "Ngô Thị Thảo")
    RoleGrant.objects.create(user=intake_officer, role=Role.INTAKE_OFFICER, unit=centre)
    integrator = _user("tichhop", User.Kind.INTEGRATOR, "Cổng Dịch vụ công quốc gia")
    RoleGrant.objects.create(user=integrator, role=Role.INTEGRATOR, unit=province)
    superuser = User.objects.create_superuser(
        username="quantri", password=PASSWORD, kind=User.Kind.STAFF, full_name="Quản trị kỹ thuật"
    )
    return World(
        province=province,
        department=department,
        commune=commune,
        centre=centre,
        citizen=_user("congdan", User.Kind.CITIZEN, "Nguyễn Văn An", personal_id="025085001234"),
        organization=_user("2600123455", User.Kind.ORGANIZATION, "Công ty TNHH Chè Hùng Vương"),
        specialist=specialist,
        intake_officer=intake_officer,
        newcomer=_user("canbomoi", User.Kind.STAFF, "Phan Thị Mới"),
        integrator=integrator,
        superuser=superuser,
    )
