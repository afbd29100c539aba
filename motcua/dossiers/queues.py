"""Work queues: for each staff role, the dossiers waiting on the officer (selectors only; the pages come
in issue 6 and the API endpoint calls `work_queue`).

- intake officer: dossiers submitted to their receiving units (to receive, or to ask to supplement or
  refuse, within the 8 working hours of ND 45/2020 art. 11 for online ones), and resolved dossiers whose
  result they hand over;
- specialist, leader: dossiers in processing at an open step assigned to them, or unassigned with their
  role in their units;
- supervisor: dossiers of their subtree under the clock that are at risk or late, and online dossiers near
  or past their receipt limit.

A queue is one or more *lanes*, each a filtered set of dossiers ordered by its own due column (the receipt
limit for submitted dossiers, the due moment otherwise) or its own received column, then by id. A lane is
read unit by unit and state by state: each part is a keyset walk of `LIMIT page + 1` rows after the cursor
over a composite index in the sort order (`(competent_unit, status, due_at, id)` and the partial "work
queues" indexes of `Dossier.Meta`), never a sort and never an OFFSET, so that a page costs the same at the
end of a queue of a million dossiers as at its start. On PostgreSQL the unit walks of a page go in one
round trip (`UNION ALL`, with sorts disabled so that each branch follows its index); a short list read by
key (see `_step_lanes`) is read by primary key and sorted in Python. The parts are merged on (value, id)
in Python, and one more query loads the page's dossiers by key. The specialist's and leader's queue
walks their units' dossiers and keeps those with an open step waiting on them, walks the dossiers they
hold, and reads the few others by key (`_step_lanes`). Dossiers without a value in the order column
(direct and postal dossiers have no receipt limit) come last, by id.

Counts per status come from `DossierStatusCounter` (kept by the services in the same transaction), never
from a COUNT over the dossiers.

The API reads its pages through `queue_rows`: the same walks, then the page's dossiers as plain values
(`ROW_FIELDS`, no model objects), kept in the page cache of `motcua.dossiers.queue_cache` when it is on
(Redis); the urgency is computed at each read from the rows' moments, never cached. The back-office
pages call `work_queue` (model objects, uncached).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import heapq
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import has_role, unit_ids_where
from motcua.catalog.models import ProcessStep, StepScope
from motcua.core.errors import ApplicationError, PermissionDenied
from motcua.dossiers.deadlines import at_risk_minutes
from motcua.dossiers.models import Dossier, DossierStatusCounter, DossierStep, SupplementRequest
from motcua.dossiers.selectors import status_counts
from motcua.worktime import Calendar
from motcua.worktime.selectors import calendar_for_unit

Status = Dossier.Status

QUEUE_ROLES = (Role.INTAKE_OFFICER, Role.SPECIALIST, Role.LEADER, Role.SUPERVISOR)
MAX_LIMIT = 200
# Above this many units a lane is read in one walk over all of them (`unit IN (…)`), not unit by unit.
MAX_UNIT_LANES = 64
# Lanes read unit by unit through a (unit, [status,] column, id) index in both orders.
UNIT_INDEXED = ("receiving_unit_id", "competent_unit_id")
# Provinces alert the intake officer 2 working hours before the 8-working-hour receipt limit
# (LEGAL.md §1.3, provincial practice).
RECEIPT_ALERT_MINUTES = 120
ORDERS = ("due", "received")


# --- urgency: due / left / late / at risk ----------------------------------------------------------------


class CalendarCache:
    """Working calendars by unit id, built once per use (a page or an alert run)."""

    def __init__(self) -> None:
        self._calendars: dict[int | None, Calendar] = {}

    def __call__(self, unit_id: int | None) -> Calendar:
        if unit_id not in self._calendars:
            self._calendars[unit_id] = calendar_for_unit(unit=unit_id)
        return self._calendars[unit_id]


@dataclass(frozen=True, slots=True)
class Urgency:
    """How pressing a dossier is: its limit, the working minutes left (negative: late by), and the flags
    the queues colour by. `paused`: waiting for a supplement, the clock stands still."""

    due_at: dt.datetime | None
    left_minutes: int | None
    late: bool
    at_risk: bool
    paused: bool = False


NO_URGENCY = Urgency(None, None, late=False, at_risk=False)


def receipt_urgency(
    *, receive_due_at: dt.datetime | None, unit_id: int, now: dt.datetime, calendars: CalendarCache
) -> Urgency:
    """A submitted online dossier against its 8-working-hour receipt limit, on the receiving unit's
    calendar: at risk with at most RECEIPT_ALERT_MINUTES working minutes left."""
    if receive_due_at is None:
        return NO_URGENCY
    left = calendars(unit_id).working_minutes_between(now, receive_due_at)
    late = now > receive_due_at
    return Urgency(receive_due_at, left, late=late, at_risk=not late and left <= RECEIPT_ALERT_MINUTES)


def clock_urgency(
    *,
    status: str,
    due_at: dt.datetime | None,
    paused_since: dt.datetime | None,
    unit_id: int,
    now: dt.datetime,
    calendars: CalendarCache,
) -> Urgency:
    """A dossier under the clock against its due moment, on the competent unit's calendar: at risk with at
    most AT_RISK_WORKING_DAYS working days left (time for the apology, LEGAL.md §1.8). While it waits for
    a supplement the clock is paused: the minutes left are those at the request (the due moment moves when
    the applicant answers)."""
    if due_at is None:
        return NO_URGENCY
    calendar = calendars(unit_id)
    paused = status == Status.WAITING_SUPPLEMENT and paused_since is not None
    reference = paused_since if paused and paused_since is not None else now
    left = calendar.working_minutes_between(reference, due_at)
    late = reference > due_at
    return Urgency(
        due_at, left, late=late, at_risk=not late and left <= at_risk_minutes(calendar), paused=paused
    )


# --- queue definition ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """Optional filters: one status of the queue, a procedure (id), a channel ("1", "2", "3"), and a moment
    before which the dossier is due."""

    status: str | None = None
    procedure: int | None = None
    channel: str | None = None
    due_before: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Lane:
    """Part of a queue: dossiers of some statuses, with the columns its two orders use.

    Read unit by unit: for each unit of `units` and each status, the rows with `unit_field` = unit and
    that status, under `where`, walked in (column, id) order through a (unit, [status,] column, id)
    index. A lane of many units (superusers) is read in one walk with `unit_field IN units` instead. A
    lane with `ids` is read by key (a short list: the steps assigned to the officer)."""

    name: str
    statuses: tuple[str, ...]
    due_field: str
    received_field: str
    clock: bool  # urgency against the due moment (True) or the receipt limit (False)
    unit_field: str = ""
    units: tuple[int, ...] = ()
    where: Q = field(default_factory=Q)
    ids: tuple[int, ...] | None = None
    # Whether some rows have no due moment (direct and postal dossiers have no receipt limit). The received
    # columns are always set in the lanes' states.
    due_nullable: bool = False

    def column(self, order: str) -> str:
        return self.due_field if order == "due" else self.received_field

    def nullable(self, order: str) -> bool:
        return order == "due" and self.due_nullable


@dataclass(frozen=True, slots=True)
class QueueItem:
    dossier: Dossier
    lane: str
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a queue: its items and the cursor of the next page (None on the last page)."""

    items: list[QueueItem]
    next_cursor: str | None
    order: str
    statuses: tuple[str, ...] = field(default=())


