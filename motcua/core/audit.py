"""The audit trail: one append-only, hash-chained record per create, update or state change.

Services call `audit_log(...)` inside their own `transaction.atomic`, after the change:

    before = snapshot(unit)
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    audit_log(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit), unit=unit)

Records are chained per partition (organisation unit, local day), see docs/adr/0003-audit-chain.md.
"""

import datetime
import decimal
import json
import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.context import current_context
from motcua.core.models import GLOBAL_PARTITION, AuditChainHead, AuditRecord, genesis_hash

SYSTEM_ACTOR_LABEL = "system"
# Never copied into an audit record, even on request: the record says that it changed, not to what.
SECRET_FIELDS = frozenset({"password"})
REDACTED = "[redacted]"
_ACTION = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_HEAD_ATTEMPTS = 3


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of `obj`'s field values, for the before/after of `audit_log`.

    Concrete fields only (a foreign key by its column, e.g. `unit_id`); `fields` picks some by name or
    column name. Secret fields (the password hash) are left out unless named, and then redacted.
    """
    concrete = obj._meta.concrete_fields
    if fields is None:
        chosen = [field for field in concrete if field.name not in SECRET_FIELDS]
    else:
        by_name = {field.name: field for field in concrete} | {field.attname: field for field in concrete}
        unknown = [name for name in fields if name not in by_name]
        if unknown:
            raise ValueError(f"{type(obj).__name__} has no concrete field(s) {unknown}")
        chosen = [by_name[name] for name in fields]
    result: dict[str, Any] = {}
    for model_field in chosen:
        secret = model_field.name in SECRET_FIELDS
        result[model_field.attname] = REDACTED if secret else json_safe(getattr(obj, model_field.attname))
    return result


def json_safe(value: Any) -> Any:
    """`value` as plain JSON types, losing nothing a reader of the audit needs."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The names whose value differs between the two snapshots (a name present in only one counts)."""
    before, after = before or {}, after or {}
    missing = object()
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name, missing) != after.get(name, missing)
    )


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    unit: Any = None,
) -> AuditRecord:
    """Append one audit record for a change of `obj`; call it inside the transaction that makes the change.

    `actor` is a User, or None for the system. `unit` (a Unit or its id) is the organisation unit the
    object belongs to and the partition key of the chain; None puts the record in the global partition.
    Who and from where (IP, user agent, request id) come from the request context, if any.
    """
    return audit_log_many(actor=actor, action=action, objects=[(obj, unit)], before=before, after=after)[0]


