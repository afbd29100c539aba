"""A unit's target from the central target and last year's result (LEGAL.md §12), as a pure function."""

from decimal import Decimal

import pytest

from motcua.kpi.indicators import INDICATORS
from motcua.kpi.targets import (
    INDICATOR_METRIC,
    METRIC_INDICATOR,
    IncreaseMode,
    TargetMetric,
    TargetScope,
    scopes_for_level,
    unit_target,
)

D = Decimal


@pytest.mark.parametrize(
    ("central", "last_year", "expected"),
    [
        ("50", "42.30", "50.00"),  # below the central target → the central target
        ("50", "49.99", "50.00"),
        ("50", "50", "60.00"),  # equal → last year + 10 points
        ("50", "63.25", "73.25"),  # above → last year + 10 points
        ("80", "95.50", "100.00"),  # capped at 100 %
        ("100", "100", "100.00"),
        ("45", None, "45.00"),  # no result last year → the central target
        ("0", "0", "10.00"),
    ],
)
def test_percentage_points_mode(central: str, last_year: str | None, expected: str) -> None:
    got = unit_target(central=D(central), last_year=None if last_year is None else D(last_year))

    assert got == D(expected)


@pytest.mark.parametrize(
    ("central", "last_year", "expected"),
    [
        ("50", "40", "50.00"),  # below → central
        ("50", "50", "55.00"),  # 50 × 1.10
        ("50", "63.25", "69.58"),  # 69.575 → half-up
        ("80", "95", "100.00"),  # 104.5 capped
        ("45", None, "45.00"),
    ],
)
def test_relative_mode(central: str, last_year: str | None, expected: str) -> None:
    got = unit_target(
        central=D(central),
        last_year=None if last_year is None else D(last_year),
        mode=IncreaseMode.RELATIVE,
    )

    assert got == D(expected)


def test_the_increase_is_a_setting() -> None:
    assert unit_target(central=D(50), last_year=D(60), increase=D(5)) == D("65.00")
    assert unit_target(central=D(50), last_year=D(60), increase=D(0)) == D("60.00")


def test_never_below_the_central_target() -> None:
    # With no increase, last year equal to the central target keeps the central target.
    assert unit_target(central=D("90"), last_year=D("90"), increase=D(0)) == D("90.00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"central": D(101), "last_year": None}, "central"),
        ({"central": D(-1), "last_year": None}, "central"),
        ({"central": D(50), "last_year": D("100.01")}, "last_year"),
        ({"central": D(50), "last_year": D(60), "increase": D(-1)}, "increase"),
        ({"central": D(50), "last_year": D(60), "mode": "double"}, "mode"),
    ],
)
def test_bad_input_is_a_callers_bug(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        unit_target(**kwargs)  # type: ignore[arg-type]


def test_every_metric_names_an_existing_indicator_or_none() -> None:
    assert set(METRIC_INDICATOR) == set(TargetMetric.values)
    assert {i for i in METRIC_INDICATOR.values() if i is not None} <= set(INDICATORS)
    assert INDICATOR_METRIC["3.3"] == TargetMetric.ONLINE_DOSSIERS
    assert INDICATOR_METRIC["2.1"] == TargetMetric.ON_TIME


def test_scopes_for_each_level() -> None:
    assert scopes_for_level("commune") == (TargetScope.COMMUNES, TargetScope.ALL)
    assert scopes_for_level("province") == (TargetScope.DEPARTMENTS, TargetScope.ALL)
