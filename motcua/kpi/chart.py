"""The trend chart of the dashboard as plain SVG geometry (no script, no vendored library): each series on
a 0–100 axis (the index total and the rates are both out of 100), one point per month. The template
draws it and repeats the figures in a table, so the chart is never the only way to read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    value: Decimal


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    points: list[Point]

    @property
    def path(self) -> str:
        """An SVG path through the points; a gap (no value) starts a new segment."""
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_lines: list[tuple[float, int]]
    left: int
    right: int


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: Decimal) -> float:
    span = HEIGHT - TOP - BOTTOM
    return TOP + span * (1 - float(min(max(value, Decimal(0)), Decimal(100))) / 100)


def build_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[Decimal | None]]]) -> Chart:
    """labels: one per month; series: (key, label, values with None where there is no figure)."""
    count = len(labels)
    built = [
        Series(
            key=key,
            label=label,
            points=[
                Point(_x(index, count), _y(value), value)
                for index, value in enumerate(values)
                if value is not None
            ],
        )
        for key, label, values in series
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        series=built,
        x_labels=[(_x(index, count), label) for index, label in enumerate(labels)],
        y_lines=[(_y(Decimal(value)), value) for value in GRID],
        left=LEFT,
        right=WIDTH - RIGHT,
    )
