"""The indicator definitions as data and the 100-point index computed from a unit's facts."""

from decimal import Decimal

import pytest

from motcua.kpi import scoring
from motcua.kpi.indicators import (
    BY_PORTAL_CODE,
    COUNTERS,
    GROUPS,
    INDICATORS,
    LEVELS,
    TOP_GROUPS,
    FactSource,
    Measure,
    index_from_facts,
)
from motcua.organizations.models import Unit

D = Decimal
IDS = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "2.1",
    "2.2",
    "3.1",
    "3.2",
    "3.3",
    "3.5",
    "3.5b",
    "3.6",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5a",
    "4.5b",
    "4.6",
    "5.1",
    "5.2",
    "5.3",
    "5.4",
]

FACTS = {
    "1.1": (3, 4),
    "1.2": (1, 3),
    "1.3": (1, 2),
    "1.4": (5, 8),
    "2.1": (1453, 1660),
    "2.2": (6005, 10),
    "3.1": (52, 89),
    "3.2": (1, 1),
    "3.3": (165096, 165139),
    "3.6": (2381, 2771),
    "3.5b": (20, 40),
    "3.5": (10, 40),
    "4.1": (3622, 4671),
    "4.2": (261, 326),
    "4.3": (0, 0),
    "4.4": (0, 464494),
    "4.5a": (297, 1301),
    "4.5b": (1761, 2645),
    "4.6": (0, 0),
    "5.1": (133, 570),
    "5.2": (0, 4),
    "5.3": (137, 247),
    "5.4": (4164, 4671),
}


def test_every_indicator_of_the_issue_is_defined_and_scored() -> None:
    assert list(INDICATORS) == IDS
    assert set(scoring.RULES) == set(IDS)


def test_definitions_refer_to_known_groups_and_counters() -> None:
    leaves = {g.id for g in GROUPS.values()} - {g.parent for g in GROUPS.values() if g.parent}
    for indicator in INDICATORS.values():
        assert indicator.group in leaves
        assert indicator.numerator in COUNTERS and indicator.denominator in COUNTERS
        assert indicator.not_applicable_at <= LEVELS
    used = {name for i in INDICATORS.values() for name in (i.numerator, i.denominator)}
    assert used == set(COUNTERS)  # no counter is defined without an indicator using it


def test_group_maxima_are_the_official_ones() -> None:
    assert {g: GROUPS[g].max_points for g in TOP_GROUPS} == {
        "publicity": 18,
        "progress": 20,
        "online": 22,
        "digitisation": 22,
        "satisfaction": 18,
    }
    for group in GROUPS.values():
        children = [g.max_points for g in GROUPS.values() if g.parent == group.id]
        own = [i.max_points for i in INDICATORS.values() if i.group == group.id]
        assert sum(children + own) == group.max_points
    assert sum(GROUPS[g].max_points for g in TOP_GROUPS) == 100


def test_tracking_only_indicators_have_no_points() -> None:
    assert {i.id for i in INDICATORS.values() if i.rule.tracking_only} == {"2.2", "5.1"}
    assert {i.id for i in INDICATORS.values() if i.max_points == 0} == {"2.2", "5.1"}
    assert INDICATORS["2.2"].measure is Measure.AVERAGE


def test_levels_are_the_unit_levels() -> None:
    assert set(Unit.Level.values) == LEVELS


def test_portal_codes_map_back_to_their_indicator() -> None:
    assert {code: i.id for code, i in BY_PORTAL_CODE.items()}["ELECTRONIC_CERTIFIED_COPY"] == "4.6"
    assert len(BY_PORTAL_CODE) == len({i.portal_code for i in INDICATORS.values() if i.portal_code})


def test_indicators_waiting_for_facts_motcua_does_not_record_yet() -> None:
    recorded = {FactSource.DOSSIERS, FactSource.PROCEDURES, FactSource.CATALOG}
    waiting = {i.id for i in INDICATORS.values() if not set(i.sources) <= recorded}

    assert waiting == {"1.4", "3.5", "3.5b", "3.6", "4.4", "4.5a", "4.5b", "4.6", "5.1", "5.2", "5.3", "5.4"}


