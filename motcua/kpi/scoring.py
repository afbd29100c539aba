"""QĐ 766/QĐ-TTg scoring exactly as the national portal computes it (LEGAL.md §4 and §4.1).

Pure functions over plain numbers and datetimes: no Django, no database. The rules below reproduce the
portal's published scores (dichvucong.gov.vn, Phú Thọ, August–September 2026) to the cent; where the
observed behaviour and the written specification disagree, the observed behaviour wins (LEGAL.md §4.1).

Arithmetic is exact (integers and fractions), in the portal's order:
1. the percentage numerator ÷ denominator × 100, rounded half-up to 2 decimals;
2. the points computed from that rounded percentage, capped at the maximum, rounded half-up to 2 decimals;
3. a group is the sum of its components' rounded points (null components left out).

`judge_on_time` decides one dossier for indicator 2.1 (docs/KPI.md, "Indicator 2.1").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class ZeroRule(StrEnum):
    """What a zero denominator gives (LEGAL.md §4.1, column "zero denominator")."""

    NULL = "null"  # no percentage, no points: left out of the group sum, the group maximum stays
    ZERO = "zero"  # the ratio is taken as 0: 0 points
    FULL = "full"  # nothing to judge counts as perfect: the maximum (5.2 and 5.3 without any feedback)


class Basis(StrEnum):
    """Where a scoring rule comes from."""

    SPEC = "spec"  # the VPCP formula description ("Mô tả công thức tính chỉ số 766")
    OBSERVED = "observed"  # reproduced from the portal's published scores (LEGAL.md §4.1)


@dataclass(frozen=True, slots=True)
class Rule:
    """How one indicator turns a numerator and a denominator into points.

    points = max_points × min(1, rate ÷ full_at): linear from 0, full points from the rate `full_at` on.
    `full_at` = 1 is the plain "max × rate"; 3.1 has 0.8, i.e. min(2, 2 × rate ÷ 0.8).
    """

    max_points: Decimal
    full_at: Fraction = Fraction(1)
    zero: ZeroRule = ZeroRule.NULL
    tracking_only: bool = False  # 2.2 and 5.1: figures shown, never scored
    flat: bool = False  # always the maximum whatever the counts (4.6, as the portal reports it)
    basis: Basis = Basis.OBSERVED


def _rule(
    max_points: int,
    *,
    full_at: Fraction = Fraction(1),
    zero: ZeroRule = ZeroRule.NULL,
    tracking_only: bool = False,
    flat: bool = False,
    basis: Basis = Basis.OBSERVED,
) -> Rule:
    return Rule(Decimal(max_points), full_at, zero, tracking_only, flat, basis)


EIGHTY, FIFTY, NINETY = Fraction(8, 10), Fraction(5, 10), Fraction(9, 10)

# LEGAL.md §4.1, observed on the portal. Indicators absent from §4.1 keep the §4 specification (basis SPEC).
RULES: dict[str, Rule] = {
    # Group 1, publicity and transparency (18).
    "1.1": _rule(6),
    "1.2": _rule(4),
    "1.3": _rule(2),
    "1.4": _rule(6),
    # Group 2, progress and results (20).
    "2.1": _rule(20, zero=ZeroRule.ZERO),
    "2.2": _rule(0, tracking_only=True, basis=Basis.SPEC),
    # Group 3a, online services (12): 3.1 full at 80 %, 3.3 full at 50 %. The portal never showed a zero
    # denominator in this group; it is taken as a ratio of 0 like the payment group's (docs/KPI.md).
    "3.1": _rule(2, full_at=EIGHTY, zero=ZeroRule.ZERO),
    "3.2": _rule(4, zero=ZeroRule.ZERO),
    "3.3": _rule(6, full_at=FIFTY, zero=ZeroRule.ZERO),
    # Group 3b, online payment (10): 6·A + min(2, 2.5·B) + min(2, 2.5·C), zero denominators as ratio 0.
    # LEGAL.md §10 item 7 writes C uncapped (2.5·C, up to 2.5 > 2); §4.1 caps it and no published case
    # ever reached the cap: motcua caps it, so the group never exceeds its 10 points (docs/KPI.md).
    "3.6": _rule(6, zero=ZeroRule.ZERO),
    "3.5b": _rule(2, full_at=EIGHTY, zero=ZeroRule.ZERO),
    "3.5": _rule(2, full_at=EIGHTY, zero=ZeroRule.ZERO),
    # Group 4, digitisation (22). 4.2 has no 80 % threshold: 80.06 % scores 3.20, not 4.
    "4.1": _rule(6),
    "4.2": _rule(4),
    "4.3": _rule(2, full_at=EIGHTY),
    "4.4": _rule(4),
    "4.5a": _rule(2),
    "4.5b": _rule(2),
    # E-certified copies from originals: the portal reports a ratio of 100 and 2 points, without counts.
    "4.6": _rule(2, zero=ZeroRule.FULL, flat=True),
    # Group 5, satisfaction (18).
    "5.1": _rule(0, tracking_only=True),
    "5.2": _rule(6, zero=ZeroRule.FULL),
    "5.3": _rule(6, zero=ZeroRule.FULL),
    "5.4": _rule(6, full_at=NINETY, zero=ZeroRule.ZERO),
}

# The portal scores these two blocks of group 3 as wholes; components in the order of `group_points`.
GROUP_COMPONENTS: dict[str, tuple[str, str, str]] = {
    "online_service": ("3.1", "3.2", "3.3"),
    "online_payment": ("3.6", "3.5b", "3.5"),
}

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Score:
    """One indicator's result: the percentage as the portal shows it and the points (None: not scored)."""

    percent: Decimal | None
    points: Decimal | None


