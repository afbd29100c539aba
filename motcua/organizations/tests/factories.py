"""Units are built through `unit_create`, so that every test unit has a real path."""

from typing import Any

import factory

from motcua.organizations.models import Unit
from motcua.organizations.services import unit_create


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Số {n}")
    level = Unit.Level.COMMUNE
    kind = Unit.Kind.PEOPLES_COMMITTEE
    parent = None
    short_name = ""
    external_key = factory.Sequence(lambda n: f"DV{n:05d}")

    class Params:
        province = factory.Trait(
            level=Unit.Level.PROVINCE, name=factory.Sequence(lambda n: f"Ủy ban nhân dân tỉnh Số {n}")
        )
        department = factory.Trait(
            level=Unit.Level.PROVINCE,
            kind=Unit.Kind.DEPARTMENT,
            name=factory.Sequence(lambda n: f"Sở Số {n}"),
        )
        center = factory.Trait(
            kind=Unit.Kind.SERVICE_CENTER,
            name=factory.Sequence(lambda n: f"Trung tâm Phục vụ hành chính công Số {n}"),
        )

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(**kwargs)

    @classmethod
    def _build(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        raise NotImplementedError("units only exist in the tree: use UnitFactory() (create)")
