"""The public status lookup (issue 5 item 10): by the dossier's code and the 6-character secret printed on
Form 01, anyone may see where the dossier stands, and nothing personal (ND 13/2023: no name, no ID
number, no address).

Every lookup, found or not, counts against the client's IP address in a fixed window
(`MOTCUA["LOOKUP_THROTTLE"]`, "20/60": 20 lookups per 60 seconds), kept in the cache (Redis in
production, shared by the web workers). 31^6 secrets per code make guessing hopeless at that pace.
Addresses in `MOTCUA["THROTTLE_EXEMPT_IPS"]` (load tests, a trusted gateway) are not counted.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from motcua.accounts.throttling import Rate, client_ip
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_public_lookup, dossier_steps

DEFAULT_RATE = "20/60"


def _clock() -> float:
    """Seconds since the epoch (wall time: the window is shared by every web worker through the cache)."""
    return time.time()


def _exempt(ip: str) -> bool:
    exempt: list[str] = settings.MOTCUA.get("THROTTLE_EXEMPT_IPS", [])  # type: ignore[assignment]
    return ip in exempt


def lookup_retry_after(request: HttpRequest) -> int | None:
    """Count this lookup against the client's address; the seconds to wait when over the limit."""
    ip = client_ip(request)
    if _exempt(ip):
        return None
    rate = Rate.parse(str(settings.MOTCUA.get("LOOKUP_THROTTLE", DEFAULT_RATE)))
    key = f"motcua:lookup:{ip}"
    # `add` sets only a missing key: the window opens at the first lookup and does not slide.
    cache.add(f"{key}:until", _clock() + rate.window, timeout=rate.window)
    cache.add(key, 0, timeout=rate.window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr: open a new one
        cache.set(f"{key}:until", _clock() + rate.window, timeout=rate.window)
        cache.set(key, 1, timeout=rate.window)
        count = 1
    if count <= rate.limit:
        return None
    until = cache.get(f"{key}:until") or (_clock() + rate.window)
    return max(1, math.ceil(until - _clock()))


def public_status(*, code: str, secret: str) -> dict[str, Any] | None:
    """What the public may know of the dossier with this code and secret; None when either is wrong
    (the caller answers the same 404 for both)."""
    dossier = dossier_for_public_lookup(code=code, secret=secret.strip().upper())
    if dossier is None:
        return None
    dossier = Dossier.objects.select_related("procedure", "receiving_unit", "competent_unit").get(
        pk=dossier.pk
    )
    steps = [step for step in dossier_steps(dossier=dossier) if step.finished_at is not None]
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "procedure": dossier.procedure,
        "receiving_unit": dossier.receiving_unit,
        "competent_unit": dossier.competent_unit,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "resolved_at": dossier.resolved_at,
        "returned_at": dossier.returned_at,
        "ended_at": dossier.ended_at,
        "steps_done": [
            {"name": step.name, "unit": step.unit.name, "finished_at": step.finished_at} for step in steps
        ],
    }
