"""Monitoring colours (xanh, vàng, cam, đỏ): a rate judged against its target (LEGAL.md §12).

The provincial directives judge leaders on four colours but give no thresholds [U], so they are data
(`KpiSettings`): fractions of the target. Default: green at or above the target, yellow from 90 % of it,
orange from 75 % of it, red below. Pure: rates and targets are percentages (0–100) as Decimals.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    GREEN = "green", _("Green")  # xanh
    YELLOW = "yellow", _("Yellow")  # vàng
    ORANGE = "orange", _("Orange")  # cam
    RED = "red", _("Red")  # đỏ


@dataclass(frozen=True, slots=True)
class BandFractions:
    """The share of the target a rate must reach for each colour: 0 < orange < yellow < green ≤ 1."""

    green: Decimal = Decimal("1.000")
    yellow: Decimal = Decimal("0.900")
    orange: Decimal = Decimal("0.750")

    def __post_init__(self) -> None:
        if not Decimal(0) < self.orange < self.yellow < self.green <= Decimal(1):
            raise ValueError(
                f"band fractions must satisfy 0 < orange < yellow < green ≤ 1, got "
                f"{self.orange}, {self.yellow}, {self.green}"
            )


DEFAULT_FRACTIONS = BandFractions()


def band(rate: Decimal, target: Decimal, fractions: BandFractions = DEFAULT_FRACTIONS) -> Band:
    """The colour of `rate` against `target`; each threshold is inclusive (90 % of the target is yellow).

    Exact decimal comparisons: 45 % against a 50 % target with yellow at 0.9 is yellow, 44.99 % orange.
    A target of 0 makes every rate green.
    """
    rate, target = Decimal(rate), Decimal(target)
    if rate < 0 or target < 0:
        raise ValueError(f"rate and target must not be negative, got {rate} and {target}")
    if rate >= target * fractions.green:
        return Band.GREEN
    if rate >= target * fractions.yellow:
        return Band.YELLOW
    if rate >= target * fractions.orange:
        return Band.ORANGE
    return Band.RED
