"""Writing a checked file: units level by level with one path UPDATE per level, then codes and links."""

import hashlib
import itertools
import uuid
from collections import defaultdict
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad
from django.utils.translation import gettext as _

from motcua.core.audit import audit_log, snapshot
from motcua.core.outbox import outbox_emit
from motcua.organizations.models import (
    MAX_UNIT_ID,
    PATH_STEP,
    PLACEHOLDER_PREFIX,
    AgencyCode,
    Unit,
    UnitImport,
)
from motcua.organizations.search_text import unit_search_text
from motcua.organizations.services import (
    Actor,
)
from motcua.organizations.transfer.checking import Checker, Existing, UnitRow
from motcua.organizations.transfer.layout import BATCH, ONE_DAY, ImportReport, Progress, chunks, file_error
from motcua.organizations.transfer.reading import read_table


def _write(
    units: list[UnitRow], existing: dict[str, Existing], progress: Progress | None
) -> tuple[list[int], int]:
    """Insert the checked units level by level, then their paths, successors and codes."""
    total, written = len(units), 0
    by_key = {unit.key: unit for unit in units}
    marker = f"{PLACEHOLDER_PREFIX}import-{uuid.uuid4().hex}-"
    for depth in sorted({unit.depth for unit in units}):
        level_units = [unit for unit in units if unit.depth == depth]
        for batch in chunks(level_units, BATCH):
            objects = [
                Unit(
                    parent_id=_parent_pk(unit, by_key, existing),
                    path=f"{marker}{unit.row}",
                    depth=unit.depth,
                    external_key=unit.key,
                    name=unit.name,
                    short_name=unit.short_name,
                    search_text=unit_search_text(unit.name, unit.short_name),
                    level=unit.level,
                    kind=unit.kind,
                    is_active=unit.active,
                )
                for unit in batch
            ]
            for unit, created in zip(batch, Unit.objects.bulk_create(objects), strict=True):
                unit.pk = created.pk
            written += len(batch)
            if progress:
                progress("write", written, total)
        if any((unit.pk or 0) > MAX_UNIT_ID for unit in level_units):
            raise RuntimeError(f"unit ids beyond {MAX_UNIT_ID} do not fit in the tree path")
        # Parents are final by now: one UPDATE gives the whole level its paths.
        parent_path = Subquery(Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        Unit.objects.filter(path__startswith=marker, depth=depth).update(
            path=Concat(
                Coalesce(parent_path, Value("")),
                LPad(Cast("id", output_field=CharField()), PATH_STEP, Value("0")),
                output_field=CharField(),
            )
        )

    successors = [
        Unit(pk=unit.pk, replaced_by_id=_key_pk(unit.values["replaced_by_key"], by_key, existing))
        for unit in units
        if unit.values["replaced_by_key"]
    ]
    Unit.objects.bulk_update(successors, ["replaced_by"], batch_size=BATCH)
    return [unit.pk for unit in units if unit.pk is not None], _write_codes(units, by_key, existing)


def _key_pk(key: str, by_key: dict[str, UnitRow], existing: dict[str, Existing]) -> int | None:
    if not key:
        return None
    return by_key[key].pk if key in by_key else existing[key].pk


def _parent_pk(unit: UnitRow, by_key: dict[str, UnitRow], existing: dict[str, Existing]) -> int | None:
    return _key_pk(unit.values["parent_key"], by_key, existing)


def _write_codes(units: list[UnitRow], by_key: dict[str, UnitRow], existing: dict[str, Existing]) -> int:
    """Insert the codes, then link each closed code to its replacement: the unit's next code or, after a
    merger, the successor unit's code valid the day after (the same links `agency_code_assign` and
    `unit_merge` make)."""
    objects = [
        AgencyCode(
            unit_id=int(unit.pk or 0), code=code.code, valid_from=code.valid_from, valid_to=code.valid_to
        )
        for unit in units
        for code in unit.codes
    ]
    created = AgencyCode.objects.bulk_create(objects, batch_size=BATCH)
    codes_of: dict[int, list[AgencyCode]] = defaultdict(list)
    for code in created:
        codes_of[code.unit_id].append(code)
    successor_ids = {
        pk for unit in units if (pk := _key_pk(unit.values["replaced_by_key"], by_key, existing)) is not None
    }
    for stored in AgencyCode.objects.filter(unit_id__in=[pk for pk in successor_ids if pk not in codes_of]):
        codes_of[stored.unit_id].append(stored)
    links = []
    for unit in units:
        history = codes_of.get(unit.pk or 0, [])
        for code, following in itertools.pairwise(history):
            if code.valid_to is not None:
                code.replaced_by = following
                links.append(code)
        successor_pk = _key_pk(unit.values["replaced_by_key"], by_key, existing)
        if history and history[-1].valid_to is not None and successor_pk is not None:
            day_after = history[-1].valid_to + ONE_DAY
            following_code = next(
                (c for c in codes_of.get(successor_pk, []) if c.is_valid_on(day_after)), None
            )
            if following_code is not None:
                history[-1].replaced_by = following_code
                links.append(history[-1])
    AgencyCode.objects.bulk_update(links, ["replaced_by"], batch_size=BATCH)
    return len(created)


def units_import(
    *,
    file_name: str,
    content: bytes,
    actor: Actor,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a units file and, unless `dry_run`, create every unit and code in it in one transaction.

    Raises `ImportFailed` listing every problem (row, column, what to do); then nothing is written.
    """
    table = read_table(file_name=file_name, content=content)
    if progress:
        progress("read", len(table) - 1, len(table) - 1)
    checker = Checker(table, progress)
    units = checker.run()
    codes = sum(len(unit.codes) for unit in units)
    rows = len(table) - 1
    if dry_run:
        return ImportReport(rows=rows, units=len(units), codes=codes, dry_run=True)
    try:
        with transaction.atomic():
            unit_ids, codes = _write(units, checker.existing, progress)
            record = UnitImport.objects.create(
                file_name=PurePath(file_name).name[:255],
                file_sha256=hashlib.sha256(content).hexdigest(),
                rows=rows,
                units_created=len(unit_ids),
                codes_created=codes,
            )
            after = {**snapshot(record), "unit_keys": [unit.key for unit in units]}
            audit_log(actor=actor, action="import", obj=record, before=None, after=after)
            outbox_emit(
                kind="units.imported",
                payload={"import_id": record.pk, "unit_ids": unit_ids},
                aggregate=record,
            )
    except IntegrityError as exc:
        # Another transaction took a key or a code while this file was being checked.
        raise file_error(_("The units changed while the file was being imported; import it again.")) from exc
    return ImportReport(rows=rows, units=len(unit_ids), codes=codes, dry_run=False, unit_import=record)
