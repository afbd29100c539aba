"""The national seed gives the official CBCCVC schedules of LEGAL.md §3.3 (pure: no database)."""

from datetime import date, timedelta

import pytest

from motcua.worktime import Calendar, ExceptionKind
from motcua.worktime.national import national_exceptions

# Weekdays (Mon-Fri) that civil servants do not work, and Saturdays they do, per the official notices.
OFFICIAL_DAYS_OFF = {
    2024: [
        date(2024, 1, 1),
        *(date(2024, 2, d) for d in (8, 9, 12, 13, 14)),  # Tết: off 8-14 Feb
        date(2024, 4, 18),  # Giỗ Tổ
        date(2024, 4, 29),
        date(2024, 4, 30),
        date(2024, 5, 1),  # CV 2450/VPCP-KGVX
        date(2024, 9, 2),
        date(2024, 9, 3),
    ],
    2025: [
        date(2025, 1, 1),
        *(date(2025, 1, d) for d in (27, 28, 29, 30, 31)),  # Tết: off 25/1-2/2, TB 6150
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),  # CV 8726/VPCP-KGVX
        date(2025, 9, 1),
        date(2025, 9, 2),
    ],
    2026: [
        date(2026, 1, 1),
        *(date(2026, 2, d) for d in (16, 17, 18, 19, 20)),  # Tết: off 14-22 Feb, CV 9859, TB 9441
        date(2026, 4, 27),  # Giỗ Tổ on Sunday 26/4, compensated on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # [U] kept, flagged unconfirmed
    ],
}
OFFICIAL_SWAPPED_SATURDAYS = {2024: [date(2024, 5, 4)], 2025: [date(2025, 4, 26)], 2026: [date(2026, 8, 22)]}


@pytest.fixture(scope="module")
def cal():
    return Calendar.national()


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_weekdays_off_match_the_official_schedule(cal, year):
    days = [d for d in (date(year, 1, 1) + timedelta(days=i) for i in range(366)) if d.year == year]
    off = [d for d in days if d.weekday() < 5 and not cal.is_working_day(d)]
    worked_saturdays = [d for d in days if d.weekday() >= 5 and cal.is_working_day(d)]
    assert off == OFFICIAL_DAYS_OFF[year]
    assert worked_saturdays == OFFICIAL_SWAPPED_SATURDAYS[year]


def test_every_seeded_exception_has_a_reason_and_a_legal_basis():
    for exception in national_exceptions(range(2024, 2027)):
        assert exception.reason, exception
        assert exception.legal_basis, exception


def test_tet_2026_is_seeded_day_by_day_with_the_notice_numbers():
    by_day = {e.day: e for e in national_exceptions([2026])}
    tet = [by_day[date(2026, 2, d)] for d in range(14, 23)]
    assert all(e.kind is ExceptionKind.NON_WORKING for e in tet)
    assert all("9441/TB-BNV" in e.legal_basis and "9859/VPCP-KGVX" in e.legal_basis for e in tet)
    assert by_day[date(2026, 2, 14)].reason == "Tết Nguyên đán Bính Ngọ"


def test_culture_day_is_kept_but_flagged_unconfirmed():
    by_day = {e.day: e for e in national_exceptions([2026])}
    culture_day = by_day[date(2026, 11, 24)]
    assert culture_day.kind is ExceptionKind.NON_WORKING
    assert culture_day.basis_confirmed is False
    assert "chưa xác nhận" in culture_day.legal_basis


def test_confirmed_swaps_cite_their_official_letters():
    by_day = {e.day: e for e in national_exceptions([2024, 2025])}
    assert by_day[date(2024, 5, 4)].kind is ExceptionKind.EXTRA_WORKING
    assert "2450/VPCP-KGVX" in by_day[date(2024, 5, 4)].legal_basis
    assert "8726/VPCP-KGVX" in by_day[date(2025, 5, 2)].legal_basis
    assert by_day[date(2025, 4, 26)].basis_confirmed is True
