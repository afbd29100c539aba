"""Filters of the catalogue pages: amounts as people write them."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import get_format, number_format

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """A time limit or a count without trailing zeros, in the page's language: 3, 0,5, 1,25."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    places = max(-number.normalize().as_tuple().exponent, 0)  # type: ignore[operator]
    return number_format(number, decimal_pos=places)


@register.filter
def vnd(value: Any) -> str:
    """A sum in đồng with thousands grouped: 8.000."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
