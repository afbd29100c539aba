"""The QĐ 766/QĐ-TTg indicators as data, and the index of a unit computed from its facts.

Each `Indicator` says what it counts (a numerator and a denominator named in the counter vocabulary,
`COUNTERS`), how it scores (`scoring.RULES`), which group it belongs to and at which unit levels it
applies. `index_from_facts` turns the facts of one unit and period, {indicator id: (numerator,
denominator)}, into the 100-point index. It is pure: the counters that produce the facts live elsewhere
(`motcua.kpi.counters`). docs/KPI.md describes every indicator, counter and rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.kpi import scoring

# The unit levels of `organizations.Unit.Level` (a test keeps the two in step).
CENTRAL, PROVINCE, DISTRICT, COMMUNE = "central", "province", "district", "commune"
LEVELS = frozenset({CENTRAL, PROVINCE, DISTRICT, COMMUNE})


class FactSource(StrEnum):
    """Where a counter's facts come from."""

    DOSSIERS = "dossiers"  # summed over per-(competent unit, procedure, receipt day) dossier counters
    PROCEDURES = "procedures"  # distinct procedures whose dossier counters are > 0 in the period
    CATALOG = "catalog"  # the catalogue: procedures in the unit's competence, publication deadlines
    # Not recorded by motcua yet: their indicators report "no data yet" until they are.
    PAYMENTS = "payments"
    FEEDBACK = "feedback"  # phản ánh, kiến nghị (PAKN)
    RATINGS = "ratings"  # citizens' satisfaction ratings
    NATIONAL_SYNC = "national_sync"  # DVCQG: dossier sync, the personal data store, the population DB
    CERTIFICATION = "certification"  # chứng thực bản sao điện tử từ bản chính


@dataclass(frozen=True, slots=True)
class Counter:
    """One name of the counter vocabulary; `meaning` is its exact definition (mirrored in docs/KPI.md)."""

    name: str
    sources: tuple[FactSource, ...]
    meaning: str


_D, _P, _C = FactSource.DOSSIERS, FactSource.PROCEDURES, FactSource.CATALOG
_RECEIVED_PREFIX = "Of `received`, the dossiers "

