"""`motcua generate`: a synthetic history the rest of the system can live with: codes per agency and day
without gaps, counters equal to the real counts, events consistent with the state, clocks that agree
with the dossier engine's, and services that go on from where the history stops; deterministic."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from motcua.dossiers import services, synthetic
from motcua.dossiers.deadlines import dossier_clock
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierCodeSequence,
    DossierComponent,
    DossierEvent,
    DossierStatusCounter,
    DossierStep,
    StoredFile,
    SupplementRequest,
)
from motcua.dossiers.queues import queue_counts, queue_rows, work_queue
from motcua.dossiers.synthetic import generate
from motcua.dossiers.synthetic import life as synthetic_life
from motcua.dossiers.synthetic import rows as synthetic_rows
from motcua.dossiers.synthetic.rows import TABLES, Layout, Writer
from motcua.dossiers.synthetic.world import file_pool_size
from motcua.dossiers.tests.helpers import Step, World, at, make_procedure, online_submitted

pytestmark = pytest.mark.django_db

UNTIL = at(18, 16)


@pytest.fixture
def catalogue(world: World) -> list[Any]:
    """Two procedures: the default process (8 working hours), and a 5-working-day one whose process
    receives at the first step, asks a coordinating agency (the province) and returns the result."""
    simple = make_procedure(world)
    linked = make_procedure(
        world,
        code="1.013225.000.00.00.H15",
        amount=5,
        unit="working_days",
        coordinating=[world.province],
        steps=[
            Step("tiep-nhan", "intake_officer", "receiving", 30, ["receive"]),
            Step(
                "tham-dinh", "specialist", "competent", 600, ["appraise", "request_supplement"], ["tiep-nhan"]
            ),
            Step("lay-y-kien", "specialist", "coordinating", 900, ["coordinate"], ["tham-dinh"]),
            Step("ky-duyet", "leader", "competent", 240, ["approve", "reject"], ["lay-y-kien"]),
            Step("tra-ket-qua", "intake_officer", "receiving", 120, ["return_result"], ["ky-duyet"]),
        ],
    )
    return [simple, linked]


def load(count: int, seed: int, **kwargs: Any) -> Any:
    with transaction.atomic():
        return generate(count=count, seed=seed, until=UNTIL, days=kwargs.pop("days", 45), **kwargs)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Dossier.objects.order_by("id").values_list(
            "code", "status", "applicant_name", "received_at", "due_at"
        )
    )


def test_the_history_is_consistent(world: World, catalogue: list[Any]) -> None:
    report = load(600, seed=5, check_keys=True)
    connection.check_constraints()  # every foreign key and check constraint, now (not at the commit)

    dossiers = list(Dossier.objects.order_by("id"))
    assert report.dossiers == len(dossiers) == 600
    assert report.events == DossierEvent.objects.count()
    assert report.steps == DossierStep.objects.count()
    assert report.components == DossierComponent.objects.count()
    assert sum(report.by_status.values()) == 600
    # Counters equal the real counts.
    real: Counter[tuple[int, str, str]] = Counter()
    for dossier in dossiers:
        real[(dossier.receiving_unit_id, "receiving", dossier.status)] += 1
        real[(dossier.competent_unit_id, "competent", dossier.status)] += 1
    counted = {
        (unit, part, status): value
        for unit, part, status, value in DossierStatusCounter.objects.values_list(
            "unit_id", "part", "status", "value"
        )
        if value
    }
    assert counted == dict(real)
    # Codes: per agency and day 1..n without gaps, the sequence rows at n.
    numbers: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for dossier in dossiers:
        if dossier.code:
            assert (
                dossier.code == f"{dossier.code_agency}-{dossier.code_day:%y%m%d}-{dossier.code_sequence:04d}"
            )
            numbers[(dossier.code_agency, dossier.code_day)].append(dossier.code_sequence)
    assert numbers
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in numbers.values())
    sequences = {
        (agency, day): last
        for agency, day, last in DossierCodeSequence.objects.values_list("agency_code", "day", "last_value")
    }
    assert sequences == {key: len(found) for key, found in numbers.items()}
    # Events: numbered from 1, created first, ending in the dossier's state; one version per action.
    events: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for dossier_id, sequence, kind, to_status in DossierEvent.objects.order_by(
        "dossier", "sequence"
    ).values_list("dossier_id", "sequence", "kind", "to_status"):
        events[dossier_id].append((sequence, kind, to_status))
    for dossier in dossiers:
        mine = events[dossier.pk]
        assert [sequence for sequence, _kind, _to in mine] == list(range(1, len(mine) + 1))
        assert (mine[0][1], mine[-1][2], dossier.version) == ("created", dossier.status, len(mine))
        assert (dossier.code is not None) == any(kind == "received" for _s, kind, _t in mine)
        assert dossier.received_at is None or dossier.lookup_secret_matches(dossier.lookup_secret)
    # Steps: dossiers in processing have open steps; ended ones have none; the current step is the only one.
    open_steps: dict[int, list[DossierStep]] = defaultdict(list)
    for step in DossierStep.objects.filter(finished_at__isnull=True):
        open_steps[step.dossier_id].append(step)
    for dossier in dossiers:
        steps = open_steps[dossier.pk]
        if dossier.status in (Dossier.Status.PROCESSING, Dossier.Status.WAITING_SUPPLEMENT):
            assert steps
        elif dossier.status != Dossier.Status.RESOLVED:
            assert steps == []
        expected = (steps[0].pk, steps[0].assignee_id) if len(steps) == 1 else (None, None)
        assert (dossier.current_step_id, dossier.assignee_id) == expected
    waiting = set(
        SupplementRequest.objects.filter(phase="processing", completed_at__isnull=True)
        .exclude(dossier__status="stopped")
        .values_list("dossier_id", flat=True)
    )
    assert waiting == {d.pk for d in dossiers if d.status == Dossier.Status.WAITING_SUPPLEMENT}
    # The coordinating agency answered in the linked procedure's dossiers that went past appraisal.
    assert DossierStep.objects.filter(key="lay-y-kien", unit=world.province).exists()
    assert set(report.by_status) >= {"returned", "processing", "draft"}


def test_the_clock_of_generated_dossiers_is_the_engines(world: World, catalogue: list[Any]) -> None:
    load(600, seed=6)

    running = Dossier.objects.filter(status=Dossier.Status.PROCESSING).select_related("procedure_version")
    assert running.count() > 5
    for dossier in running:
        assert dossier_clock(dossier=dossier, at=UNTIL).due == dossier.due_at, dossier.code
    assert Apology.objects.exists() or SupplementRequest.objects.filter(phase="processing").exists()


def test_the_services_go_on_from_where_the_history_stops(world: World, catalogue: list[Any]) -> None:
    load(400, seed=7)
    processing = Dossier.objects.filter(
        status=Dossier.Status.PROCESSING, receiving_unit=world.centre_a
    ).first()
    assert processing is not None
    generated_today = Dossier.objects.filter(code_agency="H15.50.05.13", code_day=UNTIL.date()).count()
    assert generated_today > 0
    submitted = online_submitted(world, catalogue[0], when=at(18, 16, 10))

    services.dossier_stop(dossier=processing, actor=world.intake_a, reason="Đề nghị dừng", at=UNTIL)
    received = services.dossier_receive(dossier=submitted, actor=world.intake_a, at=at(18, 16, 30))

    assert (received.code_day, received.code_sequence) == (UNTIL.date(), generated_today + 1)
    assert (
        DossierCodeSequence.objects.get(agency_code="H15.50.05.13", day=UNTIL.date()).last_value
        == generated_today + 1
    )
    counts = queue_counts(user=world.intake_a, role="intake_officer")
    assert counts == {
        status: Dossier.objects.filter(receiving_unit=world.centre_a, status=status).count()
        for status in Dossier.Status.values
    }
    page = work_queue(user=world.intake_a, role="intake_officer", now=UNTIL, limit=200)
    assert {item.dossier.status for item in page.items} <= {"submitted", "resolved"}
    assert {item.dossier.receiving_unit_id for item in page.items} == {world.centre_a.pk}


def test_same_seed_same_history_another_seed_another(
    world: World, catalogue: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (synthetic, synthetic_life, synthetic_rows):  # three batches, planned and built apart
        monkeypatch.setattr(module, "BATCH", 100)
    histories = []
    for seed, jobs in ((11, 1), (11, 2), (12, 1)):  # PostgreSQL: the second builds in two processes
        with transaction.atomic():
            load(300, seed=seed, jobs=jobs)
            histories.append(snapshot())
            transaction.set_rollback(True)

    assert histories[0] == histories[1]
    assert [row[0] for row in histories[0]] == [row[0] for row in histories[1]]
    assert histories[0] != histories[2]


def test_a_second_load_numbers_after_the_first(world: World, catalogue: list[Any]) -> None:
    load(200, seed=3)
    load(200, seed=4)

    numbers: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for agency, day, sequence in Dossier.objects.exclude(code=None).values_list(
        "code_agency", "code_day", "code_sequence"
    ):
        numbers[(agency, day)].append(sequence)
    assert Dossier.objects.count() == 400
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in numbers.values())


def test_the_command(world: World, catalogue: list[Any]) -> None:
    out = io.StringIO()

    call_command(
        "generate",
        "--dossiers",
        "40",
        "--seed",
        "2",
        "--until",
        "2026-12-18",
        "--days",
        "20",
        "--no-progress",
        stdout=out,
    )

    text = out.getvalue()
    assert text.startswith("40 dossiers, ")
    assert "(seed 2, until 2026-12-18T00:00:00+07:00, 20 days)" in text
    assert Dossier.objects.count() == 40


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--dossiers", "0"], "--dossiers must be at least 1"),
        (["--dossiers", "5", "--days", "0"], "--days must be between 1 and 3660"),
    ],
)
def test_the_command_refuses_bad_arguments(world: World, arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("generate", *arguments)


def test_a_broken_unique_rule_is_a_clear_error(
    world: World, catalogue: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.dossiers.management.commands import generate as command

    def duplicate(**kwargs: Any) -> None:
        raise IntegrityError('could not create unique index "dossiers_dossier_code_key"')

    monkeypatch.setattr(command, "generate", duplicate)
    with pytest.raises(CommandError, match="nothing was written: the rows break a unique rule"):
        call_command("generate", "--dossiers", "5", "--no-progress")
    assert Dossier.objects.count() == 0


def test_without_a_catalogue_the_command_asks_for_the_demo(world: World) -> None:
    with pytest.raises(CommandError, match="load the demo first: motcua demo"):
        call_command("generate", "--dossiers", "5", "--no-progress")
    assert Dossier.objects.count() == 0


def test_control_characters_json_moments_and_nulls_are_written_as_they_are() -> None:
    """The binary COPY file (PostgreSQL) and the INSERT parameters (SQLite), through the writer."""
    layout = Layout(
        "synthetic_roundtrip",
        ["a", "b", "c", "d", "e"],
        ["a", "b", "c", "d", "e"],
        ["CharField", "JSONField", "BooleanField", "IntegerField", "DateTimeField"],
    )
    rows = [
        {
            "a": "tab\there\\back\nline\rend",
            "b": {"note": 'say "hi"\n', "at": UNTIL},
            "c": True,
            "d": None,
            "e": UNTIL,
        },
        {"a": "plain", "b": None, "c": False, "d": 7, "e": None},
    ]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        json_type, moment_type = ("jsonb", "timestamptz") if postgres else ("text", "datetime")
        cursor.execute(
            f"CREATE TEMPORARY TABLE synthetic_roundtrip "
            f"(a varchar(100), b {json_type}, c boolean, d integer, e {moment_type})"
        )
        types = None
        if postgres:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = 'synthetic_roundtrip'::regclass AND attnum > 0"
            )
            types = {"synthetic_roundtrip": dict(cursor.fetchall())}
        payload = layout.values(rows) if types is None else layout.copy_binary(rows, types)
        written = Writer().write(synthetic_rows.Batch([(layout, payload, 2)], Counter(), {}, Counter()))
        cursor.execute("SELECT a, b, c, d, e FROM synthetic_roundtrip ORDER BY d NULLS FIRST")
        found = cursor.fetchall()

    assert written == {"synthetic_roundtrip": 2}
    assert [(a, json.loads(b) if b else b, bool(c), d) for a, b, c, d, _e in found] == [
        ("tab\there\\back\nline\rend", {"note": 'say "hi"\n', "at": "2026-12-18T16:00:00+07:00"}, True, None),
        ("plain", None, False, 7),
    ]
    in_utc = UNTIL.astimezone(dt.UTC)  # SQLite holds naive moments in UTC
    assert [row[4] for row in found] == [UNTIL if postgres else in_utc.replace(tzinfo=None), None]


def _indexes() -> dict[str, dict[str, Any]]:
    """Every index and constraint of the tables the generator loads, as the database describes them."""
    found = {}
    with connection.cursor() as cursor:
        for _name, model in TABLES:
            for name, info in connection.introspection.get_constraints(cursor, model._meta.db_table).items():
                found[name] = {
                    key: info.get(key)
                    for key in ("columns", "primary_key", "unique", "index", "type", "orders")
                }
    return found


def test_deferred_indexes_are_built_again_the_same(world: World, catalogue: list[Any]) -> None:
    before = _indexes()
    secondary = sorted(
        name
        for name, info in before.items()
        if (info["index"] or info["unique"]) and not info["primary_key"]  # not the foreign keys
    )
    unique = sorted(name for name in secondary if before[name]["unique"])

    with transaction.atomic():
        writer = Writer()
        deferred = writer.defer_indexes()
        dropped = _indexes()
        writer.restore_indexes(deferred)
    report = load(200, seed=6, defer_indexes=True)

    assert len(secondary) > 30
    assert {
        "dossier_code_parts_unique",
        "dossier_event_sequence_unique",
        "dossier_step_sequence_unique",
    } <= set(unique)
    assert sorted(name for name, _definition in deferred) == (
        secondary if connection.vendor == "postgresql" else []
    )
    assert set(dropped) == set(before) - {name for name, _definition in deferred}
    assert _indexes() == before
    assert report.dossiers == Dossier.objects.count() == 200


def test_a_load_that_breaks_a_deferred_unique_index_fails_whole(world: World, catalogue: list[Any]) -> None:
    """The unique indexes built again check every row (here: a code given twice)."""
    load(50, seed=7)
    existing = Dossier.objects.count()

    # (On SQLite nothing is deferred: the constraint refuses the update itself.)
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = Writer()
        deferred = writer.defer_indexes()
        Dossier.objects.filter(pk=Dossier.objects.exclude(code=None).order_by("pk")[1].pk).update(
            code=Dossier.objects.exclude(code=None).order_by("pk")[0].code
        )
        writer.restore_indexes(deferred)

    assert Dossier.objects.count() == existing
    assert Dossier.objects.exclude(code=None).values("code").distinct().count() == (
        Dossier.objects.exclude(code=None).count()
    )


def test_a_failed_load_keeps_the_indexes(world: World, catalogue: list[Any]) -> None:
    before = _indexes()

    with pytest.raises(RuntimeError, match="stop here"), transaction.atomic():
        Writer().defer_indexes()
        raise RuntimeError("stop here")

    assert _indexes() == before


def test_the_file_pool(world: World, catalogue: list[Any]) -> None:
    report = load(600, seed=5)

    files = dict(StoredFile.objects.values_list("id", "sha256"))
    used = Counter(DossierComponent.objects.exclude(file=None).values_list("file_id", flat=True))
    assert (file_pool_size(600), file_pool_size(20_000), file_pool_size(1_000_000)) == (8, 200, 1000)
    assert len(files) == 8
    assert set(used) == set(files)
    assert sum(used.values()) == report.components - DossierComponent.objects.filter(file=None).count()
    assert min(used.values()) > 10
    # The events name each uploaded component's file by its SHA-256, as the services do.
    created = DossierEvent.objects.filter(kind="created").values_list("dossier_id", "data")
    named = {
        (dossier_id, item["position"]): item["sha256"]
        for dossier_id, data in created
        for item in data["components"]
    }
    for dossier_id, position, file_id in DossierComponent.objects.filter(supplement_request=None).values_list(
        "dossier_id", "position", "file_id"
    ):
        assert named[(dossier_id, position)] == (files[file_id] if file_id else None)


def test_a_load_forgets_the_cached_queue_pages_when_it_commits(
    world: World, catalogue: list[Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The rows go in by COPY, past the signals that forget cached work-queue pages (queue_cache)."""
    from django.core.cache import cache

    settings.MOTCUA = {**settings.MOTCUA, "QUEUE_CACHE": True}
    cache.clear()
    queue_rows(user=world.intake_a, role="intake_officer", now=UNTIL)
    assert queue_rows(user=world.intake_a, role="intake_officer", now=UNTIL).cached is True

    with django_capture_on_commit_callbacks(execute=True):
        load(50, seed=5)
    page = queue_rows(user=world.intake_a, role="intake_officer", now=UNTIL)

    assert page.cached is False
    assert (
        len(page.rows)
        == Dossier.objects.filter(receiving_unit=world.commune_a, status=Dossier.Status.SUBMITTED).count()
    )
    cache.clear()