def audit_log_many(
    *,
    actor: Any,
    action: str,
    objects: Sequence[tuple[models.Model, Any]],
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> list[AuditRecord]:
    """`audit_log` for several objects at once, each with its unit: one record per object, chained exactly
    as one call each in the given order would chain them, with one lock of the chain head, one insert and
    one head update per partition (a page listing fifty dossiers costs three queries, not 150). The
    records come back partition by partition, in the given order within each."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must run inside the transaction.atomic block that makes the change")
    if not _ACTION.match(action):
        raise ValueError(f"audit action must be a lower-case verb (slug), got {action!r}")
    if any(obj.pk is None for obj, _unit in objects):
        raise ValueError("audit_log needs a saved object")
    # Round-trip through JSON so that the hash covers exactly what the database will give back.
    before = _as_stored_json(before)
    after = _as_stored_json(after)

    occurred_at = timezone.now()
    partition_day = timezone.localdate(occurred_at)
    context = current_context()
    actor_id, actor_label = _actor(actor)
    records: list[AuditRecord] = []
    by_partition: dict[int, list[models.Model]] = {}
    for obj, unit in objects:
        by_partition.setdefault(_partition_unit(unit), []).append(obj)
    for partition_unit, partition_objects in by_partition.items():
        head = _lock_head(partition_unit, partition_day)
        sequence, previous = head.last_sequence, head.last_hash or genesis_hash(partition_unit, partition_day)
        chained = []
        for obj in partition_objects:
            sequence += 1
            record = AuditRecord(
                partition_unit=partition_unit,
                partition_day=partition_day,
                sequence=sequence,
                occurred_at=occurred_at,
                actor_id=actor_id,
                actor_label=actor_label,
                action=action,
                object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                before=before,
                after=after,
                changed_fields=changed_fields(before, after),
                ip=context.ip if context else None,
                user_agent=context.user_agent if context else "",
                request_id=context.request_id if context else "",
                prev_hash=previous,
            )
            record.hash = previous = record.compute_hash()
            chained.append(record)
        AuditRecord.objects.bulk_create(chained)
        AuditChainHead.objects.filter(pk=head.pk).update(last_sequence=sequence, last_hash=previous)
        records += chained
    return records


def _as_stored_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return json.loads(json.dumps(json_safe(value), allow_nan=False))


def _partition_unit(unit: Any) -> int:
    if unit is None:
        return GLOBAL_PARTITION
    unit_id = unit.pk if isinstance(unit, models.Model) else unit
    if not isinstance(unit_id, int) or isinstance(unit_id, bool) or unit_id <= 0:
        raise ValueError(f"audit partition unit must be a saved Unit or its id, got {unit!r}")
    return unit_id


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, SYSTEM_ACTOR_LABEL if actor is None else "anonymous"
    username = actor.get_username()
    name = str(actor)
    label = username if name == username else f"{name} ({username})"
    return actor.pk, label[:300]


def _lock_head(partition_unit: int, partition_day: datetime.date) -> AuditChainHead:
    """The partition's chain head, locked until the caller's transaction ends; created on first use.

    Two transactions creating the same head race on its unique constraint: the loser's insert fails (after
    waiting for the winner's commit on PostgreSQL), its savepoint rolls back, and it locks the winner's row.
    """
    heads = AuditChainHead.objects.select_for_update()
    for _attempt in range(_HEAD_ATTEMPTS):
        try:
            return heads.get(partition_unit=partition_unit, partition_day=partition_day)
        except AuditChainHead.DoesNotExist:
            pass
        try:
            with transaction.atomic():
                return AuditChainHead.objects.create(
                    partition_unit=partition_unit, partition_day=partition_day
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"could not lock the audit chain head {partition_unit}/{partition_day}")


def personal_data_listed(
    *, actor: Any, objects: Sequence[tuple[models.Model, Any]], fields: Iterable[str]
) -> list[AuditRecord]:
    """`personal_data_viewed` for each object of a list shown to `actor` (with its unit), in one
    transaction (`audit_log_many`)."""
    with transaction.atomic():
        return audit_log_many(
            actor=actor,
            action="view_personal_data",
            objects=objects,
            before=None,
            after={"fields": sorted(fields)},
        )


def personal_data_viewed(
    *, actor: Any, obj: models.Model, fields: Iterable[str], unit: Any = None
) -> AuditRecord:
    """Records that `actor` read personal data of `obj` (ND 13/2023 art. 27: processing of personal data is
    logged): which fields, by whom, from where and when, in the same hash chain as the changes. Nothing of
    the data itself is copied. Its own transaction: a read has none."""
    return personal_data_listed(actor=actor, objects=[(obj, unit)], fields=fields)[0]


def audit_trail_of(obj: models.Model) -> "models.QuerySet[AuditRecord]":
    """The audit records of one object, oldest first."""
    return AuditRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=str(obj.pk)
    ).order_by("occurred_at", "id")


class ChainProblem(models.TextChoices):
    CHANGED = "changed", _("The record's content does not match its hash: the record was changed.")
    MISSING = "missing", _("Records are missing from the chain: they were deleted.")
    BROKEN_LINK = "broken_link", _("The record does not link to the previous record's hash.")
    BEYOND_HEAD = "beyond_head", _("The record lies beyond the chain's head: it was inserted.")
    MISSING_TAIL = "missing_tail", _("The chain's last records are missing: they were deleted.")
    HEAD_MISMATCH = "head_mismatch", _("The chain's head does not match the chain's last record.")
    NO_HEAD = "no_head", _("The chain has no head: it was deleted.")


@dataclass(frozen=True, slots=True)
class ChainFinding:
    """One problem found by `audit_verify`, located by partition and sequence number(s)."""

    problem: ChainProblem
    partition_unit: int
    partition_day: datetime.date
    first_sequence: int
    last_sequence: int

    def __str__(self) -> str:
        sequences = (
            str(self.first_sequence)
            if self.first_sequence == self.last_sequence
            else f"{self.first_sequence}–{self.last_sequence}"
        )
        return gettext("Unit %(unit)s, day %(day)s, sequence %(sequences)s: %(problem)s") % {
            "unit": self.partition_unit,
            "day": self.partition_day.isoformat(),
            "sequences": sequences,
            "problem": self.problem.label,
        }


@dataclass(slots=True)
class VerifyReport:
    partitions: int = 0
    records: int = 0
    findings: list[ChainFinding] = field(default_factory=list)


def audit_verify(*, unit: int | None = None, since: datetime.date | None = None) -> VerifyReport:
    """Recompute every chain (of one unit's partitions, from one day on) and list what does not hold.

    Detects a changed record (hash mismatch), a deleted record (sequence gap, or a missing tail against
    the head), an inserted one (beyond the head, or a broken link) and reordered ones (hash mismatch and
    broken links, since the sequence number is part of the hashed content).

    Runs while the system keeps writing, without locks: the heads are read before and after the scan of
    the records. A head and its last record commit together, so an intact chain's last scanned sequence
    lies between the two readings of its head; only outside them is something missing or inserted.
    """
    records = AuditRecord.objects.order_by("partition_unit", "partition_day", "sequence")
    if unit is not None:
        records = records.filter(partition_unit=unit)
    if since is not None:
        records = records.filter(partition_day__gte=since)
    heads_before = _read_heads(unit=unit, since=since)

    report = VerifyReport()
    scanned: list[tuple[Partition, AuditRecord | None]] = []
    for partition, chain in groupby(
        records.iterator(chunk_size=2000), key=lambda record: (record.partition_unit, record.partition_day)
    ):
        report.partitions += 1
        count, last = _verify_links(partition, chain, report.findings)
        report.records += count
        scanned.append((partition, last))

    heads_after = _read_heads(unit=unit, since=since)
    for partition, last in scanned:
        _verify_tail(
            partition, last, heads_before.get(partition), heads_after.get(partition), report.findings
        )
    seen = {partition for partition, _last in scanned}
    for partition, head in sorted(heads_before.items()):
        if partition not in seen:
            report.partitions += 1
            if head.last_sequence:
                report.findings.append(
                    ChainFinding(ChainProblem.MISSING_TAIL, *partition, 1, head.last_sequence)
                )
    return report


Partition = tuple[int, datetime.date]


def _read_heads(*, unit: int | None, since: datetime.date | None) -> dict[Partition, AuditChainHead]:
    heads = AuditChainHead.objects.all()
    if unit is not None:
        heads = heads.filter(partition_unit=unit)
    if since is not None:
        heads = heads.filter(partition_day__gte=since)
    return {(head.partition_unit, head.partition_day): head for head in heads}


def _verify_links(
    partition: Partition, chain: Iterable[AuditRecord], findings: list[ChainFinding]
) -> tuple[int, AuditRecord | None]:
    """Checks one partition's records in sequence order: numbering, links and hashes."""
    expected, previous_hash, count = 1, genesis_hash(*partition), 0
    last: AuditRecord | None = None
    for record in chain:
        count += 1
        if record.sequence > expected:
            # The deleted records' hashes are unknown, so the link after a gap cannot be checked.
            findings.append(ChainFinding(ChainProblem.MISSING, *partition, expected, record.sequence - 1))
        elif record.prev_hash != previous_hash:
            findings.append(
                ChainFinding(ChainProblem.BROKEN_LINK, *partition, record.sequence, record.sequence)
            )
        if record.compute_hash() != record.hash:
            findings.append(ChainFinding(ChainProblem.CHANGED, *partition, record.sequence, record.sequence))
        expected, previous_hash, last = record.sequence + 1, record.hash, record
    return count, last


def _verify_tail(
    partition: Partition,
    last: AuditRecord | None,
    before: AuditChainHead | None,
    after: AuditChainHead | None,
    findings: list[ChainFinding],
) -> None:
    """Checks a partition's last scanned record against its head read before and after the scan."""
    if last is None:
        return
    if after is None:
        findings.append(ChainFinding(ChainProblem.NO_HEAD, *partition, last.sequence, last.sequence))
    elif before is not None and last.sequence < before.last_sequence:
        findings.append(
            ChainFinding(ChainProblem.MISSING_TAIL, *partition, last.sequence + 1, before.last_sequence)
        )
    elif last.sequence > after.last_sequence:
        findings.append(
            ChainFinding(ChainProblem.BEYOND_HEAD, *partition, after.last_sequence + 1, last.sequence)
        )
    else:
        # Compare hashes with a reading of the head that stopped at the last scanned record; when the chain
        # grew both before and after the scan, neither did, and the next run checks that link instead.
        head = after if after.last_sequence == last.sequence else before
        if head is not None and head.last_sequence == last.sequence and head.last_hash != last.hash:
            findings.append(
                ChainFinding(ChainProblem.HEAD_MISMATCH, *partition, last.sequence, last.sequence)
            )
