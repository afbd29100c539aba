"""Points of every indicator from hand-made numerators and denominators (LEGAL.md §4.1): thresholds, zero
denominators, the portal's rounding order, and the errors a caller's bug gets."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.kpi import scoring
from motcua.kpi.scoring import Score

D = Decimal


@pytest.mark.parametrize(
    ("indicator", "numerator", "denominator", "percent", "points"),
    [
        # Group 1: max × rate; 0/0 is null.
        ("1.1", 3, 4, "75.00", "4.50"),
        ("1.1", 0, 0, None, None),
        ("1.2", 1, 3, "33.33", "1.33"),
        ("1.2", 0, 0, None, None),
        ("1.3", 1, 2, "50.00", "1.00"),
        ("1.3", 0, 0, None, None),
        ("1.4", 5, 8, "62.50", "3.75"),
        ("1.4", 0, 0, None, None),
        # 2.1: 20 × on time ÷ received; 0/0 is 0 points with a ratio of 0.
        ("2.1", 1, 3, "33.33", "6.67"),
        ("2.1", 2, 3, "66.67", "13.33"),
        ("2.1", 10, 10, "100.00", "20.00"),
        ("2.1", 0, 10, "0.00", "0.00"),
        ("2.1", 0, 0, "0.00", "0.00"),
        # 3.1: full at 80 %.
        ("3.1", 4, 5, "80.00", "2.00"),
        ("3.1", 3, 4, "75.00", "1.88"),
        ("3.1", 9, 10, "90.00", "2.00"),
        ("3.1", 0, 0, "0.00", "0.00"),
        # 3.2: 4 × rate.
        ("3.2", 1, 2, "50.00", "2.00"),
        ("3.2", 0, 0, "0.00", "0.00"),
        # 3.3: full at 50 %.
        ("3.3", 1, 2, "50.00", "6.00"),
        ("3.3", 49, 100, "49.00", "5.88"),
        ("3.3", 3, 4, "75.00", "6.00"),
        ("3.3", 0, 0, "0.00", "0.00"),
        # Payment block: 6·A, min(2, 2.5·B), min(2, 2.5·C); zero denominators are a ratio of 0.
        ("3.6", 1, 2, "50.00", "3.00"),
        ("3.6", 0, 0, "0.00", "0.00"),
        ("3.5b", 1, 2, "50.00", "1.25"),
        ("3.5b", 4, 5, "80.00", "2.00"),
        ("3.5b", 0, 0, "0.00", "0.00"),
        ("3.5", 1, 4, "25.00", "0.63"),
        ("3.5", 1, 1, "100.00", "2.00"),  # capped: 2.5 × 100 % would be 2.5 (docs/KPI.md)
        ("3.5", 0, 0, "0.00", "0.00"),
        # Group 4.
        ("4.1", 1, 4, "25.00", "1.50"),
        ("4.1", 0, 0, None, None),
        ("4.2", 261, 326, "80.06", "3.20"),  # no 80 % threshold: 4 × 0.8006
        ("4.2", 4, 5, "80.00", "3.20"),
        ("4.2", 1, 1, "100.00", "4.00"),
        ("4.2", 0, 0, None, None),
        ("4.3", 4, 5, "80.00", "2.00"),  # full at 80 %
        ("4.3", 1, 2, "50.00", "1.25"),
        ("4.3", 0, 0, None, None),
        ("4.4", 1, 4, "25.00", "1.00"),
        ("4.4", 0, 0, None, None),
        ("4.5a", 1, 2, "50.00", "1.00"),
        ("4.5a", 0, 0, None, None),
        ("4.5b", 3, 4, "75.00", "1.50"),
        ("4.5b", 0, 0, None, None),
        # E-certified copies: always the maximum, as the portal reports it.
        ("4.6", 1, 4, "25.00", "2.00"),
        ("4.6", 0, 0, None, "2.00"),
        # Group 5: 5.2 and 5.3 give full points without feedback; 5.4 full at 90 %, 0/0 is 0.
        ("5.2", 1, 2, "50.00", "3.00"),
        ("5.2", 0, 4, "0.00", "0.00"),
        ("5.2", 0, 0, None, "6.00"),
        ("5.3", 137, 247, "55.47", "3.33"),
        ("5.3", 0, 0, None, "6.00"),
        ("5.4", 9, 10, "90.00", "6.00"),
        ("5.4", 8915, 10000, "89.15", "5.94"),
        ("5.4", 1, 1, "100.00", "6.00"),
        ("5.4", 0, 0, "0.00", "0.00"),
        # Tracking only: the ratio, never points.
        ("5.1", 133, 570, "23.33", None),
        ("5.1", 0, 0, None, None),
        ("2.2", 0, 0, None, None),
    ],
)
def test_points(
    indicator: str, numerator: int, denominator: int, percent: str | None, points: str | None
) -> None:
    expected = Score(
        percent=None if percent is None else D(percent), points=None if points is None else D(points)
    )

    assert scoring.score(indicator, numerator, denominator) == expected
    assert scoring.points(indicator, numerator, denominator) == expected.points


@pytest.mark.parametrize(
    ("indicator", "at", "below"),
    [
        # Just below: 79 % → 1.975 → 1.98 (79.9 % would round up to the maximum, see the next test).
        ("3.1", (80, 100), (79, 100)),
        ("3.3", (50, 100), (499, 1000)),  # 5.988 → 5.99
        ("4.3", (80, 100), (79, 100)),
        ("5.4", (90, 100), (899, 1000)),  # 5.9933 → 5.99
        ("3.5b", (80, 100), (79, 100)),
    ],
)
def test_thresholds_give_the_maximum_exactly_from_the_threshold(
    indicator: str, at: tuple[int, int], below: tuple[int, int]
) -> None:
    maximum = scoring.RULES[indicator].max_points

    assert scoring.points(indicator, *at) == maximum
    assert scoring.points(indicator, *below) < maximum
    assert scoring.points(indicator, at[1], at[1]) == maximum


def test_below_the_threshold_points_are_proportional_to_the_threshold() -> None:
    assert scoring.points("3.1", 799, 1000) == D("2.00")  # 2 × 79.9 ÷ 80 = 1.9975 → 2.00 half-up
    assert scoring.points("3.1", 79, 100) == D("1.98")  # 1.975 → 1.98
    assert scoring.points("3.3", 25, 100) == D("3.00")
    assert scoring.points("4.3", 40, 100) == D("1.00")
    assert scoring.points("5.4", 45, 100) == D("3.00")


def test_percentage_is_rounded_half_up_to_two_decimals() -> None:
    assert scoring.percent(1, 800) == D("0.13")  # 0.125
    assert scoring.percent(1, 6) == D("16.67")
    assert scoring.percent(5, 41) == D("12.20")  # 12.1951…
    assert scoring.percent(0, 7) == D("0.00")
    assert scoring.percent(0, 0) is None


def test_points_come_from_the_rounded_percentage() -> None:
    # 5/41 = 12.1951 % → 12.20 %; 2 × 0.1220 ÷ 0.8 = 0.305 → 0.31 (from the exact ratio it would be 0.30).
    assert scoring.points("4.3", 5, 41) == D("0.31")
    # 1/48 = 2.0833 % → 2.08 %; 6 × 0.0208 = 0.1248 → 0.12 (from the exact ratio, 0.125 → 0.13).
    assert scoring.points("4.1", 1, 48) == D("0.12")


def test_a_block_is_the_sum_of_its_rounded_components() -> None:
    # 33.33 % each: 6 × 0.3333 = 1.9998 → 2.00; 2.5 × 0.3333 = 0.83325 → 0.83 twice. Sum 3.66, where
    # rounding the raw sum (3.6663) would give 3.67.
    third = (1, 3)

    assert scoring.group_points("online_payment", a=third, b=third, c=third) == D("3.66")


def test_online_service_block() -> None:
    # Phú Thọ, procedure 2.000815, year 2026: 52/89 offered online, 1/1 service with dossiers, 99.97 % online.
    got = scoring.group_points("online_service", a=(52, 89), b=(1, 1), c=(165096, 165139))

    assert got == D("11.46")
    assert scoring.group_points("online_service", a=(0, 0), b=(0, 0), c=(0, 0)) == D("0.00")
    assert scoring.group_points("online_service", a=(1, 1), b=(1, 1), c=(1, 1)) == D("12.00")


def test_online_payment_block_never_exceeds_ten_points() -> None:
    assert scoring.group_points("online_payment", a=(1, 1), b=(1, 1), c=(1, 1)) == D("10.00")
    assert scoring.group_points("online_payment", a=(0, 0), b=(0, 1), c=(0, 1)) == D("0.00")


def test_group_maxima_add_up() -> None:
    for group, ids in scoring.GROUP_COMPONENTS.items():
        total = sum(scoring.RULES[i].max_points for i in ids)
        assert total == {"online_service": 12, "online_payment": 10}[group]
    assert sum(rule.max_points for rule in scoring.RULES.values()) == 100


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (-1, 3, ValueError),
        (1, -3, ValueError),
        (4, 3, ValueError),
        (1.0, 3, TypeError),
        (True, 3, TypeError),
        (1, D(3), TypeError),
    ],
)
def test_bad_counts_are_a_callers_bug(numerator: object, denominator: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        scoring.points("2.1", numerator, denominator)  # type: ignore[arg-type]


def test_unknown_ids_are_refused() -> None:
    with pytest.raises(KeyError, match=r"'3\.4'"):
        scoring.points("3.4", 1, 2)
    with pytest.raises(KeyError, match="payments"):
        scoring.group_points("payments", a=(0, 0), b=(0, 0), c=(0, 0))


def test_scoring_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    assert modules == {
        "__future__",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
    }
