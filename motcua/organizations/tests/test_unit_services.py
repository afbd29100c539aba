"""Writing units: create, update, move, deactivate, merge; the district rule; audit and outbox rows."""

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from motcua.core.errors import ApplicationError, Conflict
from motcua.core.models import AuditRecord, OutboxEvent
from motcua.organizations.models import AgencyCode, Unit, path_segment
from motcua.organizations.services import (
    agency_code_assign,
    unit_create,
    unit_deactivate,
    unit_merge,
    unit_move,
    unit_update,
)
from motcua.organizations.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def audit_actions(obj: Any) -> list[str]:
    return list(
        AuditRecord.objects.filter(
            object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def events(kind: str) -> list[dict[str, Any]]:
    return list(
        OutboxEvent.objects.filter(kind=kind).order_by("created_at").values_list("payload", flat=True)
    )


# --- create ------------------------------------------------------------------------------------------


def test_create_audits_and_announces_the_new_unit(admin_user: Any) -> None:
    unit = unit_create(
        name="  Ủy ban nhân dân   tỉnh Phú Thọ ",
        short_name="UBND tỉnh",
        level=Unit.Level.PROVINCE,
        kind=Unit.Kind.PEOPLES_COMMITTEE,
        external_key="PT",
        actor=admin_user,
    )

    assert (unit.name, unit.short_name, unit.search_text) == (
        "Ủy ban nhân dân tỉnh Phú Thọ",
        "UBND tỉnh",
        "uy ban nhan dan tinh phu tho ubnd tinh",
    )
    record = AuditRecord.objects.get(action="create")
    assert record.actor_id == admin_user.pk
    assert record.partition_unit == unit.pk
    assert record.after is not None
    assert record.after["path"] == path_segment(unit.pk)
    assert events("unit.created") == [
        {
            "id": unit.pk,
            "external_key": "PT",
            "parent_id": None,
            "name": "Ủy ban nhân dân tỉnh Phú Thọ",
            "level": "province",
            "kind": "peoples_committee",
            "is_active": True,
        }
    ]


def test_create_without_a_key_generates_one() -> None:
    unit = unit_create(name="Xã A", level=Unit.Level.COMMUNE, kind=Unit.Kind.PEOPLES_COMMITTEE)

    assert len(unit.external_key) == 32
    assert AuditRecord.objects.get().actor_label == "system"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "   "}, "required"),
        ({"name": "x" * 256}, "too_long"),
        ({"short_name": "x" * 101}, "too_long"),
        ({"level": "hamlet"}, "invalid_level"),
        ({"kind": "ministry"}, "invalid_kind"),
        ({"external_key": "k" * 65}, "too_long"),
    ],
)
def test_create_refuses_bad_values(changes: dict[str, str], code: str) -> None:
    values = {"name": "Xã A", "level": "commune", "kind": "peoples_committee"} | changes

    with pytest.raises(ApplicationError) as caught:
        unit_create(**values)

    assert caught.value.code == code
    assert Unit.objects.count() == 0


def test_create_refuses_a_taken_key() -> None:
    UnitFactory(external_key="X1")

    with pytest.raises(Conflict) as caught:
        UnitFactory(external_key="X1")

    assert caught.value.code == "duplicate_key"
    assert str(caught.value.message) == "Mã đơn vị X1 đã được dùng cho một đơn vị khác."
    assert Unit.objects.count() == 1


def test_create_refuses_an_inactive_parent() -> None:
    parent = UnitFactory(province=True)
    unit_deactivate(unit=parent, actor=None, last_day=D(2026, 1, 1))

    with pytest.raises(ApplicationError) as caught:
        UnitFactory(parent=parent)

    assert caught.value.code == "inactive_parent"


def test_a_new_district_unit_is_refused_from_1_july_2025() -> None:
    with pytest.raises(ApplicationError) as caught:
        unit_create(name="Huyện A", level="district", kind="peoples_committee", on=D(2025, 7, 1))

    assert caught.value.code == "district_abolished"
    assert caught.value.fields["level"].startswith("Cấp huyện đã bị bãi bỏ từ ngày 01/7/2025")
    with pytest.raises(ApplicationError):
        unit_create(name="Huyện A", level="district", kind="peoples_committee")  # today: 2026
    assert Unit.objects.count() == 0


def test_a_district_unit_is_allowed_before_the_reform_or_as_legacy_data() -> None:
    before = unit_create(name="Huyện A", level="district", kind="peoples_committee", on=D(2025, 6, 30))
    legacy = unit_create(name="Huyện B", level="district", kind="peoples_committee", legacy=True)

    assert [before.level, legacy.level] == ["district", "district"]


# --- update ------------------------------------------------------------------------------------------