def _require_role(user: Any, role: str) -> None:
    if role not in QUEUE_ROLES:
        raise ApplicationError(
            _("Choose the queue of an intake officer, a specialist, a leader or a supervisor."),
            code="invalid_role",
            fields={"role": _("intake_officer, specialist, leader or supervisor.")},
        )
    if not has_role(user, role):
        raise PermissionDenied(
            _("You do not hold the role “%(role)s” in any unit.") % {"role": Role(role).label}
        )


def _unit_ids(user: Any, *roles: str) -> list[int]:
    """The units where `user` holds one of `roles`, as values (the planner estimates a list better than a
    subquery)."""
    return unit_ids_where(user, *roles)


def _threshold(now: dt.datetime, minutes: int) -> dt.datetime:
    """The moment `minutes` working minutes after `now` on the national calendar (a unit's own calendar may
    differ a little: the exact flag is computed per dossier)."""
    calendar = calendar_for_unit(unit=None)
    return calendar.moment_at(calendar.position(now) + minutes)


def _open_request() -> Subquery:
    return Subquery(
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), completed_at__isnull=True)
        .order_by()
        .values("requested_at")[:1]
    )


def _open_steps() -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(finished_at__isnull=True).order_by()  # no join for the order


def _catalogue_steps_off_the_main_line(role: str) -> tuple[list[int], list[int]]:
    """Catalogue steps whose open visits the dossier's own columns do not describe.

    First, the steps of any role that may be open at the same time as another visit (a coordinating step
    fans out; two steps neither of which comes before the other run in parallel): then the dossier has no
    single current step, so no `assignee`. Second, the steps of `role` run somewhere else than the
    competent unit (a fixed unit, the coordinating or the receiving units)."""
    rows = list(
        ProcessStep.objects.order_by().values_list("pk", "version_id", "key", "role", "unit_scope", "after")
    )
    by_version: dict[int, dict[str, list[str]]] = {}
    for _pk, version, key, _role, _scope, after in rows:
        by_version.setdefault(version, {})[key] = list(after or ())
    ancestors: dict[tuple[int, str], set[str]] = {}

    def above(version: int, key: str) -> set[str]:
        if (version, key) not in ancestors:
            ancestors[(version, key)] = set()  # a cycle in bad data ends here
            found: set[str] = set()
            for parent in by_version[version].get(key, ()):
                found |= {parent, *above(version, parent)}
            ancestors[(version, key)] = found
        return ancestors[(version, key)]

    concurrent = []
    elsewhere = []
    for pk, version, key, step_role, scope, _after in rows:
        keys = by_version[version]
        parallel = any(
            other != key and other not in above(version, key) and key not in above(version, other)
            for other in keys
        )
        if scope == StepScope.COORDINATING or parallel:
            concurrent.append(pk)
        if step_role == role and scope != StepScope.COMPETENT:
            elsewhere.append(pk)
    return sorted(concurrent), sorted(elsewhere)


