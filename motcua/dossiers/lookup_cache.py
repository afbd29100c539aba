"""The public lookup's answer cache (`lookup.public_status`): what the public may know of a dossier, kept in
the shared cache (Redis) under its code, so that a citizen refreshing the status page costs one cache
read instead of a query (issue 9: lookups at least half as many per second as a static file).

Each code has a *token*, a random string replaced after the commit of any change to the dossier or to one
of its steps. An answer is stored with the token read *before* its query, and served only while that
token is still the code's current one: an answer computed while a change commits is stored under the old
token and never served. Answer and token are read together, in one round trip. The stored answer holds
the hash of the Form 01 secret, checked at each read; never the secret. Answers expire after
ANSWER_SECONDS, so that a renamed unit or procedure shows within that time.

On by default when the cache is Redis (settings.MOTCUA["LOOKUP_CACHE"], env LOOKUP_CACHE): the
local-memory cache is per process, and a token replaced in one web worker would not be seen by the others.
If the cache fails just after a commit, the change is kept and logged, and the old answer may be served
until it expires.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from motcua.core.cache import get_and_add

PREFIX = "motcua:lookup-answer:"
ANSWER_SECONDS = 300


def enabled() -> bool:
    return bool(settings.MOTCUA.get("LOOKUP_CACHE", False))


def _keys(code: str) -> tuple[str, str]:
    return f"{PREFIX}answer:{code}", f"{PREFIX}token:{code}"


def read(code: str) -> tuple[Any, str]:
    """(the stored answer if still valid else None, the token to store a new answer under): one round trip
    with `motcua.core.cache.RedisCache`, whether or not the code has a token yet."""
    answer_key, token_key = _keys(code)
    stored, token = get_and_add(cache, answer_key, token_key, uuid.uuid4().hex, timeout=None)
    if stored is not None and stored[0] == token:
        return stored[1], str(token)
    return None, str(token)


def store(code: str, token: str, answer: Any) -> None:
    cache.set(_keys(code)[0], (token, answer), timeout=ANSWER_SECONDS)


def forget(code: str | None) -> None:
    """Replace the code's token once the current transaction commits (no answer stored before is served)."""
    if code and enabled():
        token_key = _keys(code)[1]
        transaction.on_commit(lambda: cache.set(token_key, uuid.uuid4().hex, timeout=None), robust=True)


# --- signals -------------------------------------------------------------------------------------------


def _dossier_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(instance.code)


def _step_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not enabled():
        return
    from motcua.dossiers.models import Dossier  # noqa: PLC0415

    dossier = instance._state.fields_cache.get("dossier")
    code = (
        dossier.code
        if dossier is not None
        else Dossier.objects.filter(pk=instance.dossier_id).values_list("code", flat=True).first()
    )
    forget(code)


def connect() -> None:
    """Connect the receivers (`DossiersConfig.ready`)."""
    from motcua.dossiers.models import Dossier, DossierStep  # noqa: PLC0415

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_dossier_changed, sender=Dossier, dispatch_uid=f"lookup_cache_dossier_{name}")
        signal.connect(_step_changed, sender=DossierStep, dispatch_uid=f"lookup_cache_step_{name}")
