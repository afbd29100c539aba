"""Benchmark of the legal time engine (issue 3 targets: one due() <= 20 us, batch >= 5,000,000/s).

Prints single `Calendar.due()` calls per second, batch due moments per second for 1,000,000 (start, amount)
pairs, and the ratio against `numpy.busday_offset` on the same pairs at day level (start date, amount in
whole working days) in the same run, on the same calendar.

    python bench/worktime.py [--pairs 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
import timeit
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from motcua.worktime import Calendar, batch

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def report(label: str, per_second: float, note: str) -> None:
    print(f"{label:<24}{per_second:>14,.0f}/s   {note}")


def best_of(repeat: int, run) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cal = Calendar.national()
    rng = np.random.default_rng(20261122)

    # Single calls: a spread of starts and amounts, as a receipt desk would see them.
    starts = [
        datetime(2026, 1, 5, 7, tzinfo=VN) + timedelta(minutes=int(m))
        for m in rng.integers(0, 300 * 1440, 1000)
    ]
    amounts = [int(a) for a in rng.integers(1, 30 * 8, 1000)]
    calls = list(zip(starts, amounts, strict=True))

    def single() -> None:
        for start, amount in calls:
            cal.due(start, amount)

    single()
    seconds = min(timeit.repeat(single, number=20, repeat=args.repeat)) / (20 * len(calls))
    report("single due()", 1 / seconds, f"calls ({seconds * 1e6:.2f} us per call)")

    # Batch: int64 UTC minutes and int64 working-minute budgets.
    first = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) // 60
    start_minutes = first + rng.integers(0, 3 * 365 * 1440, args.pairs, dtype=np.int64)
    budgets = rng.integers(0, 30 * 480, args.pairs, dtype=np.int64)
    batch.due_minutes(cal, start_minutes[:10], budgets[:10])  # build the arrays once
    ours = best_of(args.repeat, lambda: batch.due_minutes(cal, start_minutes, budgets))
    report("batch due_minutes", args.pairs / ours, f"due dates ({args.pairs:,} pairs, {ours * 1e3:.1f} ms)")

    # Reference: numpy.busday_offset on the same pairs at day level, with the same days off.
    origin = date(2023, 1, 1)
    days_off = [
        origin + timedelta(days=i)
        for i in range(8 * 366)
        if not cal.is_working_day(origin + timedelta(days=i))
    ]
    busdaycal = np.busdaycalendar(weekmask="1111111", holidays=days_off)
    start_days = ((start_minutes + 7 * 60) // 1440).astype("datetime64[D]")
    day_offsets = budgets // cal.day_minutes
    reference = best_of(
        args.repeat, lambda: np.busday_offset(start_days, day_offsets, roll="forward", busdaycal=busdaycal)
    )
    report("numpy.busday_offset", args.pairs / reference, f"dates, day level ({reference * 1e3:.1f} ms)")
    ours_days = best_of(args.repeat, lambda: batch.add_working_days(cal, start_days, day_offsets))
    report("batch add_working_days", args.pairs / ours_days, f"dates, day level ({ours_days * 1e3:.1f} ms)")
    same = np.array_equal(
        batch.add_working_days(cal, start_days, day_offsets),
        np.busday_offset(start_days, day_offsets, roll="forward", busdaycal=busdaycal),
    )
    print(f"ratio due_minutes / busday_offset:      {reference / ours:.2f}x (minute level vs day level)")
    print(f"ratio add_working_days / busday_offset: {reference / ours_days:.2f}x (same results: {same})")


if __name__ == "__main__":
    main()