def test_index_of_a_department_with_every_fact() -> None:
    index = index_from_facts(FACTS, level="province")

    points = {i: r.points for i, r in index.indicators.items()}
    assert points == {
        "1.1": D("4.50"),
        "1.2": D("1.33"),
        "1.3": D("1.00"),
        "1.4": D("3.75"),
        "2.1": D("17.51"),
        "2.2": None,
        "3.1": D("1.46"),
        "3.2": D("4.00"),
        "3.3": D("6.00"),
        "3.5": D("0.63"),
        "3.5b": D("1.25"),
        "3.6": D("5.16"),
        "4.1": D("4.65"),
        "4.2": D("3.20"),
        "4.3": None,
        "4.4": D("0.00"),
        "4.5a": D("0.46"),
        "4.5b": D("1.33"),
        "4.6": D("2.00"),
        "5.1": None,
        "5.2": D("0.00"),
        "5.3": D("3.33"),
        "5.4": D("5.94"),
    }
    assert {g: r.points for g, r in index.groups.items()} == {
        "publicity": D("10.58"),
        "progress": D("17.51"),
        "online": D("18.50"),
        "online_service": D("11.46"),
        "online_payment": D("7.04"),
        "digitisation": D("11.64"),
        "satisfaction": D("9.27"),
    }
    assert index.total == D("67.50")
    assert index.max_points == 100
    # A null indicator leaves its group's maximum as it is.
    assert index.groups["digitisation"].max_points == 22
    assert [c.group.id for c in index.groups["online"].children] == ["online_service", "online_payment"]


def test_each_result_carries_its_facts_and_percentage() -> None:
    index = index_from_facts(FACTS, level="province")

    on_time = index.indicators["2.1"]
    assert (on_time.numerator, on_time.denominator, on_time.percent, on_time.average) == (
        1453,
        1660,
        D("87.53"),
        None,
    )
    assert (on_time.applicable, on_time.no_data) == (True, False)
    average = index.indicators["2.2"]
    assert (average.percent, average.average, average.points) == (None, D("600.50"), None)
    assert index.indicators["5.1"].percent == D("23.33")


def test_indicators_without_facts_say_no_data_and_score_zero_facts() -> None:
    dossier_facts = {i: FACTS[i] for i in ("2.1", "3.3", "4.1", "4.2", "4.3")}

    index = index_from_facts(dossier_facts, level="province")

    missing = {i for i, r in index.indicators.items() if r.no_data}
    assert missing == set(IDS) - set(dossier_facts)
    assert all((r.numerator, r.denominator) == (0, 0) for i, r in index.indicators.items() if i in missing)
    # Zero facts score what the portal gives them: null, ratio 0, or the maximum.
    assert index.indicators["1.4"].points is None
    assert index.indicators["3.6"].points == D("0.00")
    assert index.indicators["5.2"].points == D("6.00")
    assert index.indicators["5.3"].points == D("6.00")
    assert index.indicators["5.4"].points == D("0.00")
    assert index.indicators["4.6"].points == D("2.00")
    assert index.indicators["2.2"].average is None


def test_an_empty_unit() -> None:
    index = index_from_facts({}, level="province")

    # 3.1–3.3 and 3.5–3.6 count 0; 5.2, 5.3 and 4.6 full; the rest null or 0.
    assert index.total == D("14.00")
    assert {g: r.points for g, r in index.groups.items() if r.points} == {
        "digitisation": D("2.00"),
        "satisfaction": D("12.00"),
    }


def test_an_indicator_not_applicable_at_commune_level_gets_full_points() -> None:
    commune = index_from_facts(FACTS, level="commune")
    province = index_from_facts(FACTS, level="province")

    posted = commune.indicators["1.2"]
    assert (posted.applicable, posted.points, posted.percent, posted.no_data) == (
        False,
        D("4.00"),
        None,
        False,
    )
    assert province.indicators["1.2"].points == D("1.33")
    assert commune.groups["publicity"].points == D("13.25")
    assert commune.total == province.total + D("4.00") - D("1.33")


def test_not_applicable_without_full_points_scores_nothing() -> None:
    from dataclasses import replace

    from motcua.kpi import indicators

    strict = replace(INDICATORS["1.2"], full_points_when_not_applicable=False)
    result = indicators.indicator_result(strict, (1, 3), level="commune")

    assert (result.applicable, result.points) == (False, None)


@pytest.mark.parametrize(
    ("facts", "level", "message"),
    [
        ({"3.4": (1, 2)}, "province", "unknown indicator"),
        ({}, "ward", "unknown unit level"),
        ({"2.1": (3, 2)}, "province", "exceeds"),
        ({"2.2": (-1, 2)}, "province", "negative"),
    ],
)
def test_bad_facts_are_a_callers_bug(facts: dict[str, tuple[int, int]], level: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        index_from_facts(facts, level=level)