def _waiting_on_role(role: str, units: list[int]) -> Q:
    """An unassigned open step of `role` in one of `units`. On PostgreSQL a filter evaluated row by row
    as the index is walked (`OFFSET 0` keeps the planner from turning it into a join that reads every
    open dossier of the unit and sorts them)."""
    if connection.vendor != "postgresql":
        return Q(
            Exists(
                _open_steps().filter(
                    dossier=OuterRef("pk"), assignee__isnull=True, role=role, unit_id__in=units
                )
            )
        )
    step = DossierStep._meta.db_table
    marks = ", ".join(["%s"] * len(units))
    sql = (
        f'EXISTS (SELECT 1 FROM "{step}" s WHERE s.dossier_id = "{Dossier._meta.db_table}"."id" '  # noqa: S608
        f"AND s.finished_at IS NULL AND s.assignee_id IS NULL AND s.role = %s AND s.unit_id IN ({marks}) "
        "OFFSET 0)"
    )
    return Q(RawSQL(sql, [role, *units], output_field=BooleanField()))  # noqa: S611 (values are parameters)


def _step_lanes(*, user: Any, role: str, units: list[int] | None = None) -> list[Lane]:
    """The specialist's or leader's dossiers: those with an open step assigned to them, or unassigned with
    their role in one of their units. Three lanes, each read through an index in the queue's order:

    - per unit of theirs and state, the dossiers the unit is competent for, in due order through the
      (competent_unit, status, due_at, id) index, kept when such an unassigned step is open (a probe of
      the dossier's steps per row);
    - per state, the dossiers held by them (`Dossier.assignee`, the assignee of the single open step)
      through the (assignee, status, due_at, id) index;
    - by key, the few others, found in the open-steps indexes by catalogue step: their visits of steps
      run in parallel (no single assignee), and the unassigned visits in their units of steps run outside
      the competent unit (fixed-unit, coordinating or receiving steps).

    A dossier found twice is shown once."""
    units = units if units is not None else _unit_ids(user, role)
    statuses = (Status.PROCESSING, Status.WAITING_SUPPLEMENT)
    lanes = [
        Lane(
            "to_process",
            statuses,
            "due_at",
            "received_at",
            clock=True,
            unit_field="competent_unit_id",
            units=tuple(units),
            where=_waiting_on_role(role, units) if units else Q(pk__in=[]),
        ),
        Lane(
            "to_process",
            statuses,
            "due_at",
            "received_at",
            clock=True,
            unit_field="assignee_id",
            units=(user.pk,),
        ),
    ]
    concurrent, elsewhere = _catalogue_steps_off_the_main_line(role)
    by_key: set[int] = set()
    if concurrent:
        mine = _open_steps().filter(assignee_id=user.pk, process_step_id__in=concurrent)
        by_key.update(mine.values_list("dossier_id", flat=True))
    if elsewhere and units:
        others = _open_steps().filter(
            assignee__isnull=True, role=role, unit_id__in=units, process_step_id__in=elsewhere
        )
        by_key.update(others.values_list("dossier_id", flat=True))
    if by_key:
        lanes.append(
            Lane("to_process", statuses, "due_at", "received_at", clock=True, ids=tuple(sorted(by_key)))
        )
    return lanes


