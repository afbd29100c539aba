"""The dossiers behind a number of the index: numerator, denominator, or those missing from the numerator.

Read from `DossierFact` (one row per dossier, with the instants the counters count by) joined to the
dossier for its code and applicant, with the same rules as the counters: received on a day of the
period up to the day it is judged at, an outcome counted when its instant is ≤ that instant P. So the
list of a number holds exactly that many dossiers. Keyset pages in (receipt instant, dossier id) order.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.kpi.counters import DossierFact
from motcua.kpi.facts import Period, judged_at
from motcua.kpi.ledger import ONLINE_CHANNEL
from motcua.organizations.models import Unit, path_upper_bound

NUMERATOR, DENOMINATOR, MISSING = "numerator", "denominator", "missing"
WHICH = (NUMERATOR, DENOMINATOR, MISSING)
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def _late(at: datetime, accept_apology: bool) -> Q:
    field = "late_apology_at" if accept_apology else "late_at"
    return Q(**{f"{field}__lte": at})


def _by(field: str) -> Callable[[datetime, bool], Q]:
    return lambda at, _accept: Q(**{f"{field}__lte": at})


ALL = Q()
# indicator id: (numerator, denominator) as conditions on a received dossier judged at P.
RULES: dict[str, tuple[Callable[[datetime, bool], Q], Callable[[datetime, bool], Q]]] = {
    "2.1": (lambda at, accept: ~_late(at, accept), lambda _at, _accept: ALL),
    "2.2": (_by("ended_at"), _by("ended_at")),
    "3.3": (lambda _at, _accept: Q(channel=ONLINE_CHANNEL), lambda _at, _accept: ALL),
    "4.1": (_by("e_result_at"), lambda _at, _accept: ALL),
    "4.2": (_by("digitised_at"), lambda _at, _accept: ALL),
    "4.3": (_by("reused_at"), lambda _at, _accept: ALL),
}


@dataclass(frozen=True, slots=True)
class DrillPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    judged_at: datetime | None


def encode_cursor(received_at: datetime, dossier_id: int) -> str:
    raw = f"{received_at.isoformat()}|{dossier_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, dossier_id = raw.rsplit("|", 1)
        parsed, key = datetime.fromisoformat(moment), int(dossier_id)
        if parsed.tzinfo is None or not 0 < key < 2**63:
            raise ValueError
        return parsed, key
    except (ValueError, binascii.Error, UnicodeDecodeError):
        message = _("The page marker is not valid; start again from the first page.")
        raise ApplicationError(message, code="invalid_cursor", fields={"after": message}) from None


def check_indicator(indicator_id: str) -> None:
    if indicator_id not in RULES:
        message = _(
            "Only the dossier indicators (%(ids)s) have dossiers behind them; the others count "
            "procedures, feedback or payments."
        ) % {"ids": ", ".join(RULES)}
        raise ApplicationError(message, code="no_dossiers_behind", status=404, fields={"indicator": message})


def dossier_set(
    *,
    unit: Unit,
    period: Period,
    indicator_id: str,
    which: str,
    procedures: QuerySet[Any] | None,
    accept_apology: bool,
    at: datetime | None = None,
) -> tuple[QuerySet[DossierFact], datetime | None]:
    """The facts of the dossiers behind one number, and the instant the period is judged at."""
    check_indicator(indicator_id)
    if which not in WHICH:
        message = _("Choose numerator, denominator or missing.")
        raise ApplicationError(message, code="invalid_which", fields={"which": message})
    instant = judged_at(period, at)
    if instant is None:
        return DossierFact.objects.none(), None
    day = timezone.localtime(instant).date()
    rows = DossierFact.objects.filter(
        unit__path__gte=unit.path,
        unit__path__lt=path_upper_bound(unit.path),
        received_day__gte=period.start,
        received_day__lte=min(period.end, day),
    )
    if procedures is not None:
        rows = rows.filter(procedure_id__in=procedures)
    numerator, denominator = (rule(instant, accept_apology) for rule in RULES[indicator_id])
    if which == NUMERATOR:
        rows = rows.filter(numerator & denominator)
    elif which == DENOMINATOR:
        rows = rows.filter(denominator)
    elif indicator_id == "2.2":  # 2.2's missing ones: received, processing not ended yet
        rows = rows.exclude(numerator)
    else:
        rows = rows.filter(denominator).exclude(numerator)
    return rows, instant


ROW_FIELDS = (
    "dossier_id",
    "dossier__public_id",
    "dossier__code",
    "dossier__status",
    "dossier__applicant_name",
    "procedure__code",
    "procedure__name",
    "unit__name",
    "channel",
    "received_at",
    "appointment_at",
    "apology_appointment_at",
    "ended_at",
    "end_state",
    "late_at",
    "late_apology_at",
    "e_result_at",
    "reused_at",
    "working_minutes",
    "requests",
)


def dossier_page(
    *,
    unit: Unit,
    period: Period,
    indicator_id: str,
    which: str,
    procedures: QuerySet[Any] | None,
    accept_apology: bool,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    at: datetime | None = None,
) -> DrillPage:
    """One page of the dossiers behind a number, oldest receipt first."""
    rows, instant = dossier_set(
        unit=unit,
        period=period,
        indicator_id=indicator_id,
        which=which,
        procedures=procedures,
        accept_apology=accept_apology,
        at=at,
    )
    if after:
        moment, dossier_id = decode_cursor(after)
        rows = rows.filter(Q(received_at__gt=moment) | Q(received_at=moment, dossier_id__gt=dossier_id))
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    found = list(rows.order_by("received_at", "dossier_id").values(*ROW_FIELDS)[: limit + 1])
    following = None
    if len(found) > limit:
        found = found[:limit]
        last = found[-1]
        following = encode_cursor(last["received_at"], last["dossier_id"])
    for row in found:
        late_at = row["late_apology_at"] if accept_apology else row["late_at"]
        row["late"] = instant is not None and late_at is not None and late_at <= instant
    return DrillPage(rows=found, next_cursor=following, judged_at=instant)
