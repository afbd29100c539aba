"""`motcua audit verify` passes on intact chains and names the partition and sequence of every tampering."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import translation

from motcua.core import audit
from motcua.core.audit import ChainFinding, ChainProblem, audit_log, audit_verify
from motcua.core.management.commands.audit import Command
from motcua.core.models import AuditChainHead, AuditRecord

DAY = datetime.date(2026, 11, 22)
NEXT_DAY = datetime.date(2026, 11, 23)
MORNING = datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Hà Nội
NEXT_MORNING = MORNING + datetime.timedelta(days=1)


def append(unit: int, count: int, at: datetime.datetime = MORNING) -> list[AuditRecord]:
    """`count` records in the chain of `unit` (a unit id) on the day of `at`."""
    group, _ = Group.objects.get_or_create(name="Tổ tiếp nhận")
    with mock.patch("django.utils.timezone.now", return_value=at):
        return [
            audit_log(
                actor=None, action="update", obj=group, before={"step": n}, after={"step": n + 1}, unit=unit
            )
            for n in range(count)
        ]


def raw() -> "models.QuerySet[AuditRecord]":
    """What someone with write access to the database can do: bypass the append-only queryset."""
    return models.QuerySet(AuditRecord)


def record(unit: int, sequence: int, day: datetime.date = DAY) -> AuditRecord:
    return AuditRecord.objects.get(partition_unit=unit, partition_day=day, sequence=sequence)


@pytest.fixture
def unit(db) -> int:
    """The id of the unit whose chain the tests tamper with (the partition column has no foreign key)."""
    return 101


@pytest.fixture
def chain(unit: int) -> list[AuditRecord]:
    """Three records in one partition, two in another unit and one on the next day."""
    records = append(unit, 3)
    append(unit + 1, 2)
    append(unit, 1, at=NEXT_MORNING)
    return records


def findings() -> list[tuple[ChainProblem, int, datetime.date, int, int]]:
    return [
        (f.problem, f.partition_unit, f.partition_day, f.first_sequence, f.last_sequence)
        for f in audit_verify().findings
    ]


def test_an_intact_trail_passes(chain: list[AuditRecord]) -> None:
    report = audit_verify()
    out = StringIO()

    with translation.override("en"):
        call_command("audit", "verify", stdout=out)

    assert (report.partitions, report.records, report.findings) == (3, 6, [])
    assert out.getvalue() == "The audit trail is intact: 6 records in 3 partitions.\n"


def test_a_changed_record_is_named(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[1].pk).update(after={"step": 99})

    assert findings() == [(ChainProblem.CHANGED, unit, DAY, 2, 2)]


def test_a_changed_record_with_a_recomputed_hash_breaks_the_next_link(
    unit: int, chain: list[AuditRecord]
) -> None:
    forged = record(unit, 2)
    forged.after = {"step": 99}
    raw().filter(pk=forged.pk).update(after=forged.after, hash=forged.compute_hash())

    assert findings() == [(ChainProblem.BROKEN_LINK, unit, DAY, 3, 3)]


def test_a_deleted_middle_record_is_a_gap(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[1].pk).delete()

    assert findings() == [(ChainProblem.MISSING, unit, DAY, 2, 2)]


def test_a_deleted_last_record_is_a_missing_tail(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[2].pk).delete()

    assert findings() == [(ChainProblem.MISSING_TAIL, unit, DAY, 3, 3)]


def test_a_whole_deleted_chain_is_a_missing_tail_from_its_start(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(partition_unit=unit, partition_day=DAY).delete()

    assert findings() == [(ChainProblem.MISSING_TAIL, unit, DAY, 1, 3)]


def test_a_forged_record_appended_with_a_valid_hash_lies_beyond_the_head(
    unit: int, chain: list[AuditRecord]
) -> None:
    forged = AuditRecord(
        partition_unit=unit,
        partition_day=DAY,
        sequence=4,
        occurred_at=MORNING,
        actor_label="system",
        action="grant",
        object_type_id=chain[0].object_type_id,
        object_id=chain[0].object_id,
        object_repr="forged",
        before=None,
        after={"role": "admin"},
        changed_fields=["role"],
        prev_hash=chain[2].hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()

    assert findings() == [(ChainProblem.BEYOND_HEAD, unit, DAY, 4, 4)]


def test_a_forged_record_with_a_made_up_hash_is_also_changed(unit: int, chain: list[AuditRecord]) -> None:
    forged = record(unit, 3)
    forged.pk, forged.sequence, forged.prev_hash, forged.hash = None, 4, chain[2].hash, "0" * 64
    forged._state.adding = True
    forged.save()

    assert findings() == [
        (ChainProblem.CHANGED, unit, DAY, 4, 4),
        (ChainProblem.BEYOND_HEAD, unit, DAY, 4, 4),
    ]


def test_a_forged_partition_has_no_head(unit: int, chain: list[AuditRecord]) -> None:
    forged = record(unit, 1)
    forged.pk, forged.partition_day = None, datetime.date(2026, 11, 1)
    forged._state.adding = True
    forged.save()

    assert findings() == [
        (ChainProblem.BROKEN_LINK, unit, datetime.date(2026, 11, 1), 1, 1),
        (ChainProblem.CHANGED, unit, datetime.date(2026, 11, 1), 1, 1),
        (ChainProblem.NO_HEAD, unit, datetime.date(2026, 11, 1), 1, 1),
    ]


def test_reordered_records_break_links_hashes_and_the_head(unit: int, chain: list[AuditRecord]) -> None:
    second, third = chain[1], chain[2]
    raw().filter(pk=second.pk).update(sequence=99)
    raw().filter(pk=third.pk).update(sequence=2)
    raw().filter(pk=second.pk).update(sequence=3)

    assert findings() == [
        (ChainProblem.BROKEN_LINK, unit, DAY, 2, 2),
        (ChainProblem.CHANGED, unit, DAY, 2, 2),
        (ChainProblem.BROKEN_LINK, unit, DAY, 3, 3),
        (ChainProblem.CHANGED, unit, DAY, 3, 3),
        (ChainProblem.HEAD_MISMATCH, unit, DAY, 3, 3),
    ]


def test_a_deleted_head_is_reported(unit: int, chain: list[AuditRecord]) -> None:
    AuditChainHead.objects.filter(partition_unit=unit, partition_day=DAY).delete()

    assert findings() == [(ChainProblem.NO_HEAD, unit, DAY, 3, 3)]


def test_several_deleted_records_are_one_range(unit: int) -> None:
    records = append(unit, 5)
    raw().filter(pk__in=[records[1].pk, records[2].pk]).delete()

    assert findings() == [(ChainProblem.MISSING, unit, DAY, 2, 3)]
    with translation.override("en"):
        message = str(audit_verify().findings[0])
    assert message == (
        f"Unit {unit}, day 2026-11-22, sequence 2–3: Records are missing from the chain: they were deleted."
    )


def test_unit_and_since_narrow_the_check(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[0].pk).update(actor_label="someone else")

    assert [f.first_sequence for f in audit_verify(unit=unit).findings] == [1]
    assert audit_verify(unit=unit + 1).findings == []
    assert audit_verify(unit=0).records == 0
    report = audit_verify(since=NEXT_DAY)
    assert (report.partitions, report.records, report.findings) == (1, 1, [])


def test_the_command_fails_with_every_finding_and_a_summary(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[1].pk).update(ip="198.51.100.9")
    raw().filter(pk=chain[2].pk).delete()
    err = StringIO()

    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("audit", "verify", "--unit", str(unit), "--since", "2026-11-22", stderr=err)

    assert failure.value.returncode == 1
    assert str(failure.value) == "2 problems in the audit trail (3 records, 2 partitions)."
    assert err.getvalue() == (
        f"Unit {unit}, day 2026-11-22, sequence 2: "
        "The record's content does not match its hash: the record was changed.\n"
        f"Unit {unit}, day 2026-11-22, sequence 3: "
        "The chain's last records are missing: they were deleted.\n"
    )


def test_the_console_exit_status_is_one_on_a_problem(
    unit: int, chain: list[AuditRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    raw().filter(pk=chain[0].pk).update(before={"step": -1})

    with translation.override("en"), pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["motcua", "audit", "--skip-checks", "verify"])

    assert exit_.value.code == 1
    assert "CommandError: 1 problem in the audit trail (6 records, 3 partitions)." in capsys.readouterr().err


def test_the_findings_read_in_vietnamese(unit: int, chain: list[AuditRecord]) -> None:
    raw().filter(pk=chain[1].pk).update(after={"step": 99})

    with translation.override("vi"):
        message = str(audit_verify().findings[0])
    assert message == (
        f"Đơn vị {unit}, ngày 2026-11-22, số thứ tự 2: "
        "Nội dung bản ghi không khớp với mã băm: bản ghi đã bị sửa."
    )


def test_a_malformed_option_is_refused(db) -> None:
    with translation.override("en"), pytest.raises(CommandError, match="Write the date as YYYY-MM-DD"):
        call_command("audit", "verify", "--since", "22/11/2026")
    with translation.override("en"), pytest.raises(CommandError, match="Write the unit as its number"):
        call_command("audit", "verify", "--unit", "abc")


def test_a_finding_reads_as_one_line() -> None:
    finding = ChainFinding(ChainProblem.NO_HEAD, 7, DAY, 12, 12)

    with translation.override("en"):
        assert str(finding) == "Unit 7, day 2026-11-22, sequence 12: The chain has no head: it was deleted."


def test_appends_while_the_check_runs_are_not_reported(unit: int, chain: list[AuditRecord]) -> None:
    """One record commits between the first reading of the heads and the scan, one between the scan and
    the second reading: the scan sees the first but not the second, and neither is a finding."""
    read_heads = audit._read_heads
    readings: list[int] = []

    def appending(**filters):
        if readings:  # second reading: the append commits after the scan, before this reading
            append(unit, 1)
            heads = read_heads(**filters)
        else:  # first reading: the append commits after it, before the scan
            heads = read_heads(**filters)
            append(unit, 1)
        readings.append(heads[(unit, DAY)].last_sequence)
        return heads

    with mock.patch.object(audit, "_read_heads", side_effect=appending):
        report = audit.audit_verify()

    assert readings == [3, 5]
    assert (report.records, report.findings) == (7, [])  # the scan saw sequences 1–4 of the partition
    assert sequences_of(unit) == [1, 2, 3, 4, 5]


def test_a_tampered_head_hash_is_still_found_while_the_trail_grows(
    unit: int, chain: list[AuditRecord]
) -> None:
    AuditChainHead.objects.filter(partition_unit=unit, partition_day=DAY).update(last_hash="f" * 64)
    read_heads = audit._read_heads

    def read_then_append_to_another_unit(**filters):
        heads = read_heads(**filters)
        append(unit + 1, 1)
        return heads

    with mock.patch.object(audit, "_read_heads", side_effect=read_then_append_to_another_unit):
        found = [(f.problem, f.partition_unit, f.first_sequence) for f in audit.audit_verify().findings]

    assert found == [(ChainProblem.HEAD_MISMATCH, unit, 3)]


def sequences_of(unit: int) -> list[int]:
    return list(
        AuditRecord.objects.filter(partition_unit=unit, partition_day=DAY)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
