"""Optimistic concurrency over HTTP: the dossier's `version` is its ETag; every action sends it back in
`If-Match` (RFC 9110 §13.1.1), and the service refuses a stale one (409 "stale_version").

Without `If-Match` an action is refused with 428 Precondition Required (RFC 6585 §3): a client that does
not say which version it saw could overwrite a change it never read.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError
from motcua.dossiers.models import Dossier

_TAG = re.compile(r'^(?:W/)?(?:"(?P<quoted>[0-9]{1,9})"|(?P<plain>[0-9]{1,9}))$')


class PreconditionRequired(ApplicationError):
    status = 428

    def __init__(self) -> None:
        super().__init__(
            _(
                "Send the version of the dossier you are acting on in the If-Match header (the ETag of the "
                "dossier as you last read it)."
            ),
            code="precondition_required",
            fields={"If-Match": _('Required: the ETag of the dossier, e.g. "3".')},
        )


def etag(dossier: Dossier) -> str:
    """The ETag of a dossier's representation: its version, quoted."""
    return f'"{dossier.version}"'


def expected_version(request: HttpRequest) -> int:
    """The version the client saw, from `If-Match`; 428 when absent (or "*"), 400 when malformed."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        raise PreconditionRequired()
    match = _TAG.match(raw)
    if match is None:
        raise ApplicationError(
            _('The If-Match header must hold one ETag of the dossier, e.g. "3".'),
            code="invalid_if_match",
            fields={"If-Match": _("Give one ETag, as the dossier's ETag header shows it.")},
        )
    return int(match["quoted"] or match["plain"])
