"""Fixtures of the catalogue tests: a small province with the units the demo catalogue names."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=VN)


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def province(db) -> dict[str, Unit]:
    """UBND tỉnh, its departments and centre, two communes with their centres; keyed as in the demo."""
    units: dict[str, Unit] = {}

    def add(key, name, level, kind, parent=None):
        units[key] = unit_create(
            name=name,
            level=level,
            kind=kind,
            parent=units.get(parent) if parent else None,
            external_key=f"t.{key}",
        )

    add("tinh", "Ủy ban nhân dân tỉnh Phú Thọ", "province", "peoples_committee")
    add("vp", "Văn phòng UBND tỉnh", "province", "department", "tinh")
    add("ttpvhcc.tinh", "Trung tâm Phục vụ hành chính công tỉnh", "province", "service_center", "vp")
    for key, name in (
        ("tuphap", "Sở Tư pháp"),
        ("xaydung", "Sở Xây dựng"),
        ("nnmt", "Sở Nông nghiệp và Môi trường"),
        ("taichinh", "Sở Tài chính"),
        ("yte", "Sở Y tế"),
    ):
        add(key, name, "province", "department", "tinh")
    add("congan", "Công an tỉnh", "province", "vertical_agency", "tinh")
    for key, name in (("vanphu", "phường Vân Phú"), ("thanhba", "xã Thanh Ba")):
        add(key, f"Ủy ban nhân dân {name}", "commune", "peoples_committee", "tinh")
        add(f"ttpvhcc.{key}", f"Trung tâm Phục vụ hành chính công {name}", "commune", "service_center", key)
    return units