def lanes_for(*, user: Any, role: str, now: dt.datetime, units: list[int] | None = None) -> list[Lane]:
    """The lanes of `role`'s queue for `user` (see the module docstring); `units`: the units where the
    user holds the role, when the caller has read them."""
    if role == Role.INTAKE_OFFICER:
        units = units if units is not None else _unit_ids(user, Role.INTAKE_OFFICER)
        return [
            Lane(
                "to_receive",
                (Status.SUBMITTED,),
                "receive_due_at",
                "system_received_at",
                clock=False,
                unit_field="receiving_unit_id",
                units=tuple(units),
                due_nullable=True,
            ),
            Lane(
                "to_return",
                (Status.RESOLVED,),
                "due_at",
                "received_at",
                clock=True,
                unit_field="receiving_unit_id",
                units=tuple(units),
            ),
        ]
    if role in (Role.SPECIALIST, Role.LEADER):
        return _step_lanes(user=user, role=role, units=units)
    units = units if units is not None else _unit_ids(user, Role.SUPERVISOR)
    calendar = calendar_for_unit(unit=None)
    return [
        Lane(
            "at_risk",
            (Status.PROCESSING, Status.WAITING_SUPPLEMENT),
            "due_at",
            "received_at",
            clock=True,
            unit_field="competent_unit_id",
            units=tuple(units),
            where=Q(due_at__lte=_threshold(now, at_risk_minutes(calendar))),
        ),
        Lane(
            "receipt_limit",
            (Status.SUBMITTED,),
            "receive_due_at",
            "system_received_at",
            clock=False,
            unit_field="receiving_unit_id",
            units=tuple(units),
            where=Q(
                channel=Dossier.Channel.ONLINE,
                receive_due_at__lte=_threshold(now, RECEIPT_ALERT_MINUTES),
            ),
        ),
    ]


def _default_statuses(role: str, lane: Lane) -> tuple[str, ...]:
    # Specialists and leaders wait on nobody while the applicant supplements: shown only when asked for.
    if role in (Role.SPECIALIST, Role.LEADER):
        return (Status.PROCESSING,)
    return lane.statuses


@dataclass(frozen=True, slots=True)
class Part:
    """One index walk of a lane: the rows of one unit in one status (or the lane's keys)."""

    lane: Lane
    rows: QuerySet[Dossier]


def _parts(lane: Lane, statuses: tuple[str, ...]) -> list[QuerySet[Dossier]]:
    base = Dossier.objects.filter(lane.where)
    if lane.ids is not None:
        return [base.filter(pk__in=lane.ids, status__in=statuses)]
    if len(lane.units) > MAX_UNIT_LANES:
        return [base.filter(**{f"{lane.unit_field}__in": lane.units, "status__in": statuses})]
    return [
        base.filter(**{lane.unit_field: unit, "status": status}) for unit in lane.units for status in statuses
    ]


