"""The materialised path: subtree and ancestor queries, bounds at digit roll-over, sibling-prefix traps."""

import pytest
from django.db import connection

from motcua.organizations.models import (
    MAX_UNIT_ID,
    PATH_MAX_LENGTH,
    Unit,
    path_prefixes,
    path_segment,
    path_upper_bound,
)
from motcua.organizations.selectors import unit_ancestors, units_subtree
from motcua.organizations.tests.factories import UnitFactory


def test_upper_bound_adds_one_to_the_last_segment() -> None:
    assert path_upper_bound("00000001") == "00000002"
    assert path_upper_bound("0000000100000009") == "0000000100000010"
    assert path_upper_bound("0000000100000099") == "0000000100000100"
    assert path_upper_bound("0000000100099999") == "0000000100100000"


def test_upper_bound_of_the_largest_segment_does_not_spill_into_the_parent() -> None:
    path = "00000001" + "99999999"

    bound = path_upper_bound(path)

    assert bound == path + "9" * (PATH_MAX_LENGTH + 1 - len(path))
    assert len(bound) == PATH_MAX_LENGTH + 1
    # Every descendant that fits in the column sorts below it; the next root sorts above it.
    assert path + "9" * (PATH_MAX_LENGTH - len(path)) < bound
    assert bound < "00000002"


def test_path_segment_pads_and_refuses_ids_that_do_not_fit() -> None:
    assert path_segment(1) == "00000001"
    assert path_segment(MAX_UNIT_ID) == "99999999"
    with pytest.raises(ValueError, match="does not fit"):
        path_segment(MAX_UNIT_ID + 1)
    with pytest.raises(ValueError, match="does not fit"):
        path_segment(0)


def test_path_prefixes_are_root_first() -> None:
    assert path_prefixes("000000010000000200000003") == [
        "00000001",
        "0000000100000002",
        "000000010000000200000003",
    ]


@pytest.fixture
def four_levels(db: None) -> dict[str, Unit]:
    """Province › department › sub-unit › reception point, plus a commune and a second province."""
    province = UnitFactory(province=True, external_key="P")
    department = UnitFactory(department=True, parent=province, external_key="P.D")
    office = UnitFactory(
        parent=department, level=Unit.Level.PROVINCE, kind=Unit.Kind.OTHER, external_key="P.D.O"
    )
    point = UnitFactory(parent=office, kind=Unit.Kind.RECEPTION_POINT, external_key="P.D.O.R")
    commune = UnitFactory(parent=province, external_key="P.C")
    other = UnitFactory(province=True, external_key="Q")
    other_commune = UnitFactory(parent=other, external_key="Q.C")
    return {
        "province": province,
        "department": department,
        "office": office,
        "point": point,
        "commune": commune,
        "other": other,
        "other_commune": other_commune,
    }


def keys(units: object) -> list[str]:
    return [unit.external_key for unit in units]  # type: ignore[attr-defined]


def test_unit_create_writes_path_and_depth(four_levels: dict[str, Unit]) -> None:
    province, point = four_levels["province"], four_levels["point"]

    assert province.path == path_segment(province.pk)
    assert province.depth == 0
    assert point.depth == 3
    assert point.path == "".join(
        path_segment(four_levels[name].pk) for name in ("province", "department", "office", "point")
    )
    assert Unit.objects.get(pk=point.pk).path == point.path


def test_subtree_holds_the_unit_and_everything_below_it_in_tree_order(four_levels: dict[str, Unit]) -> None:
    assert keys(units_subtree(unit=four_levels["province"])) == ["P", "P.D", "P.D.O", "P.D.O.R", "P.C"]
    assert keys(units_subtree(unit=four_levels["department"])) == ["P.D", "P.D.O", "P.D.O.R"]
    assert keys(units_subtree(unit=four_levels["point"])) == ["P.D.O.R"]
    assert keys(units_subtree(unit=four_levels["other"])) == ["Q", "Q.C"]


