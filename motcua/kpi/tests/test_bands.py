"""Colour bands as fractions of the target (LEGAL.md §12), boundaries included."""

from decimal import Decimal

import pytest

from motcua.kpi.bands import DEFAULT_FRACTIONS, Band, BandFractions, band

D = Decimal


@pytest.mark.parametrize(
    ("rate", "band_expected"),
    [
        ("100.00", Band.GREEN),
        ("50.00", Band.GREEN),  # exactly the target
        ("49.99", Band.YELLOW),
        ("45.00", Band.YELLOW),  # exactly 90 % of the target
        ("44.99", Band.ORANGE),
        ("37.50", Band.ORANGE),  # exactly 75 % of the target
        ("37.49", Band.RED),
        ("0.00", Band.RED),
    ],
)
def test_default_bands_against_a_50_percent_target(rate: str, band_expected: Band) -> None:
    assert band(D(rate), D(50)) is band_expected


def test_boundaries_with_a_target_that_does_not_divide_evenly() -> None:
    # Target 45 %: yellow from 40.5 %, orange from 33.75 %.
    assert band(D("40.50"), D(45)) is Band.YELLOW
    assert band(D("40.49"), D(45)) is Band.ORANGE
    assert band(D("33.75"), D(45)) is Band.ORANGE
    assert band(D("33.74"), D(45)) is Band.RED


def test_a_100_percent_target() -> None:
    assert band(D(100), D(100)) is Band.GREEN
    assert band(D("99.99"), D(100)) is Band.YELLOW
    assert band(D(90), D(100)) is Band.YELLOW
    assert band(D(75), D(100)) is Band.ORANGE
    assert band(D("74.99"), D(100)) is Band.RED


def test_custom_fractions() -> None:
    strict = BandFractions(green=D("1"), yellow=D("0.95"), orange=D("0.8"))

    assert band(D(95), D(100), strict) is Band.YELLOW
    assert band(D("94.99"), D(100), strict) is Band.ORANGE
    assert band(D(80), D(100), strict) is Band.ORANGE
    assert band(D("79.99"), D(100), strict) is Band.RED
    lenient_green = BandFractions(green=D("0.98"), yellow=D("0.9"), orange=D("0.75"))
    assert band(D(98), D(100), lenient_green) is Band.GREEN


def test_a_zero_target_is_always_green() -> None:
    assert band(D(0), D(0)) is Band.GREEN


def test_integers_are_accepted() -> None:
    assert band(45, 50) is Band.YELLOW  # type: ignore[arg-type]


def test_defaults() -> None:
    assert (DEFAULT_FRACTIONS.green, DEFAULT_FRACTIONS.yellow, DEFAULT_FRACTIONS.orange) == (
        D("1.000"),
        D("0.900"),
        D("0.750"),
    )


@pytest.mark.parametrize(
    ("green", "yellow", "orange"),
    [
        ("1", "0.9", "0.9"),
        ("1", "0.7", "0.75"),
        ("1.1", "0.9", "0.75"),
        ("1", "0.9", "0"),
        ("0.9", "0.9", "0.75"),
    ],
)
def test_fractions_must_be_ordered(green: str, yellow: str, orange: str) -> None:
    with pytest.raises(ValueError, match="orange < yellow < green"):
        BandFractions(green=D(green), yellow=D(yellow), orange=D(orange))


def test_negative_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        band(D(-1), D(50))
