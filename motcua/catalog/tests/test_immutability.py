"""A published version is frozen: the ORM refuses every change, the database refuses it underneath, and
new content goes into a new draft that becomes the next version."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from motcua.catalog import content as catalog_content
from motcua.catalog import services
from motcua.catalog.models import (
    EForm,
    Fee,
    ImmutableVersion,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    SequenceStep,
)
from motcua.catalog.selectors import procedure_detail
from motcua.catalog.tests.builders import draft_procedure, full_content, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(province) -> ProcedureVersion:
    procedure = draft_procedure(province)
    return publish(procedure.versions.get(), date(2026, 3, 2))


def _unchanged(version: ProcedureVersion, province) -> None:
    fresh = procedure_detail(version=version)
    assert (fresh.status, fresh.name, fresh.decision_number) == (
        "published",
        "Thủ tục đăng ký khai sinh",
        "1/QĐ-UBND",
    )
    assert catalog_content.version_content(fresh) == fresh.snapshot == full_content(province)


def test_publishing_freezes_the_content_as_a_snapshot_with_its_hash(published, province):
    assert published.snapshot == full_content(province)
    assert published.snapshot_sha256 == services.content_sha256(full_content(province))
    assert published.procedure.latest_version == published
    assert published.procedure.name == "Thủ tục đăng ký khai sinh"


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda v: v.save(), id="save the loaded instance"),
        pytest.param(
            lambda v: ProcedureVersion.objects.get(pk=v.pk).save(update_fields=["name"]),
            id="save a fresh instance",
        ),
        pytest.param(lambda v: v.delete(), id="delete"),
        pytest.param(
            lambda v: ProcedureVersion.objects.filter(pk=v.pk).update(name="x"), id="queryset update"
        ),
        pytest.param(lambda v: ProcedureVersion.objects.filter(pk=v.pk).delete(), id="queryset delete"),
        pytest.param(lambda v: v.fees.first().save(), id="save a fee"),
        pytest.param(lambda v: v.fees.first().delete(), id="delete a fee"),
        pytest.param(lambda v: Fee.objects.filter(version=v).update(amount_vnd=1), id="update fees"),
        pytest.param(lambda v: Fee.objects.filter(version=v).delete(), id="delete fees"),
        pytest.param(
            lambda v: Fee.objects.create(version=v, position=9, kind="fee", name="Phí mới"), id="add a fee"
        ),
        pytest.param(
            lambda v: SequenceStep.objects.bulk_create(
                [SequenceStep(version=v, position=9, title="Bước mới")]
            ),
            id="bulk add a step",
        ),
        pytest.param(
            lambda v: ProcessStep.objects.bulk_update(
                [ProcessStep(pk=v.process_steps.first().pk, version_id=v.pk, budget_minutes=1)],
                ["budget_minutes"],
            ),
            id="bulk update a step",
        ),
        pytest.param(lambda v: EForm.objects.filter(version=v).update(schema={}), id="update an e-form"),
        pytest.param(
            lambda v: RequiredDocument.objects.filter(version=v).update(version_id=v.pk),
            id="update a document",
        ),
        pytest.param(
            lambda v: services.draft_update(version=v, actor=None, name="Tên mới"), id="edit as a draft"
        ),
        pytest.param(lambda v: services.draft_discard(version=v, actor=None), id="discard as a draft"),
        pytest.param(
            lambda v: services.version_publish(
                version=v,
                actor=None,
                decision_number="2/QĐ",
                decision_date=date(2026, 3, 3),
                decision_signer="X",
            ),
            id="publish again",
        ),
    ],
)
def test_the_orm_refuses_every_change(published, province, attempt):
    with pytest.raises(ImmutableVersion) as refused:
        attempt(published)

    assert refused.value.code == "version_immutable"
    assert refused.value.status == 409
    _unchanged(published, province)


def test_a_draft_row_cannot_be_moved_into_a_published_version(published, province):
    draft = services.draft_start(procedure=published.procedure, actor=None)

    with pytest.raises(ImmutableVersion):
        Fee.objects.filter(version=draft).update(version=published)
    fee = draft.fees.first()
    fee.version = published
    with pytest.raises(ImmutableVersion):
        fee.save()

    _unchanged(published, province)


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE catalog_procedureversion SET name = 'x' WHERE id = %(version)s", id="version"),
        pytest.param("UPDATE catalog_fee SET amount_vnd = 1 WHERE version_id = %(version)s", id="fee"),
        pytest.param("UPDATE catalog_eform SET title = 'x' WHERE version_id = %(version)s", id="e-form"),
        pytest.param(
            "UPDATE catalog_processstep SET budget_minutes = 1 WHERE version_id = %(version)s", id="step"
        ),
        pytest.param(
            "INSERT INTO catalog_sequencestep (version_id, position, title, description) "
            "VALUES (%(version)s, 9, 'x', '')",
            id="insert a step",
        ),
        pytest.param(
            "UPDATE catalog_legalbasis SET version_id = %(version)s WHERE version_id = %(draft)s",
            id="move rows in",
        ),
    ],
)
def test_the_database_refuses_changes_that_bypass_the_orm(published, province, sql):
    draft = services.draft_start(procedure=published.procedure, actor=None)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql % {"version": published.pk, "draft": draft.pk})

    _unchanged(published, province)


@pytest.mark.parametrize(
    ("table", "model"),
    [
        ("catalog_procedureversion", ProcedureVersion),
        ("catalog_fee", Fee),
        ("catalog_requireddocument", RequiredDocument),
    ],
)
def test_deletes_of_a_published_version_are_refused(published, province, table, model):
    """PostgreSQL refuses even a raw DELETE (trigger); SQLite leaves DELETE to the ORM guards, because
    Django empties SQLite tables with DELETE between transactional tests (db_guards.py)."""
    column = "id" if model is ProcedureVersion else "version_id"
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [published.pk])
    else:
        with pytest.raises(ImmutableVersion), transaction.atomic():
            model.objects.filter(**{column: published.pk}).delete()

    _unchanged(published, province)


def test_a_procedure_with_a_published_version_cannot_be_deleted(published, province):
    with pytest.raises(ProtectedError):
        Procedure.objects.get(pk=published.procedure_id).delete()

    _unchanged(published, province)


def test_a_draft_is_freely_edited_and_a_new_draft_copies_the_latest_version(published, province):
    draft = services.draft_start(procedure=published.procedure, actor=None)
    copied = catalog_content.version_content(procedure_detail(version=draft))

    services.draft_update(version=draft, actor=None, name="Thủ tục đăng ký khai sinh (sửa đổi)", fees=[])

    assert (draft.number, draft.status) == (2, "draft")
    assert copied == full_content(province)
    assert procedure_detail(version=draft).name == "Thủ tục đăng ký khai sinh (sửa đổi)"
    assert list(draft.fees.all()) == []
    assert draft.eforms.get().pk != published.eforms.get().pk
    assert draft.documents.get(eform__isnull=False).eform == draft.eforms.get()
    _unchanged(published, province)


def test_only_one_draft_at_a_time(published):
    services.draft_start(procedure=published.procedure, actor=None)

    with pytest.raises(services.Conflict) as refused:
        services.draft_start(procedure=published.procedure, actor=None)

    assert refused.value.code == "draft_exists"
    assert published.procedure.versions.count() == 2


def test_publishing_a_second_version_keeps_the_first_and_moves_the_latest_pointer(published, province):
    draft = services.draft_start(procedure=published.procedure, actor=None)
    services.draft_update(version=draft, actor=None, name="Tên mới")

    second = publish(draft, date(2026, 4, 1), number="2/QĐ-UBND")

    procedure = Procedure.objects.get(pk=published.procedure_id)
    assert (procedure.latest_version, procedure.name) == (second, "Tên mới")
    assert [v.number for v in procedure.versions.filter(status="published")] == [1, 2]
    _unchanged(published, province)


def test_discarding_the_first_draft_removes_the_unpublished_procedure(province):
    procedure = draft_procedure(province)

    services.draft_discard(version=procedure.versions.get(), actor=None)

    assert not Procedure.objects.filter(pk=procedure.pk).exists()
    assert EForm.objects.count() == 0


def test_discarding_a_later_draft_keeps_the_procedure(published):
    draft = services.draft_start(procedure=published.procedure, actor=None)

    services.draft_discard(version=draft, actor=None)

    assert list(published.procedure.versions.values_list("number", flat=True)) == [1]
