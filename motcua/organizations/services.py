"""Writes on units and their agency codes: keyword-only, atomic, audited, announced on the outbox."""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Max, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_log, snapshot
from motcua.core.errors import ApplicationError, Conflict
from motcua.core.outbox import outbox_emit
from motcua.organizations.agency_codes import agency_code_format_error, normalize_agency_code
from motcua.organizations.models import (
    MAX_DEPTH,
    MAX_UNIT_ID,
    PLACEHOLDER_PREFIX,
    TWO_TIER_REFORM_DATE,
    AgencyCode,
    Unit,
    path_segment,
)
from motcua.organizations.search_text import unit_search_text

Actor = AbstractBaseUser | AnonymousUser | None

# The fields `unit_update` may change; the parent changes through `unit_move`, activity through
# `unit_deactivate` and `unit_merge`.
UPDATABLE_FIELDS = frozenset({"name", "short_name", "level", "kind", "external_key", "replaced_by"})
EXTERNAL_KEY_MAX_LENGTH = 64


def format_day(day: datetime.date | None) -> str:
    """A day as Vietnamese readers write it (dd/mm/yyyy); an open end reads "no end date"."""
    return formats.date_format(day, "d/m/Y") if day else _("no end date")


# --- rules shared by the services, the import and the admin forms -------------------------------------


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Enter the unit's name."), code="required", fields={"name": _("Required.")})
    if len(name) > 255:
        raise ApplicationError(
            _("The name has at most 255 characters."),
            code="too_long",
            fields={"name": _("At most 255 characters.")},
        )
    return name


def check_short_name(short_name: str) -> str:
    short_name = " ".join(short_name.split())
    if len(short_name) > 100:
        raise ApplicationError(
            _("The short name has at most 100 characters."),
            code="too_long",
            fields={"short_name": _("At most 100 characters.")},
        )
    return short_name


def check_external_key(external_key: str) -> str:
    external_key = external_key.strip()
    if not external_key:
        raise ApplicationError(
            _("Enter the unit's key."), code="required", fields={"external_key": _("Required.")}
        )
    if len(external_key) > EXTERNAL_KEY_MAX_LENGTH:
        message = _("A unit's key has at most %(max)d characters.") % {"max": EXTERNAL_KEY_MAX_LENGTH}
        raise ApplicationError(message, code="too_long", fields={"external_key": message})
    return external_key


def check_level_and_kind(*, level: str, kind: str, on: datetime.date, legacy: bool) -> None:
    """The level and kind are known values; a district unit is refused from 1 July 2025 unless `legacy`."""
    if level not in Unit.Level.values:
        raise ApplicationError(
            _("Choose a level: central, province or commune."),
            code="invalid_level",
            fields={"level": _("Choose one of the allowed values.")},
        )
    if kind not in Unit.Kind.values:
        raise ApplicationError(
            _("Choose the kind of unit."),
            code="invalid_kind",
            fields={"kind": _("Choose one of the allowed values.")},
        )
    # NQ 203/2025/QH15: no district tier from 1 July 2025; district units exist only in legacy data.
    if level == Unit.Level.DISTRICT and on >= TWO_TIER_REFORM_DATE and not legacy:
        message = _(
            "The district level was abolished on 1 July 2025: choose the province or commune level. "
            "District units are recorded only when importing data from before that day."
        )
        raise ApplicationError(message, code="district_abolished", fields={"level": message})


def dates_out_of_order_message(*, valid_from: datetime.date, valid_to: datetime.date) -> str:
    return _("The end of validity (%(to)s) is before its start (%(from)s).") % {
        "to": format_day(valid_to),
        "from": format_day(valid_from),
    }


def district_code_problem(*, level: str, valid_to: datetime.date | None) -> str | None:
    """A district's code cannot be valid on or after 1 July 2025 (NQ 203/2025/QH15; LEGAL.md §9)."""
    if level == Unit.Level.DISTRICT and (valid_to is None or valid_to >= TWO_TIER_REFORM_DATE):
        return _(
            "A district unit's code must end by 30/06/2025 at the latest: the district level was "
            "abolished on 1 July 2025."
        )
    return None


