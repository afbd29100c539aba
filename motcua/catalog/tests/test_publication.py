"""The publication deadlines of QĐ 766 indicators 1.1 and 1.2, on the real 2026 working calendar."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.catalog import services
from motcua.catalog.publication import publication_deadlines, publication_overdue
from motcua.catalog.tests.builders import draft_procedure, full_content, publish

pytestmark = pytest.mark.django_db


def basis(number: str, effective: str | None, *, governs: bool = False) -> dict:
    return {
        "kind": "decree",
        "number": number,
        "title": "",
        "issuer": "",
        "issued_on": None,
        "effective_on": effective,
        "governs_publication": governs,
        "confirmed": True,
        "note": "",
    }


def procedure_with(province, code: str, *bases: dict):
    return draft_procedure(province, code=code, content=full_content(province, legal_bases=list(bases)))


def rows(today: date, indicator: str | None = None) -> list[tuple]:
    return [
        (d.indicator, d.procedure.code, d.version.number, d.basis_date, d.deadline, d.done_on, d.state)
        for d in publication_deadlines(today=today)
        if indicator is None or d.indicator == indicator
    ]


@pytest.mark.parametrize(
    ("effective", "decided", "deadline", "state"),
    [
        # Tết 2026: 16–20 February off (14–22 with the weekends); 5 working days before Mon 23/2 is Mon 9/2.
        (date(2026, 2, 23), date(2026, 2, 9), date(2026, 2, 9), "on_time"),
        (date(2026, 2, 23), date(2026, 2, 10), date(2026, 2, 9), "late"),
        # 30/4 and 1/5 off, Mon 27/4 off for Giỗ Tổ (26/4 is a Sunday): before Mon 4/5, Wed 22/4.
        (date(2026, 5, 4), date(2026, 4, 22), date(2026, 4, 22), "on_time"),
        (date(2026, 5, 4), date(2026, 4, 23), date(2026, 4, 22), "late"),
        # An effective date on a Sunday counts like the Monday after it.
        (date(2026, 3, 1), date(2026, 2, 23), date(2026, 2, 23), "on_time"),
    ],
)
def test_indicator_1_1_decision_five_working_days_before_the_effective_date(
    province, effective, decided, deadline, state
):
    procedure = procedure_with(province, "A.1", basis("1/2026/NĐ-CP", effective.isoformat(), governs=True))
    publish(procedure.versions.get(), decided)

    assert rows(date(2026, 11, 22), "1.1") == [("1.1", "A.1", 1, effective, deadline, decided, state)]


@pytest.mark.parametrize(
    ("posted", "today", "state"),
    [
        (date(2026, 5, 7), date(2026, 11, 22), "on_time"),
        (date(2026, 5, 8), date(2026, 11, 22), "late"),
        (None, date(2026, 5, 7), "pending"),
        (None, date(2026, 5, 8), "overdue"),
    ],
)
def test_indicator_1_2_posting_five_working_days_after_the_decision(province, posted, today, state):
    procedure = procedure_with(province, "A.1", basis("1/2026/NĐ-CP", None))
    version = publish(procedure.versions.get(), date(2026, 4, 28))
    if posted:
        services.posting_record(version=version, actor=None, channel="portal", posted_on=date(2026, 4, 29))
        services.posting_record(version=version, actor=None, channel="national_database", posted_on=posted)

    # Tue 28/4 + 5 working days: Wed 29/4, then 30/4, 1/5 and the weekend off: Mon 4/5 … Thu 7/5.
    assert rows(today) == [("1.2", "A.1", 1, date(2026, 4, 28), date(2026, 5, 7), posted, state)]


def test_a_draft_awaiting_its_decision_is_pending_then_overdue(province):
    # 1/12/2026 minus 5 working days skips 24/11 (Ngày Văn hóa Việt Nam, off in the seeded calendar).
    procedure_with(province, "B.1", basis("9/2026/NĐ-CP", "2026-12-01", governs=True))

    assert rows(date(2026, 11, 23)) == [
        ("1.1", "B.1", 1, date(2026, 12, 1), date(2026, 11, 23), None, "pending")
    ]
    assert [d.state for d in publication_overdue(today=date(2026, 11, 24))] == ["overdue"]


def test_which_document_sets_the_deadline(province):
    marked = procedure_with(
        province,
        "C.1",
        basis("1/2025/NĐ-CP", "2025-01-01"),
        basis("2/2026/NĐ-CP", "2026-02-23", governs=True),
        basis("3/2026/NĐ-CP", "2026-06-01"),
    )
    latest = procedure_with(
        province, "C.2", basis("1/2025/NĐ-CP", "2025-01-01"), basis("3/2026/NĐ-CP", "2026-06-01")
    )
    undated = procedure_with(
        province, "C.3", basis("1/2025/NĐ-CP", "2025-01-01"), basis("4/2026/NĐ-CP", None, governs=True)
    )
    for procedure in (marked, latest, undated):
        publish(procedure.versions.get(), date(2026, 2, 2))

    assert [(code, basis_date) for _i, code, _n, basis_date, *_ in rows(date(2026, 11, 22), "1.1")] == [
        ("C.1", date(2026, 2, 23)),
        ("C.2", date(2026, 6, 1)),
    ]


def test_a_new_version_owes_a_decision_deadline_only_for_a_new_governing_document(province):
    procedure = procedure_with(province, "D.1", basis("1/2026/NĐ-CP", "2026-02-23", governs=True))
    publish(procedure.versions.get(), date(2026, 2, 2))
    editorial = services.draft_start(procedure=procedure, actor=None)
    services.draft_update(version=editorial, actor=None, requirements="Sửa lỗi chính tả.")
    publish(editorial, date(2026, 3, 2))
    amended = services.draft_start(procedure=procedure, actor=None)
    services.draft_update(
        version=amended, actor=None, legal_bases=[basis("5/2026/NĐ-CP", "2026-05-04", governs=True)]
    )
    publish(amended, date(2026, 4, 23))

    assert rows(date(2026, 11, 22), "1.1") == [
        ("1.1", "D.1", 1, date(2026, 2, 23), date(2026, 2, 9), date(2026, 2, 2), "on_time"),
        ("1.1", "D.1", 3, date(2026, 5, 4), date(2026, 4, 22), date(2026, 4, 23), "late"),
    ]


def test_a_retired_procedure_owes_nothing_for_its_draft(province):
    procedure = procedure_with(province, "E.1", basis("9/2026/NĐ-CP", "2026-06-01", governs=True))
    services.procedure_retire(procedure=procedure, actor=None, reason="Bãi bỏ")

    assert rows(date(2026, 11, 22)) == []


def test_the_overdue_list_is_oldest_first_and_the_command_prints_it(province):
    first = procedure_with(province, "F.2", basis("1/2026/NĐ-CP", None))
    publish(first.versions.get(), date(2026, 9, 3))
    procedure_with(province, "F.1", basis("9/2026/NĐ-CP", "2026-10-01", governs=True))
    out = StringIO()

    call_command("catalog", "deadlines", "--today", "2026-11-22", stdout=out)

    assert [
        (d.procedure.code, d.indicator, d.deadline) for d in publication_overdue(today=date(2026, 11, 22))
    ] == [
        ("F.2", "1.2", date(2026, 9, 10)),
        ("F.1", "1.1", date(2026, 9, 24)),
    ]
    assert out.getvalue() == (
        "1.2 F.2 phiên bản 1: tính từ 1/QĐ-UBND (03/09/2026), hạn 10/09/2026, thực hiện —: Quá hạn\n"
        "1.1 F.1 phiên bản 1: tính từ 9/2026/NĐ-CP (01/10/2026), hạn 24/09/2026, thực hiện —: Quá hạn\n"
    )


def test_the_command_says_when_nothing_is_overdue(province):
    out = StringIO()

    call_command("catalog", "deadlines", "--today", "2026-11-22", stdout=out)

    assert out.getvalue() == "Không có việc công bố nào quá hạn.\n"
