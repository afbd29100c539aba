"""The colour pairs of the stylesheet meet WCAG 2.1 AA contrast (SC 1.4.3 text, SC 1.4.11 UI parts)."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "web" / "motcua.css"
TEXT, UI = 4.5, 3.0


def _palette() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS.read_text(encoding="utf-8")))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_the_wcag_reference_values() -> None:
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.parametrize(
    ("foreground", "background", "minimum"),
    [
        ("#ffffff", "primary", TEXT),  # header text, button labels
        ("#ffffff", "primary-dark", TEXT),  # navigation links, hovered buttons
        ("primary", "#ffffff", TEXT),  # pressed language button, secondary buttons
        ("ink", "bg", TEXT),
        ("ink", "surface", TEXT),
        ("ink", "notice-bg", TEXT),
        ("muted", "bg", TEXT),
        ("muted", "surface", TEXT),
        ("link", "bg", TEXT),
        ("link", "surface", TEXT),
        ("late", "bg", TEXT),
        ("primary", "notice-bg", TEXT),
        ("field", "bg", UI),  # form field borders
        ("focus-dark", "bg", UI),  # focus ring on white
        ("focus-dark", "surface", UI),
        ("focus-light", "primary", UI),  # focus ring in the header
        ("focus-light", "primary-dark", UI),
    ],
)
def test_colour_pair_meets_aa(foreground: str, background: str, minimum: float) -> None:
    palette = _palette()

    def resolve(name: str) -> str:
        return name if name.startswith("#") else palette[name]

    assert contrast(resolve(foreground), resolve(background)) >= minimum
