"""What the dossier engine calls: the version in force at submission, and the expected due moment on the
competent unit's calendar."""

from datetime import date, timedelta

import pytest

from motcua.catalog import services
from motcua.catalog.selectors import procedure_expected_due, procedure_units, procedure_version_for_submission
from motcua.catalog.tests.builders import draft_procedure, full_content, process, publish
from motcua.catalog.tests.conftest import at
from motcua.core.errors import ApplicationError
from motcua.worktime.models import WorkCalendar
from motcua.worktime.selectors import national_calendar
from motcua.worktime.services import calendar_exception_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(province):
    procedure = draft_procedure(province)
    first = publish(procedure.versions.get(), date(2026, 3, 2))
    draft = services.draft_start(procedure=procedure, actor=None)
    services.draft_update(version=draft, actor=None, name="Phiên bản 2")
    second = publish(draft, date(2026, 4, 1), effective=date(2026, 5, 4), number="2/QĐ-UBND")
    procedure.refresh_from_db()
    return procedure, first, second


def test_the_version_in_force_is_the_latest_applying_on_that_day(two_versions):
    procedure, first, second = two_versions

    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 3, 2, 9)) == first
    # Published on 1 April but applying from 4 May: dossiers submitted in between keep version 1.
    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 4, 15, 10)) == first
    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 5, 3, 23, 59)) == first
    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 5, 4, 0, 0)) == second


def test_nothing_is_in_force_before_the_first_publication(two_versions):
    procedure, _first, _second = two_versions

    with pytest.raises(ApplicationError) as refused:
        procedure_version_for_submission(procedure=procedure, at=at(2026, 3, 1, 16))

    assert (refused.value.code, refused.value.status) == ("procedure_not_in_force", 409)


def test_a_version_recorded_later_is_not_in_force_before_it_was_recorded(province):
    procedure = draft_procedure(province)
    # Decided on 2 March but recorded in motcua on 10 March at 08:00.
    services.version_publish(
        version=procedure.versions.get(),
        actor=None,
        decision_number="1/QĐ",
        decision_date=date(2026, 3, 2),
        decision_signer="X",
        published_at=at(2026, 3, 10, 8),
    )

    with pytest.raises(ApplicationError):
        procedure_version_for_submission(procedure=procedure, at=at(2026, 3, 9, 10))
    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 3, 10, 8)).number == 1


def test_a_retired_procedure_takes_no_new_dossier_but_its_versions_remain(two_versions):
    procedure, first, second = two_versions
    procedure = services.procedure_retire(
        procedure=procedure, actor=None, reason="Bãi bỏ theo QĐ 99/QĐ-UBND", at=at(2026, 6, 1, 0)
    )

    with pytest.raises(ApplicationError) as refused:
        procedure_version_for_submission(procedure=procedure, at=at(2026, 6, 1, 0))

    assert refused.value.code == "procedure_retired"
    assert str(refused.value.message) == (
        "Thủ tục 1.001193.000.00.00.H44 đã bị bãi bỏ từ ngày 01/06/2026; không tiếp nhận hồ sơ mới."
    )
    assert procedure_version_for_submission(procedure=procedure, at=at(2026, 5, 31, 23, 59)) == second
    assert {v.pk for v in procedure.versions.all()} == {first.pk, second.pk}


DIRECT_ONLY = [
    {"channel": "direct", "description": "", "time_limit_amount": None, "time_limit_unit": "", "note": ""}
]


@pytest.fixture
def version_with(province):
    def build(**fields):
        fields.setdefault("process", process(30, 60, 30))
        procedure = draft_procedure(
            province, content=full_content(province, **fields), code=f"P.{len(fields)}"
        )
        return publish(procedure.versions.get(), date(2026, 1, 5))

    return build


def test_due_with_the_hours_convention_across_tet(province, version_with):
    version = version_with(
        time_limit_amount="1", time_limit_unit="working_days", time_limit_convention="hours", cutoff_time=None
    )

    # Tết 2026: off 14–22 February; Fri 13/2 10:00 + 8 working hours = Mon 23/2 10:00.
    due = procedure_expected_due(version=version, unit=province["vanphu"], start=at(2026, 2, 13, 10))

    assert due == at(2026, 2, 23, 10)