COUNTERS: dict[str, Counter] = {
    c.name: c
    for c in (
        # Dossiers: each counted once, on the day of its official receipt, under its competent unit.
        Counter(
            "received",
            (_D,),
            "Dossiers officially received (Form 01, NgayTiepNhan) in the period, counted under their "
            "competent unit. Dossiers refused or still waiting at intake were never received.",
        ),
        Counter(
            "on_time",
            (_D,),
            _RECEIVED_PREFIX + "judged early or on time by `scoring.judge_on_time` at the period's end.",
        ),
        Counter(
            "completed",
            (_D,),
            _RECEIVED_PREFIX + "whose processing ended (any end state) by the period's end.",
        ),
        Counter(
            "processing_working_minutes",
            (_D,),
            "Sum over `completed` of the working minutes from the start of the clock to the end of "
            "processing, supplement waits excluded.",
        ),
        Counter("online", (_D,), _RECEIVED_PREFIX + "submitted online (KenhThucHien = 2)."),
        Counter(
            "e_result",
            (_D,),
            _RECEIVED_PREFIX + "with an electronic result (a result file) issued by the period's end.",
        ),
        Counter(
            "digitised",
            (_D,),
            _RECEIVED_PREFIX + "whose every submitted input component holds a file and whose result has "
            "a file (TT 01/2023).",
        ),
        Counter(
            "reused",
            (_D,),
            _RECEIVED_PREFIX + "with at least one component taken from already digitised data (the data "
            "store, an e-result of an earlier procedure, an e-form filled from a database) instead of "
            "being uploaded or scanned anew.",
        ),
        Counter(
            "fee_bearing",
            (_D,),
            _RECEIVED_PREFIX + "with a financial obligation (fees or charges due above zero).",
        ),
        Counter(
            "paid_online",
            (_D, FactSource.PAYMENTS),
            "Of `fee_bearing`, the dossiers paid online (DuocThanhToanTrucTuyen 1 = national portal, "
            "2 = a payment gateway).",
        ),
        Counter(
            "satisfactory",
            (_D, FactSource.FEEDBACK, FactSource.RATINGS),
            "`received` minus the late ones (`received` − `on_time`) minus those with a feedback or a "
            "'not satisfied' rating, floored at 0 (5.4: 100 % − (late % + complained %)).",
        ),
        Counter(
            "synced",
            (FactSource.NATIONAL_SYNC,),
            "Dossiers received in the period and synced to the national portal (DVCQG).",
        ),
        Counter(
            "national_dossiers",
            (FactSource.NATIONAL_SYNC,),
            "The larger of the dossiers the national portal and the National Reporting System hold for "
            "the period; with no data, last year's total ÷ 12 (month) or ÷ 4 (quarter).",
        ),
        Counter(
            "store_linked",
            (FactSource.NATIONAL_SYNC,),
            _RECEIVED_PREFIX + "with a component taken from the personal/organisation data store on "
            "DVCQG (DuocLayTuKhoDMQG) or whose e-result was pushed to that store.",
        ),
        Counter(
            "population_data",
            (FactSource.NATIONAL_SYNC,),
            _RECEIVED_PREFIX + "using population-database data (an account verified with VNeID, a "
            "component from the national store, a population-database code).",
        ),
        # Procedures: distinct procedures of the unit, from the dossier counters or the catalogue.
        Counter(
            "procedures_in_competence",
            (_C,),
            "Procedures the unit applies (in its competence), as published at the period's end.",
        ),
        Counter(
            "procedures_online",
            (_C,),
            "Of `procedures_in_competence`, those offered as an online public service, partial "
            "(một phần) or full (toàn trình).",
        ),
        Counter(
            "online_services_with_dossiers",
            (_P,),
            "Of `procedures_online`, those with at least one dossier received online in the period.",
        ),
        Counter(
            "fee_procedures",
            (_C,),
            "Of `procedures_in_competence`, those with fees or charges above zero.",
        ),
        Counter(
            "fee_procedures_paid_online",
            (_P, FactSource.PAYMENTS),
            "Of `fee_procedures`, those with at least one dossier paid online in the period.",
        ),
        Counter(
            "fee_procedures_integrated",
            (_C, FactSource.PAYMENTS),
            "Of `fee_procedures`, those whose fees are integrated for online payment on the national portal.",
        ),
        Counter(
            "procedures_to_publish",
            (_C,),
            "Procedure versions whose publication decision (QĐCB) was due in the period, each procedure "
            "once (catalog.publication, indicator 1.1).",
        ),
        Counter(
            "procedures_published_on_time",
            (_C,),
            "Of `procedures_to_publish`, those whose every decision in the period was dated by the "
            "deadline (effective date − 5 working days for provinces); one late decision makes it late.",
        ),
        Counter(
            "procedures_to_post",
            (_C,),
            "Procedure versions to be posted on the National TTHC Database in the period "
            "(catalog.publication, indicator 1.2).",
        ),
        Counter(
            "procedures_posted_on_time",
            (_C,),
            "Of `procedures_to_post`, those posted by the decision date + 5 working days.",
        ),
        Counter(
            "procedures_publicised",
            (_C,),
            "Procedures published and in force at the period's end (a snapshot, not a flow).",
        ),
        Counter(
            "procedures_complete",
            (_C,),
            "Of `procedures_publicised`, those carrying every component of ND 63/2010 art. 8(2) a–g.",
        ),
        Counter(
            "procedures_for_citizens",
            (_C,),
            "Of `procedures_in_competence`, those whose applicants include citizens.",
        ),
        Counter(
            "procedures_population_data",
            (_P, FactSource.NATIONAL_SYNC),
            "Of `procedures_for_citizens`, those with at least one dossier counted in `population_data`.",
        ),
        Counter(
            "certified_copies",
            (FactSource.CERTIFICATION,),
            "Copies certified from originals (chứng thực bản sao từ bản chính) in the period.",
        ),
        Counter(
            "certified_copies_electronic",
            (FactSource.CERTIFICATION,),
            "Of `certified_copies`, those issued as electronic certified copies.",
        ),
        Counter(
            "feedback_received",
            (FactSource.FEEDBACK,),
            "Feedback (PAKN) first received in the period, from the citizen or forwarded by VPCP or "
            "another agency, each once.",
        ),
        Counter(
            "feedback_on_time",
            (FactSource.FEEDBACK,),
            "Of `feedback_received`, those handled on time: refused ≤ 2 WD, first supplement request "
            "≤ 5 WD, handled ≤ 15 WD, published ≤ 2 WD.",
        ),
        Counter(
            "feedback_satisfied",
            (FactSource.FEEDBACK,),
            "`feedback_received` minus those disliked (dislikes > likes), overdue or repeated.",
        ),
        Counter(
            "feedback_about_staff",
            (FactSource.FEEDBACK,),
            "Of `feedback_received`, those about an officer's behaviour (not about a regulation).",
        ),
    )
}