def round_half_up(value: Fraction) -> Decimal:
    """`value` (≥ 0) rounded half-up to 2 decimals, exactly."""
    hundredths = value * 100
    rounded = (2 * hundredths.numerator + hundredths.denominator) // (2 * hundredths.denominator)
    return Decimal(rounded).scaleb(-2).quantize(HUNDREDTH)


def _check_counts(numerator: int, denominator: int) -> None:
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator × 100, half-up to 2 decimals, as the portal shows it; None for 0/0."""
    _check_counts(numerator, denominator)
    if denominator == 0:
        return None
    return round_half_up(Fraction(numerator * 100, denominator))


def rule_for(indicator_id: str) -> Rule:
    try:
        return RULES[indicator_id]
    except KeyError:
        raise KeyError(f"unknown QĐ 766 indicator {indicator_id!r}") from None


def score(indicator_id: str, numerator: int, denominator: int) -> Score:
    """The percentage and the points of one indicator (LEGAL.md §4.1)."""
    rule = rule_for(indicator_id)
    shown = percent(numerator, denominator)
    if rule.tracking_only:
        return Score(percent=shown, points=None)
    if rule.flat:
        return Score(percent=shown, points=rule.max_points.quantize(HUNDREDTH))
    if shown is None:
        if rule.zero is ZeroRule.NULL:
            return Score(percent=None, points=None)
        if rule.zero is ZeroRule.FULL:
            return Score(percent=None, points=rule.max_points.quantize(HUNDREDTH))
        shown = Decimal(0).quantize(HUNDREDTH)
    maximum = Fraction(rule.max_points)
    earned = min(maximum, maximum * Fraction(shown) / 100 / rule.full_at)
    return Score(percent=shown, points=round_half_up(earned))


def points(indicator_id: str, numerator: int, denominator: int) -> Decimal | None:
    """The points of one indicator; None when it is not scored (tracking only, or a null zero rule)."""
    return score(indicator_id, numerator, denominator).points


def group_points(group: str, *, a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> Decimal:
    """The points of a block of group 3, the sum of its three components' rounded points.

    "online_service": a = 3.1 procedures offered online, b = 3.2 online services with a dossier,
    c = 3.3 dossiers submitted online (12 points). "online_payment": a = 3.6 dossiers paid online,
    b = 3.5b fee-bearing procedures with an online payment, c = 3.5 fee-bearing procedures integrated
    on the portal (10 points). Each pair is (numerator, denominator).
    """
    try:
        ids = GROUP_COMPONENTS[group]
    except KeyError:
        raise KeyError(f"unknown scoring group {group!r}") from None
    total = Decimal(0)
    for indicator_id, (numerator, denominator) in zip(ids, (a, b, c), strict=True):
        total += points(indicator_id, numerator, denominator) or Decimal(0)
    return total.quantize(HUNDREDTH)


# Indicator 2.1: one dossier on time or late.


class EndState(StrEnum):
    """How processing ended; the values are the dossier statuses of the same name."""

    RESOLVED = "resolved"  # "Đã xử lý xong"
    RETURNED = "returned"  # "Đã trả kết quả"
    STOPPED = "stopped"  # "Dừng xử lý" / "Công dân yêu cầu rút hồ sơ" (withdrawals count)
    REJECTED = "rejected"  # "Từ chối" after appraisal
    REFUSED_AT_INTAKE = "refused_at_intake"  # refused at intake: also ends processing


# NgayKetThucXuLy is the first of "Đã xử lý xong" > "Đã trả kết quả" > "Dừng xử lý/Từ chối" (LEGAL.md §1.11):
# a rank, not the earliest time. Within the last rank the earliest time wins.
END_PRECEDENCE: dict[EndState, int] = {
    EndState.RESOLVED: 0,
    EndState.RETURNED: 1,
    EndState.STOPPED: 2,
    EndState.REJECTED: 2,
    EndState.REFUSED_AT_INTAKE: 2,
}


@dataclass(frozen=True, slots=True)
class ProcessingEnd:
    state: EndState
    at: datetime


def processing_end(ends: Iterable[tuple[EndState, datetime]]) -> ProcessingEnd | None:
    """The end of processing among the end events a dossier has: the highest-ranked state, then the earliest.

    A dossier resolved on the 3rd and returned on the 5th ended processing on the 3rd; one only returned
    ended when returned; one stopped or rejected ended then. None when it has not ended.
    """
    best: ProcessingEnd | None = None
    for state, at in ends:
        _check_aware("end", at)
        candidate = ProcessingEnd(state=EndState(state), at=at)
        if best is None or (END_PRECEDENCE[candidate.state], candidate.at) < (
            END_PRECEDENCE[best.state],
            best.at,
        ):
            best = candidate
    return best


def _check_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {value!r}")


def supplement_wait(waits: Iterable[tuple[datetime, datetime | None]], *, until: datetime) -> timedelta:
    """The time spent waiting for the applicant's supplements before `until`, overlaps counted once.

    Each wait is (requested_at, completed_at); a wait not completed yet runs until `until`.
    """
    spans: list[tuple[datetime, datetime]] = []
    for requested_at, completed_at in waits:
        _check_aware("supplement requested_at", requested_at)
        if completed_at is not None:
            _check_aware("supplement completed_at", completed_at)
            if completed_at < requested_at:
                raise ValueError("a supplement cannot be completed before it was requested")
        end = until if completed_at is None else min(completed_at, until)
        if requested_at < end:
            spans.append((requested_at, end))
    total = timedelta(0)
    current: tuple[datetime, datetime] | None = None
    for start, end in sorted(spans):
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += current[1] - current[0]
    return total


def judge_on_time(
    *,
    appointment: datetime,
    original_appointment: datetime,
    ended_at: datetime | None,
    end_state: EndState | None,
    supplement_waits: Iterable[tuple[datetime, datetime | None]],
    supplement_requests_in_processing: int,
    period_end: datetime,
    accept_apology: bool = False,
) -> bool:
    """Whether one dossier counts as processed early or on time for indicator 2.1 (docs/KPI.md).

    - `appointment` is the appointment in force (NgayHenTra, moved by an apology letter, Form 04) and
      `original_appointment` the one written on the receipt (Form 01). Neither is moved by supplement
      waits: pass the appointments, not the dossier's `due_at`. The original is used unless
      `accept_apology` (the KPI setting; default False, LEGAL.md §1.8 [U]).
    - `ended_at`/`end_state`: the end of processing chosen by `processing_end` (None, None while open).
    - `supplement_waits`: (requested_at, completed_at or None) of each supplement request made during
      processing; intake supplements come before the receipt and never count.
    - `supplement_requests_in_processing`: how many were made by `period_end`; more than one is late
      whatever the dates (QĐ 766 formula 2.1; LEGAL.md §1.6).
    - `period_end`: the instant the period is judged at (its end, or now if it is still running). A dossier
      still open then, or ended only after it, is judged at that instant: late if already past due.

    On time when (end of processing − supplement waiting time) ≤ appointment.
    """
    for name, value in (
        ("appointment", appointment),
        ("original_appointment", original_appointment),
        ("period_end", period_end),
    ):
        _check_aware(name, value)
    if (ended_at is None) != (end_state is None):
        raise ValueError("ended_at and end_state go together: both set, or both None for an open dossier")
    if ended_at is not None:
        _check_aware("ended_at", ended_at)
        EndState(str(end_state))  # an unknown state is a caller's bug
    if supplement_requests_in_processing < 0:
        raise ValueError("supplement_requests_in_processing must not be negative")

    if supplement_requests_in_processing > 1:
        return False
    judged_at = period_end if ended_at is None or ended_at > period_end else ended_at
    effective_end = judged_at - supplement_wait(supplement_waits, until=judged_at)
    used = appointment if accept_apology else original_appointment
    return effective_end <= used