def _filtered(role: str, lanes: list[Lane], filters: QueueFilters) -> tuple[list[Part], set[str]]:
    """The parts to read under the filters, and the states of the lanes kept."""
    allowed = sorted({status for lane in lanes for status in lane.statuses})
    if filters.status is not None and filters.status not in allowed:
        raise ApplicationError(
            _("This queue holds dossiers in these states only: %(states)s.")
            % {"states": ", ".join(str(Status(status).label) for status in allowed)},
            code="invalid_filter",
            fields={"status": _("Choose one of the queue's states.")},
        )
    if filters.channel is not None and filters.channel not in Dossier.Channel.values:
        raise ApplicationError(
            _("Choose in person (1), online (2) or by post (3)."),
            code="invalid_filter",
            fields={"channel": _("Choose in person (1), online (2) or by post (3).")},
        )
    if filters.due_before is not None and filters.due_before.utcoffset() is None:
        raise ApplicationError(
            _("Give the moment with its UTC offset, e.g. 2026-12-08T17:00:00+07:00."),
            code="invalid_filter",
            fields={"due_before": _("Add the UTC offset, e.g. +07:00.")},
        )
    result = []
    kept: set[str] = set()
    for lane in lanes:
        statuses = (filters.status,) if filters.status else _default_statuses(role, lane)
        statuses = tuple(status for status in statuses if status in lane.statuses)
        if not statuses:
            continue
        kept.update(lane.statuses)
        for part_rows in _parts(lane, statuses):
            rows = part_rows
            if filters.procedure is not None:
                rows = rows.filter(procedure_id=filters.procedure)
            if filters.channel is not None:
                rows = rows.filter(channel=filters.channel)
            if filters.due_before is not None:
                rows = rows.filter(**{f"{lane.due_field}__lt": filters.due_before})
            result.append(Part(lane, rows))
    return result, kept


# --- keyset pagination -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    order: str
    value: dt.datetime | None
    id: int

    def encode(self) -> str:
        raw = json.dumps({"o": self.order, "v": self.value.isoformat() if self.value else None, "i": self.id})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, order: str) -> Cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            value = dt.datetime.fromisoformat(data["v"]) if data["v"] is not None else None
            cursor = cls(str(data["o"]), value, int(data["i"]))
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
            cursor = None
        if (
            cursor is None
            or cursor.order != order
            or (cursor.value is not None and cursor.value.utcoffset() is None)
        ):
            raise ApplicationError(
                _("This page link is no longer valid; open the queue from its first page."),
                code="invalid_cursor",
                fields={"after": _("Use the cursor of the previous page, with the same order.")},
            )
        return cursor


SortKey = tuple[bool, dt.datetime, int]
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def _key(value: dt.datetime | None, pk: int) -> SortKey:
    # Dossiers without a value come last, by id.
    return (value is None, value or _FAR, pk)


Row = tuple[dt.datetime | None, int]


def _walks(
    rows: QuerySet[Dossier],
    column: str,
    cursor: Cursor | None,
    limit: int,
    *,
    nullable: bool,
    by_key: bool = False,
) -> list[QuerySet[Any]]:
    """The reads of (value, id) of the first `limit` dossiers of a part after `cursor`, in (column, id)
    order, NULLs last; each is an index range scan: `column >= v` bounds it and the tie on v is settled by
    id. The rows without a value are read only where the lane may have such rows (a query for rows that
    cannot exist can make the planner walk the whole table)."""
    walks: list[QuerySet[Any]] = []
    if cursor is None or cursor.value is not None:
        with_value = rows.filter(**{f"{column}__isnull": False})
        if by_key:  # a short list read by primary key, the cursor applied and sorted in `work_queue`
            return [with_value.order_by().values_list(column, "pk")]
        if cursor is not None:
            value = cursor.value
            with_value = with_value.filter(
                Q(**{f"{column}__gte": value}) & (Q(**{f"{column}__gt": value}) | Q(pk__gt=cursor.id))
            )
        walks.append(with_value.order_by(column, "pk").values_list(column, "pk")[:limit])
    if nullable:
        without = rows.filter(**{f"{column}__isnull": True})
        if cursor is not None and cursor.value is None:
            without = without.filter(pk__gt=cursor.id)
        walks.append(without.order_by(column, "pk").values_list(column, "pk")[:limit])
    return walks


