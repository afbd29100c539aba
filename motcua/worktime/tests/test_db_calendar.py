"""The DB-backed calendars, the due API, the deadline command and the staff calendar page."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.organizations.services import unit_create
from motcua.worktime import Calendar
from motcua.worktime.models import CalendarException, WorkCalendar
from motcua.worktime.selectors import calendar_for_unit, national_calendar
from motcua.worktime.services import (
    calendar_exception_add,
    calendar_exception_remove,
    national_calendar_seed,
    unit_calendar_get_or_create,
    unit_calendar_set_periods,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=VN)


@pytest.fixture
def unit():
    return unit_create(name="UBND xã Hòa An", level="commune", kind="peoples_committee")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser(username="admin", password="pw-admin-123")


# ------------------------------------------------------------------------------ seed and selectors
def test_seed_migration_gives_the_same_days_as_the_pure_national_calendar():
    db = calendar_for_unit(unit=None)
    pure = Calendar.national()
    for year in (2024, 2025, 2026):
        assert db.working_days_in(date(year, 1, 1), date(year, 12, 31)) == pure.working_days_in(
            date(year, 1, 1), date(year, 12, 31)
        )
    assert db.due(at(2026, 2, 13, 10), 1, "working_days") == at(2026, 2, 23, 10)


def test_seeded_rows_carry_reason_basis_and_the_unconfirmed_flag():
    row = national_calendar().exceptions.get(day=date(2026, 11, 24))
    assert (row.kind, row.source, row.basis_confirmed) == ("non_working", "seed", False)
    assert national_calendar().exceptions.filter(reason="").count() == 0
    assert national_calendar().exceptions.filter(legal_basis="").count() == 0


def test_editing_applies_at_once_and_given_appointments_do_not_move(admin):
    given = calendar_for_unit(unit=None).due(at(2026, 3, 9, 16, 30), 1)
    exception = calendar_exception_add(
        actor=admin,
        calendar=national_calendar(),
        day=date(2026, 3, 10),
        kind="non_working",
        category="local",
        reason="Bão số 3",
        legal_basis="Công điện 01/CĐ-TTg",
    )
    assert calendar_for_unit(unit=None).due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 11, 8)
    assert given == at(2026, 3, 10, 8)
    calendar_exception_remove(actor=admin, exception=exception)
    assert calendar_for_unit(unit=None).due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 10, 8)


def test_removing_the_unconfirmed_culture_day(admin):
    calendar_exception_remove(
        actor=admin, exception=national_calendar().exceptions.get(day=date(2026, 11, 24))
    )
    assert calendar_for_unit(unit=None).is_working_day(date(2026, 11, 24))


def test_unit_calendar_on_top_of_the_national_one(admin, unit):
    unit_calendar_set_periods(
        actor=admin, unit=unit, periods=[(time(7), time(11, 30)), (time(13, 30), time(17))]
    )
    calendar_exception_add(
        actor=admin,
        calendar=WorkCalendar.objects.get(unit=unit),
        day=date(2026, 3, 10),
        kind="non_working",
        category="local",
        reason="Lễ hội truyền thống",
        legal_basis="QĐ 12/QĐ-UBND",
    )
    own = calendar_for_unit(unit=unit)
    assert own.due(at(2026, 3, 9, 11), 1) == at(2026, 3, 9, 14)
    assert own.due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 11, 7, 30)
    assert not own.is_working_day(date(2026, 4, 27))  # national exceptions still apply
    assert calendar_for_unit(unit=None).due(at(2026, 3, 9, 16, 30), 1) == at(2026, 3, 10, 8)


def test_a_unit_without_its_own_calendar_runs_on_the_national_one(unit):
    assert calendar_for_unit(unit=unit) is calendar_for_unit(unit=None)


def test_calendar_is_cached_until_an_edit(django_assert_num_queries):
    calendar_for_unit(unit=None)
    with django_assert_num_queries(1):
        calendar_for_unit(unit=None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": date(2026, 5, 1)}, "day"),  # already a holiday
        ({"reason": " "}, "reason"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"kind": "extra_working", "category": "holiday"}, "category"),
        ({"day": date(2040, 1, 2)}, "day"),  # outside the seeded years
    ],
)
def test_invalid_exceptions_are_refused(admin, changes, field):
    from motcua.core.errors import ApplicationError

    arguments = {
        "day": date(2026, 3, 10),
        "kind": "non_working",
        "category": "local",
        "reason": "x",
        "legal_basis": "y",
        **changes,
    }
    before = CalendarException.objects.count()
    with pytest.raises(ApplicationError) as error:
        calendar_exception_add(actor=admin, calendar=national_calendar(), **arguments)
    assert field in error.value.fields
    assert CalendarException.objects.count() == before


def test_seed_command_extends_years_without_touching_covered_ones(admin):
    national = national_calendar()
    calendar_exception_remove(actor=admin, exception=national.exceptions.get(day=date(2026, 11, 24)))
    assert national_calendar_seed(first_year=2020, last_year=2035) == 0
    out = StringIO()
    call_command("worktime_seed", "2036", "2037", stdout=out)
    assert "date(s) added" in out.getvalue()
    national.refresh_from_db()
    assert (national.first_year, national.last_year) == (2020, 2037)
    assert not national.exceptions.filter(day=date(2026, 11, 24)).exists()
    assert calendar_for_unit(unit=None).due(at(2037, 1, 2, 9), 1) == at(2037, 1, 2, 10)


# ------------------------------------------------------------------------------ API
def test_due_api_answers_in_json_without_auth(client: Client):
    response = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-02-13T10:00:00+07:00", "amount": "1", "time_unit": "working_days"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-02-23T10:00:00+07:00"
    assert body["convention"] == "hours"


def test_due_api_civil_convention_and_utc_start(client: Client):
    response = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-03-09T03:00:00Z", "amount": "1", "time_unit": "working_days", "convention": "civil"},
    )
    assert response.json()["due"] == "2026-03-10T23:59:59+07:00"


def test_due_api_on_a_unit_calendar(client: Client, admin, unit):
    calendar_exception_add(
        actor=admin,
        calendar=WorkCalendar.objects.create(unit=unit),
        day=date(2026, 3, 10),
        kind="non_working",
        category="local",
        reason="Lễ hội",
        legal_basis="QĐ 12/QĐ-UBND",
    )
    response = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-03-09T16:30:00+07:00", "amount": "1", "time_unit": "working_hours", "unit": unit.pk},
    )
    assert response.json()["due"] == "2026-03-11T08:00:00+07:00"  # national periods, Tue 10/3 off


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        (
            {"start": "2026-03-09T10:00:00", "amount": "1", "time_unit": "working_days"},
            400,
            "naive_datetime",
            "start",
        ),
        (
            {"start": "2026-03-09T10:00:00+07:00", "amount": "0.001", "time_unit": "working_days"},
            400,
            "invalid_amount",
            "amount",
        ),
        (
            {"start": "2026-03-09T10:00:00+07:00", "amount": "abc", "time_unit": "working_hours"},
            400,
            "invalid_amount",
            "amount",
        ),
        (
            {"start": "2026-03-09T10:00:00+07:00", "amount": "1", "time_unit": "weeks"},
            422,
            "validation_error",
            "time_unit",
        ),
        (
            {
                "start": "2026-03-09T10:00:00+07:00",
                "amount": "1",
                "time_unit": "working_days",
                "unit": 999999,
            },
            404,
            "not_found",
            "unit",
        ),
        (
            {"start": "2039-12-30T10:00:00+07:00", "amount": "30", "time_unit": "working_days"},
            400,
            "outside_calendar",
            None,
        ),
    ],
)
def test_due_api_errors_are_json_problems(client: Client, params, status, code, field):
    response = client.get("/api/v1/worktime/due", params)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field:
        assert field in body["fields"]


# ------------------------------------------------------------------------------ command
def test_deadline_command_prints_the_due_moment():
    out = StringIO()
    call_command("deadline", "2026-02-13T10:00", "1", "working_days", stdout=out)
    assert out.getvalue().strip() == "2026-02-23T10:00:00+07:00"
    out = StringIO()
    call_command(
        "deadline", "2026-02-13T10:00+07:00", "1", "working_days", "--convention", "civil", stdout=out
    )
    assert out.getvalue().strip() == "2026-02-23T23:59:59+07:00"


def test_deadline_command_refuses_bad_amounts():
    with pytest.raises(CommandError):
        call_command("deadline", "2026-02-13T10:00", "0.001", "working_days")


# ------------------------------------------------------------------------------ staff page
def test_calendar_page_needs_an_administrator(client: Client, django_user_model):
    assert client.get("/worktime/calendar/").status_code == 302  # to the login page
    django_user_model.objects.create_user(username="officer", password="pw-officer-123")
    client.login(username="officer", password="pw-officer-123")
    assert client.get("/worktime/calendar/").status_code == 403


def test_calendar_page_shows_the_year_and_adds_and_removes(client: Client, admin):
    client.force_login(admin)
    page = client.get("/worktime/calendar/", {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ngày Văn hóa Việt Nam" in html
    assert html.count('class="wt-month"') == 12
    response = client.post(
        "/worktime/calendar/",
        {
            "year": 2026,
            "day": "2026-03-10",
            "kind": "non_working",
            "category": "local",
            "reason": "Bão số 3",
            "legal_basis": "Công điện 01/CĐ-TTg",
            "basis_confirmed": "on",
        },
    )
    assert response.status_code == 302
    added = national_calendar().exceptions.get(day=date(2026, 3, 10))
    assert added.created_by == admin
    assert not calendar_for_unit(unit=None).is_working_day(date(2026, 3, 10))
    response = client.post(f"/worktime/calendar/exceptions/{added.pk}/remove", {"year": 2026})
    assert response.status_code == 302
    assert calendar_for_unit(unit=None).is_working_day(date(2026, 3, 10))


def test_calendar_page_shows_form_errors(client: Client, admin):
    client.force_login(admin)
    response = client.post(
        "/worktime/calendar/",
        {
            "year": 2026,
            "day": "2026-05-01",
            "kind": "non_working",
            "category": "holiday",
            "reason": "x",
            "legal_basis": "y",
        },
    )
    assert response.status_code == 200
    assert CalendarException.objects.filter(day=date(2026, 5, 1)).count() == 1


def test_due_api_problem_messages_are_vietnamese(client: Client):
    response = client.get(
        "/api/v1/worktime/due", {"start": "2026-03-09T10:00:00", "amount": "1", "time_unit": "working_days"}
    )
    assert response.json()["message"] == (
        "Nhập thời điểm bắt đầu kèm độ lệch múi giờ UTC, ví dụ 2026-03-02T08:00:00+07:00."
    )


# ------------------------------------------------------------------------------ page permissions by role
@pytest.fixture
def province_with_communes():
    province = unit_create(name="UBND tỉnh Phú Thọ", level="province", kind="peoples_committee")
    commune_a = unit_create(
        name="UBND phường Phong Châu", level="commune", kind="peoples_committee", parent=province
    )
    commune_b = unit_create(name="UBND xã Hạ Hòa", level="commune", kind="peoples_committee", parent=province)
    return province, commune_a, commune_b


def _staff(django_user_model, username, role, unit):
    from motcua.accounts.models import RoleGrant

    user = django_user_model.objects.create_user(username=username, password="pw-staff-123", kind="staff")
    RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


def test_a_commune_admin_edits_its_own_calendar_only(
    client: Client, django_user_model, province_with_communes
):
    _province, commune_a, commune_b = province_with_communes
    client.force_login(_staff(django_user_model, "admin.a", "admin", commune_a))

    assert client.get("/worktime/calendar/", {"year": 2026, "unit": commune_a.pk}).status_code == 200
    assert client.get("/worktime/calendar/", {"year": 2026, "unit": commune_b.pk}).status_code == 403
    assert client.get("/worktime/calendar/", {"year": 2026}).status_code == 403  # the national calendar
    refused = client.post(
        "/worktime/calendar/",
        {
            "year": 2026,
            "unit": commune_b.pk,
            "day": "2026-03-10",
            "kind": "non_working",
            "category": "local",
            "reason": "Bão",
            "legal_basis": "x",
        },
    )
    assert refused.status_code == 403
    assert not WorkCalendar.objects.filter(unit=commune_b).exists()


def test_a_specialist_is_not_a_calendar_administrator(
    client: Client, django_user_model, province_with_communes
):
    _province, commune_a, _ = province_with_communes
    client.force_login(_staff(django_user_model, "cv.a", "specialist", commune_a))

    assert client.get("/worktime/calendar/", {"unit": commune_a.pk}).status_code == 403


def test_a_province_admin_edits_the_national_calendar_and_every_commune(
    client: Client, django_user_model, province_with_communes, admin
):
    province, _commune_a, commune_b = province_with_communes
    client.force_login(_staff(django_user_model, "admin.tinh", "admin", province))

    assert client.get("/worktime/calendar/", {"year": 2026}).status_code == 200
    assert client.get("/worktime/calendar/", {"year": 2026, "unit": commune_b.pk}).status_code == 200


def test_removing_another_units_exception_is_refused(
    client: Client, django_user_model, province_with_communes, admin
):
    _province, commune_a, commune_b = province_with_communes
    exception = calendar_exception_add(
        actor=admin,
        calendar=unit_calendar_get_or_create(unit=commune_b),
        day=date(2026, 3, 10),
        kind="non_working",
        category="local",
        reason="Bão",
        legal_basis="Công điện",
        basis_confirmed=True,
    )
    client.force_login(_staff(django_user_model, "admin.a2", "admin", commune_a))

    response = client.post(f"/worktime/calendar/exceptions/{exception.pk}/remove", {"year": 2026})

    assert response.status_code == 403
    assert CalendarException.objects.filter(pk=exception.pk).exists()


# ------------------------------------------------------------------------------ bad input never a 500
@pytest.mark.parametrize(
    "query",
    [{"unit": "abc"}, {"year": "10000"}, {"year": "0"}, {"year": "-5"}, {"year": "x"}, {"unit": "999999"}],
)
def test_calendar_page_answers_404_to_malformed_parameters(client: Client, admin, query):
    client.force_login(admin)

    assert client.get("/worktime/calendar/", query).status_code == 404


def test_removing_with_a_malformed_unit_is_a_404(client: Client, admin):
    client.force_login(admin)

    assert client.post("/worktime/calendar/exceptions/1/remove?unit=zz", {"year": 2026}).status_code == 404


def test_due_api_refuses_an_enormous_amount_of_months_with_a_problem(client: Client):
    response = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-03-02T08:00:00+07:00", "amount": "99999999999999999999999", "time_unit": "months"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "outside_calendar"


def test_an_unknown_convention_is_refused_on_every_path():
    cal = Calendar.national()
    start = at(2026, 3, 2, 8)

    for unit in ("working_hours", "working_days", "calendar_days"):
        with pytest.raises(ValueError, match="lunar"):
            cal.due(start, 1, unit, "lunar")