class Measure(StrEnum):
    RATE = "rate"  # numerator ÷ denominator, shown as a percentage
    AVERAGE = "average"  # numerator ÷ denominator, shown as an average (2.2)


@dataclass(frozen=True, slots=True)
class Group:
    """A group of the index. Group 3 has two blocks the portal scores apart (`parent` = "online")."""

    id: str
    official_name: str
    name: Promise
    max_points: Decimal
    parent: str | None = None


GROUPS: dict[str, Group] = {
    g.id: g
    for g in (
        Group("publicity", "Công khai, minh bạch", _("Publicity and transparency"), Decimal(18)),
        Group("progress", "Tiến độ, kết quả giải quyết", _("Progress and results"), Decimal(20)),
        Group("online", "Cung cấp dịch vụ trực tuyến", _("Online services"), Decimal(22)),
        Group(
            "online_service",
            "Dịch vụ công trực tuyến",
            _("Online public services"),
            Decimal(12),
            parent="online",
        ),
        Group("online_payment", "Thanh toán trực tuyến", _("Online payment"), Decimal(10), parent="online"),
        Group("digitisation", "Số hóa hồ sơ", _("Dossier digitisation"), Decimal(22)),
        Group("satisfaction", "Mức độ hài lòng", _("Satisfaction"), Decimal(18)),
    )
}
TOP_GROUPS = tuple(g.id for g in GROUPS.values() if g.parent is None)
TOTAL_POINTS = Decimal(100)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One QĐ 766 indicator. `official_name` is the Vietnamese title; `name` the interface label."""

    id: str
    official_name: str
    name: Promise
    group: str
    numerator: str
    denominator: str
    numerator_label: Promise
    denominator_label: Promise
    # The metric code of the national portal's API, for synced data and the published sample.
    portal_code: str | None = None
    measure: Measure = Measure.RATE
    # Levels where the indicator does not apply; there it scores the maximum if `full_points_when_not_
    # applicable` (the portal's business policy, LEGAL.md §4 "Commune level"), else nothing.
    not_applicable_at: frozenset[str] = frozenset()
    full_points_when_not_applicable: bool = True

    @property
    def rule(self) -> scoring.Rule:
        return scoring.rule_for(self.id)

    @property
    def max_points(self) -> Decimal:
        return self.rule.max_points

    @property
    def sources(self) -> tuple[FactSource, ...]:
        seen: dict[FactSource, None] = {}
        for counter in (self.numerator, self.denominator):
            seen.update(dict.fromkeys(COUNTERS[counter].sources))
        return tuple(seen)

    def applies_at(self, level: str) -> bool:
        return level not in self.not_applicable_at


INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in (
        Indicator(
            "1.1",
            "Tỷ lệ thủ tục hành chính được công bố đúng hạn",
            _("Procedures published on time"),
            "publicity",
            "procedures_published_on_time",
            "procedures_to_publish",
            _("Procedures published on time"),
            _("Procedures to publish in the period"),
            portal_code="PUBLISH_ON_TIME",
        ),
        Indicator(
            "1.2",
            "Tỷ lệ thủ tục hành chính được công khai đúng hạn trên Cơ sở dữ liệu quốc gia",
            _("Procedures posted on time on the National Database"),
            "publicity",
            "procedures_posted_on_time",
            "procedures_to_post",
            _("Procedures posted on time"),
            _("Procedures to post in the period"),
            portal_code="PUBLIC_UPDATE_ON_TIME",
            # Posting on the National Database is the province's act: not a commune's (LEGAL.md §4).
            not_applicable_at=frozenset({COMMUNE}),
        ),
        Indicator(
            "1.3",
            "Tỷ lệ thủ tục hành chính được công khai đầy đủ nội dung",
            _("Procedures published with complete content"),
            "publicity",
            "procedures_complete",
            "procedures_publicised",
            _("Procedures with every published component"),
            _("Procedures published and in force"),
            portal_code="PUBLIC_CONTENT_FULL",
        ),
        Indicator(
            "1.4",
            "Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia",
            _("Dossiers synced to the national portal"),
            "publicity",
            "synced",
            "national_dossiers",
            _("Dossiers synced"),
            _("Dossiers known nationally"),
            portal_code="DOSSIER_SYNC",
        ),
        Indicator(
            "2.1",
            "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
            _("Dossiers processed early or on time"),
            "progress",
            "on_time",
            "received",
            _("Dossiers early or on time"),
            _("Dossiers received"),
        ),
        Indicator(
            "2.2",
            "Thời gian giải quyết trung bình của thủ tục hành chính",
            _("Average processing time"),
            "progress",
            "processing_working_minutes",
            "completed",
            _("Working minutes of processing"),
            _("Dossiers completed"),
            measure=Measure.AVERAGE,
        ),
        Indicator(
            "3.1",
            "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến",
            _("Procedures offered online"),
            "online_service",
            "procedures_online",
            "procedures_in_competence",
            _("Procedures offered online"),
            _("Procedures in the unit's competence"),
        ),
        Indicator(
            "3.2",
            "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
            _("Online services with dossiers"),
            "online_service",
            "online_services_with_dossiers",
            "procedures_online",
            _("Online services with an online dossier"),
            _("Online services"),
        ),
        Indicator(
            "3.3",
            "Tỷ lệ hồ sơ trực tuyến",
            _("Dossiers submitted online"),
            "online_service",
            "online",
            "received",
            _("Dossiers submitted online"),
            _("Dossiers received"),
        ),
        Indicator(
            "3.5",
            "Tỷ lệ thủ tục hành chính có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
            _("Fee-bearing procedures integrated for online payment"),
            "online_payment",
            "fee_procedures_integrated",
            "fee_procedures",
            _("Fee-bearing procedures integrated on the national portal"),
            _("Fee-bearing procedures"),
        ),
        Indicator(
            "3.5b",
            "Tỷ lệ thủ tục hành chính có nghĩa vụ tài chính phát sinh thanh toán trực tuyến",
            _("Fee-bearing procedures with an online payment"),
            "online_payment",
            "fee_procedures_paid_online",
            "fee_procedures",
            _("Fee-bearing procedures with a dossier paid online"),
            _("Fee-bearing procedures"),
        ),
        Indicator(
            "3.6",
            "Tỷ lệ hồ sơ thanh toán trực tuyến",
            _("Dossiers paid online"),
            "online_payment",
            "paid_online",
            "fee_bearing",
            _("Dossiers paid online"),
            _("Dossiers with fees or charges"),
        ),
        Indicator(
            "4.1",
            "Tỷ lệ hồ sơ cấp kết quả giải quyết thủ tục hành chính điện tử",
            _("Dossiers with an electronic result"),
            "digitisation",
            "e_result",
            "received",
            _("Dossiers with an electronic result"),
            _("Dossiers received"),
            portal_code="ORIGINAL_RESULT_AVAILABLE",
        ),
        Indicator(
            "4.2",
            "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            _("Dossiers and results digitised"),
            "digitisation",
            "digitised",
            "received",
            _("Dossiers digitised"),
            _("Dossiers received"),
            portal_code="SO_HOA_GIAY_TO_GIAI_QUYET",
        ),
        Indicator(
            "4.3",
            "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
            _("Reuse of digitised data"),
            "digitisation",
            "reused",
            "received",
            _("Dossiers reusing digitised data"),
            _("Dossiers received"),
            portal_code="REUSED_DIGITIZED_DATA",
        ),
        Indicator(
            "4.4",
            "Tỷ lệ hồ sơ số hóa được đồng bộ với Kho quản lý dữ liệu điện tử của tổ chức, cá nhân",
            _("Dossiers linked with the personal data store"),
            "digitisation",
            "store_linked",
            "received",
            _("Dossiers linked with the data store"),
            _("Dossiers received"),
            portal_code="SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        ),
        Indicator(
            "4.5a",
            "Tỷ lệ thủ tục hành chính kết nối, khai thác Cơ sở dữ liệu quốc gia về dân cư",
            _("Procedures connected to the population database"),
            "digitisation",
            "procedures_population_data",
            "procedures_for_citizens",
            _("Procedures using population data"),
            _("Procedures for citizens"),
            portal_code="CITIZEN_DATA_CONNECTED_FORMALITY",
        ),
        Indicator(
            "4.5b",
            "Tỷ lệ hồ sơ khai thác, sử dụng dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư",
            _("Dossiers using population data"),
            "digitisation",
            "population_data",
            "received",
            _("Dossiers using population data"),
            _("Dossiers received"),
            portal_code="CITIZEN_DATA_CONNECTED_DOSSIER",
        ),
        Indicator(
            "4.6",
            "Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
            _("Electronic certified copies from originals"),
            "digitisation",
            "certified_copies_electronic",
            "certified_copies",
            _("Electronic certified copies"),
            _("Copies certified from originals"),
            portal_code="ELECTRONIC_CERTIFIED_COPY",
        ),
        Indicator(
            "5.1",
            "Phản ánh, kiến nghị theo phân loại",
            _("Feedback by classification"),
            "satisfaction",
            "feedback_about_staff",
            "feedback_received",
            _("Feedback about officers' behaviour"),
            _("Feedback received"),
            portal_code="PETITION_CLASSIFICATION_STAFF",
        ),
        Indicator(
            "5.2",
            "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
            _("Feedback handled on time"),
            "satisfaction",
            "feedback_on_time",
            "feedback_received",
            _("Feedback handled on time"),
            _("Feedback received"),
            portal_code="PETITION_PROCESSING_ON_TIME",
        ),
        Indicator(
            "5.3",
            "Mức độ hài lòng trong tiếp nhận, xử lý phản ánh, kiến nghị",
            _("Satisfaction with feedback handling"),
            "satisfaction",
            "feedback_satisfied",
            "feedback_received",
            _("Feedback handled to satisfaction"),
            _("Feedback received"),
            portal_code="PETITION_HANDLING_SATISFACTION",
        ),
        Indicator(
            "5.4",
            "Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính",
            _("Satisfaction with procedures"),
            "satisfaction",
            "satisfactory",
            "received",
            _("Dossiers neither late nor complained about"),
            _("Dossiers received"),
            portal_code="DOSSIER_RECEIVING_SATISFACTION",
        ),
    )
}

BY_PORTAL_CODE: dict[str, Indicator] = {i.portal_code: i for i in INDICATORS.values() if i.portal_code}


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator of an index. `percent` for rates, `average` for 2.2; `points` None when not scored.

    `no_data`: the facts behind it are not recorded yet (payments, feedback, ratings, national sync…);
    it then reports zero facts and scores what the portal gives zero facts.
    """

    indicator: Indicator
    numerator: int
    denominator: int
    percent: Decimal | None
    average: Decimal | None
    points: Decimal | None
    applicable: bool
    no_data: bool