def test_due_with_the_civil_convention_and_the_15_00_cut_off(province, version_with):
    version = version_with(
        time_limit_amount="0",
        time_limit_unit="working_days",
        time_limit_convention="civil",
        methods=DIRECT_ONLY,
    )

    same_day = procedure_expected_due(version=version, unit=province["vanphu"], start=at(2026, 4, 29, 14, 59))
    after_cutoff = procedure_expected_due(
        version=version, unit=province["vanphu"], start=at(2026, 4, 29, 15, 1)
    )

    # ND 23/2015 art. 7 as amended: after 15:00 the next working day; 30/4 and 1/5 are holidays.
    assert same_day == at(2026, 4, 29, 23, 59) + timedelta(seconds=59)
    assert after_cutoff == at(2026, 5, 4, 23, 59) + timedelta(seconds=59)


def test_due_uses_the_channel_limit_and_the_competent_units_calendar(province, version_with):
    version = version_with(time_limit_convention="hours", cutoff_time=None)
    national = national_calendar()
    calendar_exception_add(
        actor=None,
        calendar=WorkCalendar.objects.create(unit=province["vanphu"]),
        day=date(2026, 3, 3),
        kind="non_working",
        category="local",
        reason="Nghỉ theo quyết định của xã",
        legal_basis="QĐ 1/QĐ-UBND xã",
    )
    assert national.exceptions.filter(day=date(2026, 3, 3)).count() == 0

    in_person = procedure_expected_due(version=version, unit=province["thanhba"], start=at(2026, 3, 2, 10))
    online = procedure_expected_due(
        version=version, unit=province["thanhba"], start=at(2026, 3, 2, 10), channel="online"
    )
    local_holiday = procedure_expected_due(
        version=version, unit=province["vanphu"], start=at(2026, 3, 2, 10), channel="online"
    )

    assert in_person == at(2026, 3, 5, 10)
    assert online == at(2026, 3, 4, 10)
    assert local_holiday == at(2026, 3, 5, 10)


def test_due_for_calendar_days_ends_on_a_working_day(province, version_with):
    version = version_with(
        time_limit_amount="15",
        time_limit_unit="calendar_days",
        time_limit_convention="hours",
        cutoff_time=None,
        methods=DIRECT_ONLY,
    )

    # Received 16/4/2026: the 15th day is Fri 1/5 (holiday), then the weekend: due at the end of Mon 4/5.
    due = procedure_expected_due(version=version, unit=province["vanphu"], start=at(2026, 4, 16, 9))

    assert due == at(2026, 5, 4, 23, 59) + timedelta(seconds=59)


def test_each_commune_scopes_resolve_to_the_communes_of_the_province(province):
    procedure = draft_procedure(province)
    version = procedure.versions.get()

    assert list(procedure_units(version=version, role="competent")) == [
        province["vanphu"],
        province["thanhba"],
    ]
    assert list(procedure_units(version=version, role="receiving")) == [
        province["ttpvhcc.vanphu"],
        province["ttpvhcc.thanhba"],
    ]
    assert list(procedure_units(version=version, role="coordinating")) == [province["congan"]]
    assert list(procedure_units(version=version, role="implementing")) == [
        province["vanphu"],
        province["thanhba"],
    ]


def test_a_moment_beyond_the_calendar_with_a_cut_off_is_refused_not_a_crash(province, version_with):
    version = version_with(time_limit_amount="1", time_limit_unit="working_days", methods=DIRECT_ONLY)
    assert version.cutoff_time is not None

    # Found by schemathesis (tests/fuzz): the cut-off path asked the calendar outside its span (a 500).
    with pytest.raises(ApplicationError) as refused:
        procedure_expected_due(version=version, unit=province["vanphu"], start=at(1990, 4, 29, 15, 1))

    assert refused.value.code == "outside_calendar"
    assert str(refused.value.message) == (
        "Hạn xử lý rơi vào năm lịch làm việc chưa bao quát; đề nghị quản trị viên mở rộng lịch."
    )
