"""Every component of ND 63/2010 art. 8(2) is stored, read back and shown by the selectors."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog import content as catalog_content
from motcua.catalog import services
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import missing_components, procedure_detail, procedures_list
from motcua.catalog.tests.builders import BIRTH_SCHEMA, draft_procedure, full_content, publish

pytestmark = pytest.mark.django_db


def test_every_field_and_row_is_stored_and_read_back_unchanged(province):
    given = full_content(province)

    procedure = draft_procedure(province, content=given)
    version = procedure_detail(procedure=procedure)

    assert catalog_content.version_content(version) == given


def test_the_stored_rows_hold_typed_values(province):
    procedure = draft_procedure(province)

    version = procedure_detail(procedure=procedure)

    assert (version.time_limit_amount, version.time_limit_unit, version.time_limit_convention) == (
        Decimal("3.00"),
        "working_days",
        "civil",
    )
    assert version.cutoff_time == time(15, 0)
    assert (version.subjects_citizens, version.subjects_organizations, version.dossier_sets) == (
        True,
        True,
        2,
    )
    assert (version.online_level, version.online_reason) == ("partial", "presence")
    assert (version.supplement_clock, version.max_supplement_requests, version.leader_signature_required) == (
        "restart",
        2,
        False,
    )
    assert version.return_methods == ["post", "electronic"]
    assert version.unconfirmed == {"time_limit": "Cổng ghi “3”, không ghi đơn vị."}
    documents = list(version.documents.all())
    assert [(d.originals, d.copies, d.kind, d.lookup_database, d.confirmed) for d in documents] == [
        (1, 2, "submit", "", True),
        (0, 1, "show", "civil_status", False),
    ]
    assert documents[0].eform is not None and documents[0].eform.schema == BIRTH_SCHEMA
    assert [(f.amount_vnd, f.channel, f.payable_online) for f in version.fees.all()] == [
        (0, "", False),
        (8000, "online", True),
    ]
    assert [(m.channel, m.time_limit_amount) for m in version.methods.all()] == [
        ("direct", None),
        ("online", Decimal("2.00")),
    ]
    coordinating = [a for a in version.agencies.all() if a.role == "coordinating"]
    assert [(a.unit, a.confirmed, a.note) for a in coordinating] == [(province["congan"], False, "Minh họa.")]
    assert [b.effective_on for b in version.legal_bases.all()] == [None, date(2026, 1, 1)]
    steps = {step.key: step for step in version.process_steps.all()}
    assert steps["ky"].unit == province["tuphap"] and steps["ky"].after == ["y-kien", "tham-dinh"]
    assert [r.code for r in version.results.all()] == ["KQ.G15.000031"]
    assert [s.title for s in version.sequence_steps.all()] == ["Nộp hồ sơ", "Trả kết quả"]


def test_e_form_field_order_survives_the_database(province):
    procedure = draft_procedure(province)

    eform = procedure_detail(procedure=procedure).eforms.get()

    assert list(eform.schema["properties"]) == list(BIRTH_SCHEMA["properties"])
    assert list(eform.schema["properties"]["requester"]["properties"]) == [
        "full_name",
        "personal_id",
        "email",
    ]


def _queries_of_detail(version: ProcedureVersion) -> int:
    with CaptureQueriesContext(connection) as captured:
        detail = procedure_detail(version=version)
        catalog_content.version_content(detail)
        missing_components(version=detail)
    return len(captured)


def test_procedure_detail_costs_the_same_queries_whatever_the_size(province):
    small = draft_procedure(province, code="1.000001.000.00.00.H44")
    big_content = full_content(province)
    for table in ("steps", "documents", "fees", "results", "legal_bases"):
        big_content[table] = big_content[table] * 5 if table != "legal_bases" else big_content[table]
    big_content["documents"] = [
        dict(doc, name=f"Giấy tờ {i}") for i, doc in enumerate(big_content["documents"])
    ]
    big = draft_procedure(province, code="1.000002.000.00.00.H44", content=big_content)

    small_queries = _queries_of_detail(small.versions.get())
    big_queries = _queries_of_detail(big.versions.get())

    assert small_queries == big_queries == 11


def test_procedure_detail_picks_the_latest_published_version_over_a_newer_draft(province):
    procedure = draft_procedure(province)
    publish(procedure.versions.get(), date(2026, 3, 2))
    services.draft_start(procedure=procedure, actor=None)

    shown = procedure_detail(procedure=procedure)

    assert (shown.number, shown.status) == (1, "published")


def test_missing_components_names_the_letters_of_article_8(province):
    empty = services.procedure_create(
        code="X.1",
        name="Thủ tục trống",
        sector=services.sector_upsert(code="s", name="S"),
        level="province",
        owner_unit=province["tuphap"],
        actor=None,
    )

    assert missing_components(version=procedure_detail(procedure=empty)) == ["b", "c", "d", "g"]
    assert missing_components(version=procedure_detail(procedure=draft_procedure(province))) == []


def test_the_list_shows_published_procedures_only_and_hides_retired_ones(province):
    draft_procedure(province, code="A.1")
    published = draft_procedure(province, code="B.1")
    publish(published.versions.get(), date(2026, 3, 2))
    retired = draft_procedure(province, code="C.1")
    publish(retired.versions.get(), date(2026, 3, 2))
    services.procedure_retire(procedure=retired, actor=None, reason="QĐ bãi bỏ số 9/QĐ-UBND")

    assert [p.code for p in procedures_list()] == ["B.1"]
    assert [p.code for p in procedures_list(include_retired=True)] == ["B.1", "C.1"]
    assert [p.code for p in procedures_list(owner_unit=province["tinh"])] == ["B.1"]
    assert list(procedures_list(owner_unit=province["nnmt"])) == []