@dataclass(frozen=True, slots=True)
class GroupResult:
    group: Group
    points: Decimal
    indicators: tuple[IndicatorResult, ...]
    children: tuple[GroupResult, ...] = ()

    @property
    def max_points(self) -> Decimal:
        return self.group.max_points


@dataclass(frozen=True, slots=True)
class IndexResult:
    level: str
    indicators: dict[str, IndicatorResult]
    groups: dict[str, GroupResult]
    total: Decimal
    max_points: Decimal = field(default=TOTAL_POINTS)


def _average(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return scoring.round_half_up(Fraction(numerator, denominator))


def indicator_result(indicator: Indicator, facts: tuple[int, int] | None, *, level: str) -> IndicatorResult:
    """One indicator from its (numerator, denominator); None facts mean "no data yet" (zero facts)."""
    if not indicator.applies_at(level):
        return IndicatorResult(
            indicator=indicator,
            numerator=0,
            denominator=0,
            percent=None,
            average=None,
            points=indicator.max_points.quantize(scoring.HUNDREDTH)
            if indicator.full_points_when_not_applicable
            else None,
            applicable=False,
            no_data=False,
        )
    numerator, denominator = facts if facts is not None else (0, 0)
    if indicator.measure is Measure.AVERAGE:
        if numerator < 0 or denominator < 0:
            raise ValueError(f"{indicator.id}: counts must not be negative")
        return IndicatorResult(
            indicator=indicator,
            numerator=numerator,
            denominator=denominator,
            percent=None,
            average=_average(numerator, denominator),
            points=None,
            applicable=True,
            no_data=facts is None,
        )
    result = scoring.score(indicator.id, numerator, denominator)
    return IndicatorResult(
        indicator=indicator,
        numerator=numerator,
        denominator=denominator,
        percent=result.percent,
        average=None,
        points=result.points,
        applicable=True,
        no_data=facts is None,
    )


def _sum(points: list[Decimal | None]) -> Decimal:
    return sum((p for p in points if p is not None), Decimal(0)).quantize(scoring.HUNDREDTH)


def index_from_facts(facts: Mapping[str, tuple[int, int]], *, level: str) -> IndexResult:
    """The 100-point index of one unit and period from its facts, {indicator id: (numerator, denominator)}.

    An indicator missing from `facts` has no data yet. A group's points are the sum of its scored
    indicators (null ones left out, its maximum unchanged); the total is the sum of the five groups.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown unit level {level!r}")
    unknown = set(facts) - set(INDICATORS)
    if unknown:
        raise ValueError(f"unknown indicator(s) {sorted(unknown)}")
    results = {
        indicator_id: indicator_result(indicator, facts.get(indicator_id), level=level)
        for indicator_id, indicator in INDICATORS.items()
    }

    def build(group: Group) -> GroupResult:
        own = tuple(r for r in results.values() if r.indicator.group == group.id)
        children = tuple(build(g) for g in GROUPS.values() if g.parent == group.id)
        total = _sum([r.points for r in own] + [child.points for child in children])
        return GroupResult(group=group, points=total, indicators=own, children=children)

    groups: dict[str, GroupResult] = {}
    for group_id in TOP_GROUPS:
        top = build(GROUPS[group_id])
        groups[group_id] = top
        groups.update({child.group.id: child for child in top.children})
    total = _sum([groups[group_id].points for group_id in TOP_GROUPS])
    return IndexResult(level=level, indicators=results, groups=groups, total=total)
