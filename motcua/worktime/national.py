"""The national calendar seed: the `holidays` package (Vietnam) corrected by the yearly CBCCVC notices.

The `holidays` package computes statutory and lunar holidays, compensatory days and the government swaps
its maintainers have added (LEGAL.md §3.4). The public sector (CBCCVC) follows a yearly notice issued after
Prime Minister approval (LEGAL.md §3.3); `OFFICIAL_SCHEDULES` records those notices date by date, with the
document that decided them. Where both speak about a date, the notice wins. The result seeds the editable
tables; after seeding, the tables (not this module) are the truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays

from motcua.worktime.dates import DateException, ExceptionCategory, ExceptionKind

NON = ExceptionKind.NON_WORKING
EXTRA = ExceptionKind.EXTRA_WORKING
C = ExceptionCategory

LABOUR_CODE_112 = "Bộ luật Lao động 45/2019/QH14, Điều 112"
LABOUR_CODE_111_3 = "Bộ luật Lao động 45/2019/QH14, Điều 111 khoản 3 (nghỉ bù)"
UNCONFIRMED = "chưa xác nhận"
PACKAGE_SWAP = f"holidays {holidays.__version__}: hoán đổi ngày làm việc (cần đối chiếu văn bản)"

# (first day, last day, kind, category, reason, legal basis, basis confirmed)
Entry = tuple[date, date, ExceptionKind, ExceptionCategory, str, str, bool]

OFFICIAL_SCHEDULES: dict[int, list[Entry]] = {
    2024: [
        # CBCCVC off 8-14 Feb 2024 (LEGAL.md §3.3, source [S]: the notice number is not recorded there).
        (
            date(2024, 2, 8),
            date(2024, 2, 14),
            NON,
            C.HOLIDAY,
            "Tết Nguyên đán Giáp Thìn",
            LABOUR_CODE_112 + "; lịch nghỉ Tết 2024 của CBCCVC (số văn bản chưa ghi nhận)",
            True,
        ),
        # 30/4-1/5: off Sat 27/4 to Wed 1/5, Mon 29/4 swapped with Sat 4/5.
        (
            date(2024, 4, 29),
            date(2024, 4, 29),
            NON,
            C.BRIDGE,
            "Nghỉ hoán đổi với thứ Bảy 04/5/2024",
            "Công văn 2450/VPCP-KGVX",
            True,
        ),
        (
            date(2024, 5, 4),
            date(2024, 5, 4),
            EXTRA,
            C.SWAPPED_WORKDAY,
            "Làm bù cho thứ Hai 29/4/2024",
            "Công văn 2450/VPCP-KGVX",
            True,
        ),
    ],
    2025: [
        # CBCCVC off Sat 25/1 to Sun 2/2 2025 (statutory days 27-31 Jan plus weekends).
        (
            date(2025, 1, 25),
            date(2025, 2, 2),
            NON,
            C.HOLIDAY,
            "Tết Nguyên đán Ất Tỵ",
            LABOUR_CODE_112 + "; Thông báo 6150/TB-BLĐTBXH (2024)",
            True,
        ),
        # 30/4-1/5: work Sat 26/4, off Fri 2/5.
        (
            date(2025, 5, 2),
            date(2025, 5, 2),
            NON,
            C.BRIDGE,
            "Nghỉ hoán đổi với thứ Bảy 26/4/2025",
            "Công văn 8726/VPCP-KGVX; Thông báo 6150/TB-BLĐTBXH",
            True,
        ),
        (
            date(2025, 4, 26),
            date(2025, 4, 26),
            EXTRA,
            C.SWAPPED_WORKDAY,
            "Làm bù cho thứ Sáu 02/5/2025",
            "Công văn 8726/VPCP-KGVX; Thông báo 6150/TB-BLĐTBXH",
            True,
        ),
    ],
    2026: [
        # Tết Bính Ngọ: CBCCVC off 14-22 Feb (9 days incl. weekends; statutory 16-20 Feb).
        (
            date(2026, 2, 14),
            date(2026, 2, 22),
            NON,
            C.HOLIDAY,
            "Tết Nguyên đán Bính Ngọ",
            LABOUR_CODE_112 + "; Công văn 9859/VPCP-KGVX; Thông báo 9441/TB-BNV (2025)",
            True,
        ),
        # Giỗ Tổ on Sunday 26/4 -> Monday 27/4 compensatory.
        (
            date(2026, 4, 27),
            date(2026, 4, 27),
            NON,
            C.COMPENSATORY,
            "Nghỉ bù Giỗ Tổ Hùng Vương",
            LABOUR_CODE_111_3,
            True,
        ),
        # National Day: 31/8 swapped from Sat 22/8; the official notice is unconfirmed (LEGAL.md [U]).
        (
            date(2026, 8, 31),
            date(2026, 8, 31),
            NON,
            C.BRIDGE,
            "Nghỉ hoán đổi với thứ Bảy 22/8/2026",
            UNCONFIRMED + " (gói holidays dẫn hỏi đáp thuvienphapluat)",
            False,
        ),
        (
            date(2026, 8, 22),
            date(2026, 8, 22),
            EXTRA,
            C.SWAPPED_WORKDAY,
            "Làm bù cho thứ Hai 31/8/2026",
            UNCONFIRMED + " (gói holidays dẫn hỏi đáp thuvienphapluat)",
            False,
        ),
        # 24/11 "Ngày Văn hóa Việt Nam": NQ 80-NQ/TW and NQ 30/NQ-CP ordered amending Labour Code
        # art. 112(1); whether the amendment is in force in 2026 is unconfirmed (LEGAL.md §3.3 [U]).
        # Kept, flagged, so an administrator can remove it.
        (
            date(2026, 11, 24),
            date(2026, 11, 24),
            NON,
            C.HOLIDAY,
            "Ngày Văn hóa Việt Nam",
            UNCONFIRMED + ": NQ 80-NQ/TW (01/2026), NQ 30/NQ-CP (02/2026) giao sửa Điều 112 khoản 1 "
            "Bộ luật Lao động",
            False,
        ),
    ],
}


def _category_of(english_name: str) -> ExceptionCategory:
    lowered = english_name.lower()
    if "substituted" in lowered:
        return C.BRIDGE
    if "observed" in lowered:
        return C.COMPENSATORY
    return C.HOLIDAY


def _package_exceptions(years: Iterable[int]) -> dict[date, DateException]:
    years = list(years)
    english = holidays.VN(years=years, language="en_US")
    vietnamese = holidays.VN(years=years, language="vi")
    result: dict[date, DateException] = {}
    for day, name in english.items():
        category = _category_of(name)
        basis = LABOUR_CODE_111_3 if category is C.COMPENSATORY else LABOUR_CODE_112
        if category is C.BRIDGE:
            basis = PACKAGE_SWAP
        # 24/11 is added by the package from 2026 before its legal basis is confirmed (LEGAL.md §3.4).
        confirmed = not (day.month == 11 and day.day == 24) and category is not C.BRIDGE
        result[day] = DateException(day, NON, category, vietnamese.get(day, name), basis, confirmed)
    for day in english.weekend_workdays:
        if day.year in years:
            result[day] = DateException(day, EXTRA, C.SWAPPED_WORKDAY, "Ngày làm bù", PACKAGE_SWAP, False)
    return result


def national_exceptions(years: Iterable[int]) -> list[DateException]:
    """The seeded national exceptions for `years`, sorted by date: the package's dates, overridden and
    completed by the official CBCCVC schedules in `OFFICIAL_SCHEDULES`."""
    years = list(years)
    result = _package_exceptions(years)
    for year in years:
        for first, last, kind, category, reason, basis, confirmed in OFFICIAL_SCHEDULES.get(year, []):
            day = first
            while day <= last:
                result[day] = DateException(day, kind, category, reason, basis, confirmed)
                day += timedelta(days=1)
    return [result[day] for day in sorted(result)]