def _run(walks: list[QuerySet[Any]], unit_walks: set[int]) -> list[list[Row]]:
    """The rows of each walk. PostgreSQL: all in one round trip, `SELECT k, w.* FROM (… ORDER BY … LIMIT n)
    w UNION ALL …`, each branch its own index walk; elsewhere one query per walk."""
    if len(walks) <= 1 or connection.vendor != "postgresql":
        return [sorted(walk, key=lambda row: _key(*row)) for walk in walks]
    pieces: list[str] = []
    params: list[Any] = []
    found: list[list[Row]] = [[] for _walk in walks]
    for index, walk in enumerate(walks):
        if index not in unit_walks:  # by key, or an order no index of the lane follows: the planner's way
            found[index] = sorted(walk, key=lambda row: _key(*row))
            continue
        sql, walk_params = walk.query.get_compiler(connection=connection).as_sql()
        pieces.append(f"SELECT {index:d}, w.* FROM ({sql}) AS w")  # noqa: S608 (compiled by Django)
        params += walk_params
    if not pieces:
        return found
    with transaction.atomic(), connection.cursor() as cursor:
        # Each walk follows its index in the order asked for: the planner, which cannot see how soon a
        # filtered walk finds its LIMIT, would otherwise read the unit's every row and sort them.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(" UNION ALL ".join(pieces), params)
        for index, value, pk in cursor.fetchall():
            found[index].append((value, pk))
    return [sorted(rows, key=lambda row: _key(*row)) for rows in found]


def _merged(parts: list[tuple[Lane, list[Row]]]) -> list[tuple[SortKey, Lane, int]]:
    """The parts merged on (value, id); a dossier read by two parts (its unit's and its keys) once."""
    streams = [
        [(_key(value, pk), index, lane, pk) for value, pk in rows] for index, (lane, rows) in enumerate(parts)
    ]
    merged: list[tuple[SortKey, Lane, int]] = []
    seen: set[int] = set()
    for key, _index, lane, pk in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        if pk not in seen:
            seen.add(pk)
            merged.append((key, lane, pk))
    return merged


def _page_dossiers(ids: list[int]) -> dict[int, Dossier]:
    """The page's dossiers with what a queue shows (one query, by key)."""
    rows = (
        Dossier.objects.filter(pk__in=ids)
        .select_related("procedure", "receiving_unit", "competent_unit", "assignee", "current_step")
        .annotate(paused_since=_open_request())
    )
    return {dossier.pk: dossier for dossier in rows}


def urgency_of(
    *,
    clock: bool,
    status: str,
    due_at: dt.datetime | None,
    receive_due_at: dt.datetime | None,
    paused_since: dt.datetime | None,
    competent_unit_id: int,
    receiving_unit_id: int,
    now: dt.datetime,
    calendars: CalendarCache,
) -> Urgency:
    """A queue row's urgency: against the due moment (`clock`) or the receipt limit."""
    if clock:
        return clock_urgency(
            status=status,
            due_at=due_at,
            paused_since=paused_since,
            unit_id=competent_unit_id,
            now=now,
            calendars=calendars,
        )
    return receipt_urgency(
        receive_due_at=receive_due_at, unit_id=receiving_unit_id, now=now, calendars=calendars
    )


def _validate(order: str) -> None:
    if order not in ORDERS:
        raise ApplicationError(
            _("Sort by the due moment (due) or by the receipt (received)."),
            code="invalid_order",
            fields={"order": _("due or received.")},
        )


@dataclass(frozen=True, slots=True)
class _Keys:
    """A page before its dossiers are read: (sort key, lane, id) in order, and the next page's cursor."""

    page: list[tuple[SortKey, Lane, int]]
    next_cursor: str | None
    statuses: tuple[str, ...]