def check_code_dates(*, unit_level: str, valid_from: datetime.date, valid_to: datetime.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        message = dates_out_of_order_message(valid_from=valid_from, valid_to=valid_to)
        raise ApplicationError(message, code="dates_out_of_order", fields={"valid_to": message})
    if problem := district_code_problem(level=unit_level, valid_to=valid_to):
        raise ApplicationError(problem, code="district_abolished", fields={"valid_to": problem})


def check_agency_code(code: str, *, valid_to: datetime.date | None) -> str:
    """The normalised code, or an error saying how a well-formed code looks."""
    code = normalize_agency_code(code)
    legacy_order = valid_to is not None and valid_to < TWO_TIER_REFORM_DATE
    if problem := agency_code_format_error(code, legacy_order=legacy_order):
        raise ApplicationError(problem, code="invalid_agency_code", fields={"code": problem})
    return code


def intervals_overlap(
    a_from: datetime.date, a_to: datetime.date | None, b_from: datetime.date, b_to: datetime.date | None
) -> bool:
    """Whether two validity intervals (both ends inclusive, None = open) share a day."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def overlap_message(
    *, code: str, holder: str, other_from: datetime.date, other_to: datetime.date | None
) -> str:
    return _(
        "The dates overlap the code %(code)s of %(unit)s, valid from %(from)s to %(to)s; "
        "choose dates that do not overlap."
    ) % {"code": code, "unit": holder, "from": format_day(other_from), "to": format_day(other_to)}


def check_move(*, unit: Unit | None, new_parent: Unit | None, subtree_height: int) -> None:
    """A unit (None: a new one) cannot go under itself or a descendant, under an inactive unit, or deeper
    than paths allow."""
    if new_parent is None:
        return
    if unit is not None and new_parent.path.startswith(unit.path):
        message = _("A unit cannot be moved under itself or one of its own sub-units.")
        raise ApplicationError(message, code="move_into_own_subtree", fields={"parent": message})
    if not new_parent.is_active:
        message = _("The unit %(parent)s is no longer active; choose an active parent unit.") % {
            "parent": new_parent.name
        }
        raise ApplicationError(message, code="inactive_parent", fields={"parent": message})
    if new_parent.depth + 1 + subtree_height > MAX_DEPTH:
        message = _("The tree would be deeper than %(max)d levels.") % {"max": MAX_DEPTH + 1}
        raise ApplicationError(message, code="too_deep", fields={"parent": message})


def check_replaced_by(*, unit: Unit, replaced_by: Unit | None) -> None:
    """A unit is not replaced by itself, nor by a unit that (through its own successors) it replaces."""
    seen: set[int] = set()
    successor_id = replaced_by.pk if replaced_by is not None else None
    while successor_id is not None and successor_id not in seen:
        if successor_id == unit.pk:
            message = _("A unit cannot be replaced by itself or by a unit it replaces.")
            raise ApplicationError(message, code="replacement_cycle", fields={"replaced_by": message})
        seen.add(successor_id)
        successor_id = Unit.objects.filter(pk=successor_id).values_list("replaced_by_id", flat=True).first()


# --- units -------------------------------------------------------------------------------------------


def _unit_event(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "external_key": unit.external_key,
        "parent_id": unit.parent_id,
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "is_active": unit.is_active,
    }


def _key_taken(external_key: str, *, exclude: int | None = None) -> bool:
    units = Unit.objects.filter(external_key=external_key)
    if exclude is not None:
        units = units.exclude(pk=exclude)
    return units.exists()


def _key_conflict(external_key: str) -> Conflict:
    message = _("A unit with the key %(key)s already exists.") % {"key": external_key}
    return Conflict(message, code="duplicate_key", fields={"external_key": message})


@transaction.atomic
def unit_create(
    *,
    name: str,
    level: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    external_key: str = "",
    actor: Actor = None,
    on: datetime.date | None = None,
    legacy: bool = False,
) -> Unit:
    """Create a unit under `parent` (or as a root) and give it its place in the tree.

    `on` is the day the unit is recorded for (today by default); `legacy=True` records a district unit,
    which the reform allows only in data from before 1 July 2025. Without a key, one is generated.
    """
    name, short_name = check_name(name), check_short_name(short_name)
    check_level_and_kind(level=level, kind=kind, on=on or timezone.localdate(), legacy=legacy)
    external_key = check_external_key(external_key) if external_key.strip() else uuid.uuid4().hex
    if parent is not None:
        # Locked, so that a concurrent move of the parent cannot leave this unit with a stale path.
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        check_move(unit=None, new_parent=parent, subtree_height=0)
    if _key_taken(external_key):
        raise _key_conflict(external_key)

    unit = Unit(
        parent=parent,
        name=name,
        short_name=short_name,
        external_key=external_key,
        search_text=unit_search_text(name, short_name),
        level=level,
        kind=kind,
    )
    # The path needs the primary key; a temporary unique placeholder keeps the unique index happy.
    unit.path, unit.depth = f"{PLACEHOLDER_PREFIX}{uuid.uuid4().hex}", 0
    try:
        with transaction.atomic():
            unit.save(force_insert=True)
    except IntegrityError as exc:  # the key was taken by a concurrent transaction
        raise _key_conflict(external_key) from exc
    if unit.pk > MAX_UNIT_ID:
        raise RuntimeError(f"unit ids beyond {MAX_UNIT_ID} do not fit in the tree path")
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.depth = (parent.depth + 1) if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)

    audit_log(actor=actor, action="create", obj=unit, before=None, after=snapshot(unit), unit=unit)
    outbox_emit(kind="unit.created", payload=_unit_event(unit), aggregate=unit)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: Actor, **changes: Any) -> Unit:
    """Change a unit's name, short name, level, kind, key or successor (`replaced_by`).

    Moves go through `unit_move` and deactivation through `unit_deactivate`.
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)

    if "name" in changes:
        changes["name"] = check_name(changes["name"])
    if "short_name" in changes:
        changes["short_name"] = check_short_name(changes["short_name"])
    if "external_key" in changes:
        changes["external_key"] = check_external_key(changes["external_key"])
        if _key_taken(changes["external_key"], exclude=unit.pk):
            raise _key_conflict(changes["external_key"])
    if "level" in changes or "kind" in changes:
        level, kind = changes.get("level", unit.level), changes.get("kind", unit.kind)
        # A unit already at district level keeps it; turning a unit into a district is a new legacy record.
        check_level_and_kind(
            level=level, kind=kind, on=timezone.localdate(), legacy=unit.level == Unit.Level.DISTRICT
        )
    if "replaced_by" in changes:
        check_replaced_by(unit=unit, replaced_by=changes["replaced_by"])

    changed = [field for field, value in changes.items() if getattr(unit, field) != value]
    if not changed:
        return unit
    for field in changed:
        setattr(unit, field, changes[field])
    update_fields = list(changed)
    if {"name", "short_name"} & set(changed):
        unit.search_text = unit_search_text(unit.name, unit.short_name)
        update_fields.append("search_text")
    try:
        with transaction.atomic():
            unit.save(update_fields=[*update_fields, "updated_at"])
    except IntegrityError as exc:
        raise _key_conflict(unit.external_key) from exc

    audit_log(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit), unit=unit)
    outbox_emit(
        kind="unit.updated", payload={**_unit_event(unit), "changed": sorted(changed)}, aggregate=unit
    )
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None, actor: Actor) -> Unit:
    """Put `unit` and its whole subtree under `new_parent` (None: make it a root).

    Every path of the subtree is rewritten in one UPDATE, together with the unit's parent link.
    """
    # Lock the subtree (root first) and the new parent: creations and moves under them wait for us.
    subtree = list(
        Unit.objects.select_for_update().subtree_of(unit).order_by("path").values_list("pk", "path", "depth")
    )
    unit = Unit.objects.get(pk=unit.pk)
    if new_parent is not None:
        new_parent = Unit.objects.select_for_update().get(pk=new_parent.pk)
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    height = max(depth for _pk, _path, depth in subtree) - unit.depth
    check_move(unit=unit, new_parent=new_parent, subtree_height=height)

    before = snapshot(unit)
    old_path = unit.path
    new_path = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    depth_change = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    Unit.objects.subtree_of(unit).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
        parent_id=Case(
            When(pk=unit.pk, then=Value(new_parent.pk if new_parent else None)),
            default=F("parent_id"),
            output_field=BigIntegerField(),
        ),
        updated_at=timezone.now(),
    )
    unit.refresh_from_db()

    audit_log(actor=actor, action="move", obj=unit, before=before, after=snapshot(unit), unit=unit)
    outbox_emit(
        kind="unit.moved",
        payload={**_unit_event(unit), "old_parent_id": before["parent_id"], "subtree_size": len(subtree)},
        aggregate=unit,
    )
    return unit


