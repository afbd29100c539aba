"""`{% eform schema layout values errors %}`: draw an e-form (see `motcua.catalog.eforms.form_view`)."""

from collections.abc import Mapping
from typing import Any

from django import template

from motcua.catalog.eforms import form_view

register = template.Library()


@register.inclusion_tag("catalog/eform/form.html")
def eform(
    schema: dict[str, Any],
    layout: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    id_prefix: str = "eform",
) -> dict[str, Any]:
    return {"form": form_view(schema, layout, values=values, errors=errors, id_prefix=id_prefix)}
