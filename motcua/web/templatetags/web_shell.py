"""`{% web_shell as shell %}`: what the base layout shows around every page, computed once per request."""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.conf import settings
from django.template.context import Context
from django.utils.translation import get_language_info

import motcua
from motcua.organizations.models import Unit
from motcua.web.navigation import NavLink, navigation_for
from motcua.web.permissions import can_open_workspace
from motcua.web.selectors import primary_unit

register = template.Library()

_CACHE_ATTRIBUTE = "_motcua_web_shell"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, so that a person who cannot read the page still finds theirs


def _languages() -> list[Language]:
    # Django's names are decomposed Unicode ("Tie\u0302\u0301ng"); pages carry composed (NFC) text.
    return [
        Language(code, unicodedata.normalize("NFC", get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


@dataclass(frozen=True)
class Shell:
    navigation: list[NavLink] = field(default_factory=list)
    unit: Unit | None = None
    is_staff_member: bool = False
    version: str = motcua.__version__
    languages: list[Language] = field(default_factory=_languages)


@register.simple_tag(takes_context=True)
def web_shell(context: Context) -> Shell:
    request = context.get("request")
    if request is None:  # the 500 page renders without a request
        return Shell()
    cached: Shell | None = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        user: Any = getattr(request, "user", None)
        staff = can_open_workspace(user)
        cached = Shell(
            navigation=navigation_for(user, request.path),
            unit=primary_unit(user=user) if staff else None,
            is_staff_member=staff,
        )
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached
