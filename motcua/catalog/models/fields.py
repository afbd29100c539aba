"""A JSON field stored as text, so that the order of an object's keys survives every database.

PostgreSQL's `jsonb` (Django's `JSONField`) re-orders object keys; an e-form's fields are drawn in the
order of its schema's `properties`, and a frozen snapshot must read back exactly as it was written.
Nothing queries inside these values, so text loses nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    _TextField = models.TextField[Any, Any]
else:
    _TextField = models.TextField


class TextJSONField(_TextField):
    description = "JSON kept as text (object key order preserved)"
    # What django-stubs reads as the attribute's type on a model (any JSON value).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