def _close_open_code(unit: Unit, last_day: datetime.date) -> AgencyCode | None:
    """End the unit's open-ended code on `last_day` (inclusive); refuse if it starts after that day."""
    code = AgencyCode.objects.select_for_update().filter(unit=unit, valid_to__isnull=True).first()
    if code is None:
        return None
    if last_day < code.valid_from:
        message = _(
            "The code %(code)s starts on %(from)s; the last day of the unit cannot be before that."
        ) % {"code": code.code, "from": format_day(code.valid_from)}
        raise ApplicationError(message, code="dates_out_of_order", fields={"last_day": message})
    code.valid_to = last_day
    code.save(update_fields=["valid_to"])
    return code


def _check_no_active_children(unit: Unit) -> None:
    active = Unit.objects.subtree_of(unit).filter(is_active=True).exclude(pk=unit.pk).count()
    if active:
        raise Conflict(
            _("%(unit)s still has %(count)d active sub-unit(s); move or deactivate them first.")
            % {"unit": unit.name, "count": active},
            code="active_children",
        )


@transaction.atomic
def unit_deactivate(*, unit: Unit, actor: Actor, last_day: datetime.date | None = None) -> Unit:
    """Stop a unit: it becomes inactive and its open agency code ends on `last_day` (today by default)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise Conflict(_("%(unit)s is already inactive.") % {"unit": unit.name}, code="already_inactive")
    _check_no_active_children(unit)
    before = snapshot(unit)
    closed = _close_open_code(unit, last_day or timezone.localdate())
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])

    audit_log(actor=actor, action="deactivate", obj=unit, before=before, after=snapshot(unit), unit=unit)
    outbox_emit(
        kind="unit.deactivated",
        payload={**_unit_event(unit), "code_closed": closed.code if closed else None},
        aggregate=unit,
    )
    return unit


@transaction.atomic
def unit_merge(*, units: Iterable[Unit], into: Unit, day: datetime.date, actor: Actor) -> Unit:
    """Merge `units` into `into` from `day` on (the 2025 mergers): each merged unit's code ends the day
    before and is replaced by `into`'s code valid on `day`; the units become inactive, `replaced_by=into`.
    """
    into = Unit.objects.select_for_update().get(pk=into.pk)
    if not into.is_active:
        raise Conflict(
            _("%(unit)s is no longer active; merge into an active unit.") % {"unit": into.name},
            code="inactive_target",
        )
    merged = list(
        Unit.objects.select_for_update().filter(pk__in=[unit.pk for unit in units]).order_by("path")
    )
    if not merged or any(unit.pk == into.pk for unit in merged):
        raise ApplicationError(
            _("Choose the units to merge, other than the unit they merge into."), code="invalid"
        )
    successor_code = (
        AgencyCode.objects.filter(unit=into, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by("-valid_from")
        .first()
    )
    for unit in merged:
        if not unit.is_active:
            raise Conflict(_("%(unit)s is already inactive.") % {"unit": unit.name}, code="already_inactive")
        check_replaced_by(unit=unit, replaced_by=into)
        _check_no_active_children(unit)
        before = snapshot(unit)
        last_day = day - datetime.timedelta(days=1)
        # The code that ends on the eve of the merger: the open one, closed now, or one closed already.
        closed = (
            _close_open_code(unit, last_day)
            or AgencyCode.objects.filter(unit=unit, valid_to=last_day).first()
        )
        if closed is not None and successor_code is not None:
            closed.replaced_by = successor_code
            closed.save(update_fields=["replaced_by"])
        unit.is_active, unit.replaced_by = False, into
        unit.save(update_fields=["is_active", "replaced_by", "updated_at"])
        audit_log(actor=actor, action="merge", obj=unit, before=before, after=snapshot(unit), unit=unit)
    outbox_emit(
        kind="unit.merged",
        payload={
            "into_id": into.pk,
            "merged_ids": [unit.pk for unit in merged],
            "day": day.isoformat(),
            "successor_code": successor_code.code if successor_code else None,
        },
        aggregate=into,
    )
    return into


# --- agency codes ----------------------------------------------------------------------------------


def check_code_fits(
    *, unit: Unit, code: str, valid_from: datetime.date, valid_to: datetime.date | None, lock: bool = False
) -> AgencyCode | None:
    """The validity must not overlap another code of the unit (except its open code, which a later code
    closes: that code is returned) nor the same code held by another unit."""
    codes = AgencyCode.objects.select_for_update() if lock else AgencyCode.objects.all()
    history = list(codes.filter(unit=unit).order_by("valid_from"))
    previous = next((item for item in history if item.valid_to is None), None)
    if previous is not None and previous.valid_from >= valid_from:
        previous = None  # a code starting on or after the new one: an overlap, reported below
    for item in history:
        item_to = valid_from - datetime.timedelta(days=1) if item is previous else item.valid_to
        if intervals_overlap(valid_from, valid_to, item.valid_from, item_to):
            message = overlap_message(
                code=item.code, holder=unit.name, other_from=item.valid_from, other_to=item.valid_to
            )
            raise Conflict(message, code="code_overlap", fields={"valid_from": message})
    elsewhere = AgencyCode.objects.filter(code=code).exclude(unit=unit).select_related("unit")
    for item in elsewhere:
        if intervals_overlap(valid_from, valid_to, item.valid_from, item.valid_to):
            message = overlap_message(
                code=item.code, holder=item.unit.name, other_from=item.valid_from, other_to=item.valid_to
            )
            raise Conflict(message, code="code_overlap", fields={"code": message})
    return previous


@transaction.atomic
def agency_code_assign(
    *,
    unit: Unit,
    code: str,
    valid_from: datetime.date,
    actor: Actor,
    valid_to: datetime.date | None = None,
) -> AgencyCode:
    """Give `unit` the agency e-ID `code` from `valid_from` (QĐ 20/2020/QĐ-TTg; LEGAL.md §2).

    The unit's open code, if it started earlier, ends the day before and is `replaced_by` the new one.
    Refused when the validity overlaps another code of the unit, or the same code held by another unit.
    `valid_to` records a code that has already ended (history from before the 2025 re-issue).
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    code = check_agency_code(code, valid_to=valid_to)
    check_code_dates(unit_level=unit.level, valid_from=valid_from, valid_to=valid_to)

    previous = check_code_fits(unit=unit, code=code, valid_from=valid_from, valid_to=valid_to, lock=True)

    previous_before = snapshot(previous) if previous else None
    if previous is not None:
        previous.valid_to = valid_from - datetime.timedelta(days=1)
        previous.save(update_fields=["valid_to"])
    try:
        with transaction.atomic():
            assigned = AgencyCode.objects.create(
                unit=unit, code=code, valid_from=valid_from, valid_to=valid_to
            )
    except IntegrityError as exc:  # the same code and start date were taken concurrently
        message = _("The code %(code)s is already recorded from %(from)s.") % {
            "code": code,
            "from": format_day(valid_from),
        }
        raise Conflict(message, code="code_overlap", fields={"code": message}) from exc
    if previous is not None:
        previous.replaced_by = assigned
        previous.save(update_fields=["replaced_by"])
        audit_log(
            actor=actor,
            action="close",
            obj=previous,
            before=previous_before,
            after=snapshot(previous),
            unit=unit,
        )
    audit_log(actor=actor, action="create", obj=assigned, before=None, after=snapshot(assigned), unit=unit)
    outbox_emit(
        kind="unit.code_assigned",
        payload={
            "unit_id": unit.pk,
            "code": assigned.code,
            "valid_from": assigned.valid_from.isoformat(),
            "valid_to": assigned.valid_to.isoformat() if assigned.valid_to else None,
            "replaces": previous.code if previous else None,
        },
        aggregate=unit,
    )
    return assigned


def subtree_height(unit: Unit) -> int:
    """How many levels lie below `unit` (0 for a leaf)."""
    deepest = Unit.objects.subtree_of(unit).aggregate(deepest=Max("depth"))["deepest"]
    return int(deepest if deepest is not None else unit.depth) - unit.depth
