"""Laws of the scoring, checked by hypothesis over every indicator: points never fall when the numerator
grows, never exceed the indicator's maximum, and the blocks of group 3 never exceed theirs.

No exception is needed for the payment block: LEGAL.md §10 item 7 writes its C term uncapped (2.5·C can
reach 2.5 > 2), but motcua follows §4.1's min(2, 2.5·C), which no published case contradicts
(docs/KPI.md, "Online payment")."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from motcua.kpi import scoring
from motcua.kpi.indicators import GROUPS

scored_ids = st.sampled_from(sorted(scoring.RULES))


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int]:
    denominator = draw(st.integers(min_value=0, max_value=10**7))
    return draw(st.integers(min_value=0, max_value=denominator)), denominator


@given(indicator=scored_ids, denominator=st.integers(min_value=0, max_value=10**7), data=st.data())
def test_points_are_monotone_in_the_numerator(indicator: str, denominator: int, data: st.DataObject) -> None:
    low = data.draw(st.integers(min_value=0, max_value=denominator))
    high = data.draw(st.integers(min_value=low, max_value=denominator))

    before, after = scoring.points(indicator, low, denominator), scoring.points(indicator, high, denominator)

    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert before <= after


@given(indicator=scored_ids, pair=counts())
def test_points_stay_within_zero_and_the_maximum(indicator: str, pair: tuple[int, int]) -> None:
    result = scoring.score(indicator, *pair)
    maximum = scoring.RULES[indicator].max_points

    if result.points is not None:
        assert Decimal(0) <= result.points <= maximum
        assert result.points == result.points.quantize(Decimal("0.01"))
    if result.percent is not None:
        assert Decimal(0) <= result.percent <= Decimal(100)


@given(block=st.sampled_from(sorted(scoring.GROUP_COMPONENTS)), a=counts(), b=counts(), c=counts())
def test_a_block_never_exceeds_its_maximum(
    block: str, a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]
) -> None:
    assert Decimal(0) <= scoring.group_points(block, a=a, b=b, c=c) <= GROUPS[block].max_points


@given(indicator=scored_ids, denominator=st.integers(min_value=1, max_value=10**7))
def test_the_whole_denominator_scores_the_maximum(indicator: str, denominator: int) -> None:
    rule = scoring.RULES[indicator]
    expected = None if rule.tracking_only else rule.max_points

    assert scoring.points(indicator, denominator, denominator) == expected