def test_update_changes_only_what_differs_and_audits_it(admin_user: Any) -> None:
    unit = UnitFactory(name="Xã Cũ", short_name="XC")

    updated = unit_update(unit=unit, actor=admin_user, name="Xã Mới", short_name="XC")

    assert (updated.name, updated.short_name, updated.search_text) == ("Xã Mới", "XC", "xa moi xc")
    record = AuditRecord.objects.get(action="update")
    assert record.changed_fields == ["name", "search_text", "updated_at"]
    assert events("unit.updated")[0]["changed"] == ["name"]


def test_update_without_a_change_writes_nothing() -> None:
    unit = UnitFactory(name="Xã A")

    unit_update(unit=unit, actor=None, name="Xã A")

    assert audit_actions(unit) == ["create"]
    assert events("unit.updated") == []


def test_update_refuses_unknown_fields_and_the_parent() -> None:
    unit = UnitFactory()

    with pytest.raises(TypeError, match="parent"):
        unit_update(unit=unit, actor=None, parent=None)


def test_update_refuses_turning_a_unit_into_a_district() -> None:
    unit = UnitFactory()

    with pytest.raises(ApplicationError) as caught:
        unit_update(unit=unit, actor=None, level="district")

    assert caught.value.code == "district_abolished"
    assert Unit.objects.get(pk=unit.pk).level == "commune"


def test_update_refuses_a_taken_key() -> None:
    UnitFactory(external_key="A")
    unit = UnitFactory(external_key="B")

    with pytest.raises(Conflict):
        unit_update(unit=unit, actor=None, external_key="A")


def test_update_refuses_a_replacement_cycle() -> None:
    first, second = UnitFactory(), UnitFactory()
    unit_update(unit=first, actor=None, replaced_by=second)

    with pytest.raises(ApplicationError) as caught:
        unit_update(unit=second, actor=None, replaced_by=first)
    with pytest.raises(ApplicationError):
        unit_update(unit=second, actor=None, replaced_by=second)

    assert caught.value.code == "replacement_cycle"
    assert Unit.objects.get(pk=second.pk).replaced_by_id is None


# --- move --------------------------------------------------------------------------------------------


@pytest.fixture
def tree() -> dict[str, Unit]:
    p = UnitFactory(province=True, external_key="P")
    d = UnitFactory(department=True, parent=p, external_key="D")
    o = UnitFactory(parent=d, kind=Unit.Kind.OTHER, external_key="O")
    r = UnitFactory(parent=o, kind=Unit.Kind.RECEPTION_POINT, external_key="R")
    q = UnitFactory(province=True, external_key="Q")
    c = UnitFactory(parent=q, external_key="C")
    return {"P": p, "D": d, "O": o, "R": r, "Q": q, "C": c}


def paths(tree: dict[str, Unit]) -> dict[str, tuple[str, int, int | None]]:
    by_pk = {unit.pk: key for key, unit in tree.items()}
    return {
        by_pk[pk]: (path, depth, parent)
        for pk, path, depth, parent in Unit.objects.values_list("pk", "path", "depth", "parent_id")
    }


def seg(*units: Unit) -> str:
    return "".join(path_segment(unit.pk) for unit in units)


def test_move_rewrites_the_subtree_in_one_update(
    tree: dict[str, Unit], admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    p, d, o, r, q, c = (tree[k] for k in "PDORQC")
    with django_assert_max_num_queries(12) as captured:
        moved = unit_move(unit=o, new_parent=c, actor=admin_user)

    updates = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("UPDATE")]
    assert len([sql for sql in updates if '"organizations_unit"' in sql]) == 1
    assert (moved.path, moved.depth, moved.parent_id) == (seg(q, c, o), 2, c.pk)
    assert paths(tree) == {
        "P": (seg(p), 0, None),
        "D": (seg(p, d), 1, p.pk),
        "O": (seg(q, c, o), 2, c.pk),
        "R": (seg(q, c, o, r), 3, o.pk),
        "Q": (seg(q), 0, None),
        "C": (seg(q, c), 1, q.pk),
    }
    record = AuditRecord.objects.get(action="move")
    assert (record.before["parent_id"], record.after["parent_id"]) == (d.pk, c.pk)  # type: ignore[index]
    assert events("unit.moved")[0]["subtree_size"] == 2


def test_move_to_the_root_and_back_up_the_tree(tree: dict[str, Unit]) -> None:
    p, d, o, r = (tree[k] for k in "PDOR")

    unit_move(unit=d, new_parent=None, actor=None)

    assert paths(tree)["D"] == (seg(d), 0, None)
    assert paths(tree)["R"] == (seg(d, o, r), 2, o.pk)
    assert [u.external_key for u in Unit.objects.subtree_of(Unit.objects.get(pk=p.pk))] == ["P"]


