"""The work-queue page cache (`queues.queue_rows`, the API's queue): pages of dossier rows in the shared
cache (Redis), found by a key that changes whenever a dossier they could hold changes.

A page's key is a digest of the user, the role, the query (order, cursor, size, filters), and the current
*tokens* of the user's units for the role, of the user, and of the catalogue and organisation ("all").
A token is a random string; a change replaces it, so that every page key naming it is never read again
(the pages expire on their own after PAGE_SECONDS). What replaces tokens, after the commit of the
transaction that made the change (a page computed meanwhile is stored under the old key, which is dead):

- a dossier saved or deleted: its receiving and competent units, and its assignee;
- a step visit saved or deleted: its unit, its assignee and the assignee it had when read;
- a procedure, procedure version, process step or unit saved or deleted: "all" (names on the page, the
  catalogue steps the lanes are built from).

A page read between a commit and its token change (the same request, before it answers) can still be the
old one; a page read after the writer's answer never is. Only rows are cached: the urgency (due, left,
late, at risk) is computed from them at each read. The supervisor's queue is never cached (its lanes
are bounded by the clock). Writes that bypass the models' signals (the bulk `motcua generate`, SQL)
must call `forget_everything()`. If the cache fails just after a commit, the change is kept and logged,
and pages of the old tokens may be served until they expire (PAGE_SECONDS).

On by default when the cache is Redis (settings.MOTCUA["QUEUE_CACHE"], env QUEUE_CACHE): the local-memory
cache is per process, and a token replaced in one process would not be seen by the others.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

PREFIX = "motcua:queue:"
PAGE_SECONDS = 300
EVERYTHING = "all"


def enabled() -> bool:
    return bool(settings.MOTCUA.get("QUEUE_CACHE", False))


def _token_key(name: str) -> str:
    return f"{PREFIX}token:{name}"


def _tokens(names: list[str]) -> list[str]:
    """The current token of each name, created when missing (a lost token is a new one: no old page is
    found under it)."""
    keys = [_token_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return [str(found[key]) for key in keys]


def page_key(*, user: int, role: str, units: Iterable[int], query: tuple[Any, ...]) -> str:
    names = [EVERYTHING, f"user:{user}", *(f"unit:{unit}" for unit in sorted(units))]
    tokens = _tokens(names)
    digest = hashlib.sha256(repr((user, role, tuple(names), tuple(tokens), query)).encode()).hexdigest()
    return f"{PREFIX}page:{digest}"


def get(key: str) -> Any:
    return cache.get(key)


def put(key: str, value: Any) -> None:
    cache.set(key, value, timeout=PAGE_SECONDS)


def _replace(names: set[str]) -> None:
    if names:
        cache.set_many({_token_key(name): uuid.uuid4().hex for name in names}, timeout=None)


def forget(
    *, units: Iterable[int | None] = (), users: Iterable[int | None] = (), everything: bool = False
) -> None:
    """Replace the tokens of these units and users (and "all") once the current transaction commits."""
    if not enabled():
        return
    names = {f"unit:{unit}" for unit in units if unit is not None}
    names |= {f"user:{user}" for user in users if user is not None}
    if everything:
        names.add(EVERYTHING)
    if names:
        # robust: a cache that fails after the commit must not turn the committed change into an error
        transaction.on_commit(lambda: _replace(names), robust=True)


def forget_everything() -> None:
    """After a bulk write that bypassed the signals: no page cached before it is read again."""
    forget(everything=True)


# --- signals -------------------------------------------------------------------------------------------


def _dossier_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(units=(instance.receiving_unit_id, instance.competent_unit_id), users=(instance.assignee_id,))


def _step_read(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._queue_assignee = instance.__dict__.get("assignee_id")


def _step_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(
        units=(instance.unit_id,),
        users=(instance.assignee_id, getattr(instance, "_queue_assignee", None)),
    )


def _reference_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(everything=True)


def connect() -> None:
    """Connect the receivers (`DossiersConfig.ready`)."""
    from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep  # noqa: PLC0415
    from motcua.dossiers.models import Dossier, DossierStep  # noqa: PLC0415
    from motcua.organizations.models import Unit  # noqa: PLC0415

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_dossier_changed, sender=Dossier, dispatch_uid=f"queue_cache_dossier_{name}")
        signal.connect(_step_changed, sender=DossierStep, dispatch_uid=f"queue_cache_step_{name}")
        for model in (Procedure, ProcedureVersion, ProcessStep, Unit):
            signal.connect(
                _reference_changed, sender=model, dispatch_uid=f"queue_cache_{model.__name__}_{name}"
            )
    post_init.connect(_step_read, sender=DossierStep, dispatch_uid="queue_cache_step_read")