def _page_keys(
    *,
    user: Any,
    role: str,
    filters: QueueFilters | None,
    order: str,
    after: str | None,
    limit: int,
    now: dt.datetime,
    units: list[int] | None = None,
) -> _Keys:
    """The ids of a page of the queue, in order (the role checked by the caller)."""
    cursor = Cursor.decode(after, order) if after else None
    lanes = lanes_for(user=user, role=role, now=now, units=units)
    parts, kept = _filtered(role, lanes, filters or QueueFilters())
    walks: list[QuerySet[Any]] = []
    unit_walks: set[int] = set()
    owners: list[int] = []
    for number, part in enumerate(parts):
        nullable = part.lane.nullable(order) and not (order == "due" and filters and filters.due_before)
        found = _walks(
            part.rows,
            part.lane.column(order),
            cursor,
            limit + 1,
            nullable=nullable,
            by_key=part.lane.ids is not None,
        )
        indexed = part.lane.unit_field in UNIT_INDEXED or (
            part.lane.unit_field == "assignee_id" and order == "due"
        )
        if indexed and len(part.lane.units) <= MAX_UNIT_LANES:
            unit_walks.update(range(len(walks), len(walks) + len(found)))
        walks += found
        owners += [number] * len(found)
    rows_of: list[list[Row]] = [[] for _part in parts]
    after_key = _key(cursor.value, cursor.id) if cursor is not None else None
    for number, rows in zip(owners, _run(walks, unit_walks), strict=True):
        if parts[number].lane.ids is not None and after_key is not None:
            rows = [row for row in rows if _key(*row) > after_key]  # noqa: PLW2901 (the read by key)
        rows_of[number] += rows  # the rows with a value, then those without: the part's order
    merged = _merged([(part.lane, rows[: limit + 1]) for part, rows in zip(parts, rows_of, strict=True)])
    page, more = merged[:limit], len(merged) > limit
    next_cursor = None
    if more and page:
        (empty, value, pk), _lane, _pk = page[-1]
        next_cursor = Cursor(order, None if empty else value, pk).encode()
    return _Keys(page, next_cursor, tuple(sorted(kept)))