def test_ancestors_are_root_first(four_levels: dict[str, Unit]) -> None:
    point = four_levels["point"]

    assert keys(unit_ancestors(unit=point)) == ["P", "P.D", "P.D.O"]
    assert keys(unit_ancestors(unit=point, include_self=True)) == ["P", "P.D", "P.D.O", "P.D.O.R"]
    assert keys(unit_ancestors(unit=four_levels["province"])) == []


def make(pk: int, parent: Unit | None = None) -> Unit:
    """A unit with a chosen id (to reach the ids where digits roll over)."""
    path = (parent.path if parent else "") + path_segment(pk)
    return Unit.objects.create(
        pk=pk,
        parent=parent,
        path=path,
        depth=len(path) // 8 - 1,
        external_key=f"K{pk}",
        name=f"Đơn vị {pk}",
        level=Unit.Level.COMMUNE,
        kind=Unit.Kind.OTHER,
    )


@pytest.mark.django_db
def test_sibling_prefix_traps_units_1_and_10_and_digit_roll_over() -> None:
    one, nine, ten, eleven = make(1), make(9), make(10), make(11)
    one_child, nine_child, ten_child = make(100, one), make(90, nine), make(101, ten)
    nine_grandchild = make(91, nine_child)

    assert keys(units_subtree(unit=one)) == ["K1", "K100"]
    assert keys(units_subtree(unit=nine)) == ["K9", "K90", "K91"]
    assert keys(units_subtree(unit=ten)) == ["K10", "K101"]
    assert keys(units_subtree(unit=eleven)) == ["K11"]
    assert keys(unit_ancestors(unit=nine_grandchild)) == ["K9", "K90"]
    assert keys(unit_ancestors(unit=ten_child)) == ["K10"]
    assert keys(unit_ancestors(unit=one_child)) == ["K1"]


@pytest.mark.django_db
def test_subtree_of_the_largest_id_excludes_the_next_root() -> None:
    one, two = make(1), make(2)
    largest = make(MAX_UNIT_ID, one)
    below_largest = make(5, largest)
    sibling = make(3, one)

    assert keys(units_subtree(unit=largest)) == ["K99999999", "K5"]
    assert keys(units_subtree(unit=one)) == ["K1", "K3", "K99999999", "K5"]
    assert keys(units_subtree(unit=two)) == ["K2"]
    assert keys(unit_ancestors(unit=below_largest)) == ["K1", "K99999999"]
    assert sibling.path < largest.path


@pytest.mark.django_db
def test_subtree_query_is_one_range_scan(four_levels: dict[str, Unit], django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1) as captured:
        list(units_subtree(unit=four_levels["province"]))

    sql = captured.captured_queries[0]["sql"]
    assert '"path" >= ' in sql
    assert '"path" < ' in sql
    assert "LIKE" not in sql.upper()


def collations_to_compare() -> list[str]:
    """PostgreSQL: bytes against ICU's root and Vietnamese orders; SQLite: its built-in collations."""
    if connection.vendor != "postgresql":
        return ["BINARY", "NOCASE", "RTRIM"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation WHERE collname IN ('und-x-icu', 'vi-x-icu')")
        icu = sorted(row[0] for row in cursor.fetchall())
    assert icu == ["und-x-icu", "vi-x-icu"], "the PostgreSQL server lacks ICU collations"
    return ["C", *icu]


@pytest.mark.django_db
def test_paths_sort_the_same_under_every_collation(four_levels: dict[str, Unit]) -> None:
    """Digits-only paths: a linguistic (ICU, Vietnamese) order is exactly the byte order."""
    make(MAX_UNIT_ID, four_levels["other"])
    orders = []
    with connection.cursor() as cursor:
        for collation in collations_to_compare():
            cursor.execute(f'SELECT path FROM organizations_unit ORDER BY path COLLATE "{collation}"')
            orders.append([row[0] for row in cursor.fetchall()])

    assert len(orders[0]) == 8
    assert orders[0] == sorted(orders[0])
    assert all(order == orders[0] for order in orders)