def test_move_under_its_own_descendant_or_itself_is_refused(tree: dict[str, Unit]) -> None:
    before = paths(tree)
    for target in ("R", "O", "D"):
        with pytest.raises(ApplicationError) as caught:
            unit_move(unit=tree["D"], new_parent=tree[target], actor=None)
        assert caught.value.code == "move_into_own_subtree"
        assert (
            str(caught.value.message) == "Không thể chuyển đơn vị vào chính nó hoặc một đơn vị trực thuộc nó."
        )

    assert paths(tree) == before
    assert AuditRecord.objects.filter(action="move").count() == 0


def test_move_to_the_same_parent_changes_nothing(tree: dict[str, Unit]) -> None:
    before = paths(tree)

    unit_move(unit=tree["O"], new_parent=tree["D"], actor=None)

    assert paths(tree) == before
    assert events("unit.moved") == []


# --- deactivate and merge ----------------------------------------------------------------------------


def test_deactivate_closes_the_open_code(admin_user: Any) -> None:
    unit = UnitFactory()
    agency_code_assign(unit=unit, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)

    unit_deactivate(unit=unit, actor=admin_user, last_day=D(2026, 3, 31))

    unit.refresh_from_db()
    assert unit.is_active is False
    assert list(AgencyCode.objects.values_list("code", "valid_from", "valid_to")) == [
        ("H15.50.05", D(2025, 7, 1), D(2026, 3, 31))
    ]
    assert audit_actions(unit) == ["create", "deactivate"]
    assert events("unit.deactivated")[0]["code_closed"] == "H15.50.05"


def test_deactivate_refuses_a_unit_with_active_children_or_already_inactive() -> None:
    parent = UnitFactory(province=True)
    child = UnitFactory(parent=parent)

    with pytest.raises(Conflict) as caught:
        unit_deactivate(unit=parent, actor=None)
    assert caught.value.code == "active_children"
    assert str(caught.value.message).endswith(
        "vẫn còn 1 đơn vị trực thuộc đang hoạt động; hãy chuyển hoặc ngừng hoạt động các đơn vị đó trước."
    )

    unit_deactivate(unit=child, actor=None)
    unit_deactivate(unit=parent, actor=None)
    with pytest.raises(Conflict) as again:
        unit_deactivate(unit=parent, actor=None)
    assert again.value.code == "already_inactive"


def test_deactivate_refuses_a_last_day_before_the_code_starts() -> None:
    unit = UnitFactory()
    agency_code_assign(unit=unit, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)

    with pytest.raises(ApplicationError) as caught:
        unit_deactivate(unit=unit, actor=None, last_day=D(2025, 6, 30))

    assert caught.value.code == "dates_out_of_order"
    assert Unit.objects.get(pk=unit.pk).is_active is True


def test_merge_2025_links_units_and_codes_to_the_new_commune(admin_user: Any) -> None:
    province = UnitFactory(province=True)
    old_a, old_b = UnitFactory(parent=province), UnitFactory(parent=province)
    agency_code_assign(unit=old_a, code="H15.31.01", valid_from=D(2020, 1, 1), actor=None)
    agency_code_assign(unit=old_b, code="H15.31.02", valid_from=D(2020, 1, 1), actor=None)
    new = UnitFactory(parent=province)
    new_code = agency_code_assign(unit=new, code="H15.50.05", valid_from=D(2025, 7, 1), actor=None)

    unit_merge(units=[old_a, old_b], into=new, day=D(2025, 7, 1), actor=admin_user)

    for old in (old_a, old_b):
        old.refresh_from_db()
        assert (old.is_active, old.replaced_by_id) == (False, new.pk)
        code = AgencyCode.objects.get(unit=old)
        assert (code.valid_to, code.replaced_by_id) == (D(2025, 6, 30), new_code.pk)
        assert audit_actions(old)[-1] == "merge"
    assert events("unit.merged") == [
        {
            "into_id": new.pk,
            "merged_ids": sorted([old_a.pk, old_b.pk]),
            "day": "2025-07-01",
            "successor_code": "H15.50.05",
        }
    ]


def test_merge_refuses_the_target_itself_and_inactive_units() -> None:
    new, old = UnitFactory(), UnitFactory()

    with pytest.raises(ApplicationError):
        unit_merge(units=[new], into=new, day=D(2025, 7, 1), actor=None)
    unit_deactivate(unit=old, actor=None)
    with pytest.raises(Conflict) as caught:
        unit_merge(units=[old], into=new, day=D(2025, 7, 1), actor=None)
    assert caught.value.code == "already_inactive"
    with pytest.raises(Conflict) as inactive_target:
        unit_merge(units=[new], into=old, day=D(2025, 7, 1), actor=None)
    assert inactive_target.value.code == "inactive_target"