def work_queue(
    *,
    user: Any,
    role: str,
    filters: QueueFilters | None = None,
    order: str = "due",
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> Page:
    """A page of `role`'s queue for `user`: due first (order "due") or received first ("received"), then
    the next page from `after` (the previous page's `next_cursor`). PermissionDenied if the user holds the
    role nowhere; ApplicationError for a filter, order or cursor that is not valid."""
    _require_role(user, role)
    _validate(order)
    limit = max(1, min(int(limit), MAX_LIMIT))
    now = now or timezone.now()
    keys = _page_keys(user=user, role=role, filters=filters, order=order, after=after, limit=limit, now=now)
    dossiers = _page_dossiers([pk for _key_, _lane, pk in keys.page])
    calendars = CalendarCache()
    items = []
    for _sort_key, lane, pk in keys.page:
        dossier = dossiers[pk]
        urgency = urgency_of(
            clock=lane.clock,
            status=dossier.status,
            due_at=dossier.due_at,
            receive_due_at=dossier.receive_due_at,
            paused_since=getattr(dossier, "paused_since", None),
            competent_unit_id=dossier.competent_unit_id,
            receiving_unit_id=dossier.receiving_unit_id,
            now=now,
            calendars=calendars,
        )
        items.append(QueueItem(dossier, lane.name, urgency))
    return Page(items=items, next_cursor=keys.next_cursor, order=order, statuses=keys.statuses)


# --- the API's page: plain values, cached ----------------------------------------------------------------

# What the API shows of a dossier on a queue page (`schemas.DossierSummaryOut`) and what its urgency needs,
# read as values: 50 rows of plain tuples cost a fraction of 50 dossiers with five related model objects.
ROW_FIELDS = (
    "id",
    "public_id",
    "code",
    "status",
    "channel",
    "procedure__code",
    "procedure__name",
    "applicant_name",
    "receiving_unit_id",
    "receiving_unit__name",
    "competent_unit_id",
    "competent_unit__name",
    "created_at",
    "submitted_at",
    "received_at",
    "appointment_at",
    "due_at",
    "receive_due_at",
    "version",
    "paused_since",
)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A dossier of an API queue page: its `ROW_FIELDS` as a dict, its lane and its urgency now."""

    values: dict[str, Any]
    lane: str
    urgency: Urgency
    shaped: Any = None  # `shape(values)` when queue_rows was given a shape (computed with the page, cached)


@dataclass(frozen=True, slots=True)
class RowPage:
    rows: list[QueueRow]
    next_cursor: str | None
    order: str
    statuses: tuple[str, ...]
    cached: bool = False  # read from the page cache (`motcua.dossiers.queue_cache`)


def _page_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = (
        Dossier.objects.filter(pk__in=ids)
        .annotate(paused_since=_open_request())
        .order_by()
        .values_list(*ROW_FIELDS)
    )
    return {row[0]: dict(zip(ROW_FIELDS, row, strict=True)) for row in rows}


def queue_rows(
    *,
    user: Any,
    role: str,
    filters: QueueFilters | None = None,
    order: str = "due",
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
    shape: Callable[[dict[str, Any]], Any] | None = None,
) -> RowPage:
    """`work_queue` for the API: the same page, as values (`ROW_FIELDS`), served from the page cache when
    it is on (`motcua.dossiers.queue_cache`). Only the rows are cached, never the urgency: due, left, late
    and at risk are computed from the rows' moments at each read, so that a cached page is never late.
    `shape`, when given, turns a row's values into what does not depend on the clock (the API's JSON of
    the dossier); it runs when the page is computed and its result is cached with the page (a hit does not
    redo it), so it must depend on nothing else than the values."""
    from motcua.dossiers import queue_cache  # noqa: PLC0415 (the cache imports this module)

    _require_role(user, role)
    _validate(order)
    limit = max(1, min(int(limit), MAX_LIMIT))
    now = now or timezone.now()
    filters = filters or QueueFilters()
    units: list[int] | None = None
    cache_key: str | None = None
    cached: Any = None
    if queue_cache.enabled() and role != Role.SUPERVISOR:  # the supervisor's lanes move with the clock
        units = _unit_ids(user, role)
        if len(units) <= MAX_UNIT_LANES:
            cache_key = queue_cache.page_key(
                user=user.pk,
                role=role,
                units=units,
                query=(
                    order,
                    after,
                    limit,
                    filters.status,
                    filters.procedure,
                    filters.channel,
                    filters.due_before.isoformat() if filters.due_before else None,
                    f"{shape.__module__}.{shape.__qualname__}" if shape else None,
                ),
            )
            cached = queue_cache.get(cache_key)
    if cached is None:
        keys = _page_keys(
            user=user, role=role, filters=filters, order=order, after=after, limit=limit, now=now, units=units
        )
        values = _page_rows([pk for _key_, _lane, pk in keys.page])
        entries = [
            (lane.name, lane.clock, values[pk], shape(values[pk]) if shape else None)
            for _sort_key, lane, pk in keys.page
        ]
        cached = (entries, keys.next_cursor, keys.statuses)
        hit = False
        if cache_key is not None:
            queue_cache.put(cache_key, cached)
    else:
        hit = True
    entries, next_cursor, statuses = cached
    calendars = CalendarCache()
    rows = [
        QueueRow(
            row,
            lane,
            urgency_of(
                clock=clock,
                status=row["status"],
                due_at=row["due_at"],
                receive_due_at=row["receive_due_at"],
                paused_since=row["paused_since"],
                competent_unit_id=row["competent_unit_id"],
                receiving_unit_id=row["receiving_unit_id"],
                now=now,
                calendars=calendars,
            ),
            shaped,
        )
        for lane, clock, row, shaped in entries
    ]
    return RowPage(rows=rows, next_cursor=next_cursor, order=order, statuses=statuses, cached=hit)


def queue_counts(*, user: Any, role: str) -> dict[str, int]:
    """Dossiers per status in the units the role covers for `user` (receiving units for intake officers,
    competent units otherwise), read from `DossierStatusCounter`."""
    _require_role(user, role)
    part = (
        DossierStatusCounter.Part.RECEIVING
        if role == Role.INTAKE_OFFICER
        else DossierStatusCounter.Part.COMPETENT
    )
    unit_ids = _unit_ids(user, role)
    return status_counts(unit_ids=unit_ids, part=part)
