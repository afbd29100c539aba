"""`Idempotency-Key` for the dossier API's writes (create and every action).

A client that is not sure its request arrived (a time-out, a dropped connection) sends it again with the
same `Idempotency-Key`; the retry gets the first answer, status and body, and changes nothing.

- Keys are scoped to (user, route): the same key from two users, or on two dossiers, are two requests.
- The first answer is kept 24 hours (`TTL`); the periodic task `idempotency_purge` deletes older rows.
- The same key with another request (body or If-Match) is refused: 409 "idempotency_key_reused".
- The claim, the action and its answer are one transaction: an action is never done without its answer
  being kept, and a claim is never kept without its answer. An error the user can correct (a 4xx problem)
  is the first answer too; an unexpected failure (500) rolls the claim back, so that a retry runs again.
- A request that dies (a worker killed with -9, a server restart) leaves nothing: the database rolls its
  transaction back when the connection drops, so the client's retry runs at once. (The fault test
  tests/faults/test_server_killed.py found that a claim committed on its own blocked every retry for
  the whole lease after a kill.)
- Concurrent duplicates: the unique constraint on (user, route, key) lets one claim the key; the others
  wait on it until the first commits (then they answer its answer) or rolls back (then one runs).
- A claim committed without an answer (written before claims shared the action's transaction) makes
  duplicates wait up to `WAIT_SECONDS`, then answer 409 "idempotency_in_progress" (Retry-After: 1); it
  is taken over after `LEASE`.

Stored in the database rather than the cache: it holds across web workers and restarts.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError, Conflict
from motcua.dossiers.models import Dossier, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
LEASE = timedelta(minutes=5)
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
MAX_KEY_LENGTH = 255
# The response headers a replay repeats.
KEPT_HEADERS = ("ETag", "Location")


def _key_of(request: HttpRequest) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ApplicationError(
            _("The Idempotency-Key header must be 1 to 255 printable ASCII characters, e.g. a UUID."),
            code="invalid_idempotency_key",
            fields={HEADER: _("Use a fresh UUID for each new request.")},
        )
    return key


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests the same: the canonical JSON body and the If-Match header."""
    raw = request.body or b""
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        body = hashlib.sha256(raw).hexdigest()
    canonical = json.dumps([body, request.headers.get("If-Match", "").strip()], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _reused() -> Conflict:
    return Conflict(
        _(
            "This Idempotency-Key was already used for another request. Use a new key for each new "
            "request; reuse a key only to repeat the very same request."
        ),
        code="idempotency_key_reused",
    )


class InProgress(Conflict):
    def __init__(self) -> None:
        super().__init__(
            _("The first request with this Idempotency-Key is still being processed; try again in a moment."),
            code="idempotency_in_progress",
            extra={"retry_after": 1},
        )


def _take_over(record: IdempotencyRecord, fingerprint: str, **condition: Any) -> bool:
    """Reset an expired or abandoned claim for this request; False if another request got there first."""
    now = timezone.now()
    taken = IdempotencyRecord.objects.filter(pk=record.pk, **condition).update(
        fingerprint=fingerprint, created_at=now, started_at=now, status_code=None, body="", headers={}
    )
    return bool(taken)


def _claim(*, user: Any, route: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord | None, Any]:
    """(the new claim, None) when this request runs; (None, the stored record) when it is a retry."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, route=route, key=key, fingerprint=fingerprint, created_at=now, started_at=now
                )
            return record, None
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(user=user, route=route, key=key).first()
        if existing is None:  # the first request failed and released the key: claim it again
            continue
        if existing.created_at <= now - TTL:
            if _take_over(existing, fingerprint, created_at=existing.created_at):
                return IdempotencyRecord.objects.get(pk=existing.pk), None
            continue
        if existing.fingerprint != fingerprint:
            raise _reused()
        if existing.status_code is not None:
            return None, existing
        if existing.started_at <= now - LEASE:
            if _take_over(existing, fingerprint, started_at=existing.started_at, status_code__isnull=True):
                return IdempotencyRecord.objects.get(pk=existing.pk), None
            continue
        if time.monotonic() >= deadline:
            raise InProgress()
        time.sleep(POLL_SECONDS)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status_code or 200, content_type="application/json")
    for name, value in (record.headers or {}).items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(record: IdempotencyRecord, *, status: int, body: str, headers: dict[str, str]) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, body=body, headers=headers)


def idempotent(request: HttpRequest, perform: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `perform` (which answers with a JSON response) at most once per Idempotency-Key; without the
    header, just run it."""
    key = _key_of(request)
    if key is None:
        return perform()
    route = f"{request.method} {request.path}"[:255]
    user = request.auth  # type: ignore[attr-defined]
    refusal: ApplicationError | None = None
    try:
        with transaction.atomic():
            record, stored = _claim(user=user, route=route, key=key, fingerprint=fingerprint(request))
            if record is None:
                return _replay(stored)
            try:
                with transaction.atomic():
                    response = perform()
            except ApplicationError as error:
                refusal = error
                _store(record, status=error.status, body=json.dumps(error.as_problem()), headers={})
            else:
                _store(
                    record,
                    status=response.status_code,
                    body=response.content.decode(),
                    headers={name: response[name] for name in KEPT_HEADERS if name in response},
                )
    except InProgress as error:
        busy = JsonResponse(error.as_problem(), status=error.status)
        busy["Retry-After"] = "1"
        return busy
    if refusal is not None:
        raise refusal
    return response


def purge_expired(*, now: Any = None, batch: int = 10_000) -> int:
    """Delete the records older than `TTL`, in batches; returns how many were deleted."""
    limit = (now or timezone.now()) - TTL
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lte=limit).values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]


def dossier_once(*, user: Any, route: str, key: str, create: Callable[[], Dossier]) -> Dossier:
    """`create()` run once per (user, route, key) for the pages: a form carries a key made when it was drawn,
    so a double click, a retried POST or a second tab holding the same form gives back the first dossier.

    The key is claimed in the same transaction as the dossier; a concurrent duplicate waits on the unique
    constraint for the first commit, then finds its dossier. A failure rolls the claim back with the rest,
    so the person can correct and send again."""
    first = _dossier_for(user=user, route=route, key=key)
    if first is not None:
        return first
    try:
        with transaction.atomic():
            now = timezone.now()
            record = IdempotencyRecord.objects.create(
                user=user,
                route=route,
                key=key[:MAX_KEY_LENGTH],
                fingerprint="",
                created_at=now,
                started_at=now,
            )
            dossier = create()
            record.status_code, record.body = 201, str(dossier.public_id)
            record.save(update_fields=["status_code", "body"])
            return dossier
    except IntegrityError:
        first = _dossier_for(user=user, route=route, key=key)
        if first is None:
            raise
        return first


def _dossier_for(*, user: Any, route: str, key: str) -> Dossier | None:
    record = IdempotencyRecord.objects.filter(
        user=user, route=route, key=key[:MAX_KEY_LENGTH], status_code=201
    ).first()
    return Dossier.objects.filter(public_id=record.body).first() if record is not None else None
