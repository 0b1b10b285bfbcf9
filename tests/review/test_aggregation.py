"""The panel's arithmetic (marketplace/review/aggregation.py), with examples and properties."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.review import aggregation as agg

D = Decimal
totals = st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False,
                              allow_infinity=False), min_size=1, max_size=12)


def rubric() -> list[agg.CriterionSpec]:
    return [agg.CriterionSpec(1, 40, D(0), D(100)), agg.CriterionSpec(2, 25, D(0), D(10)),
            agg.CriterionSpec(3, 15, D(1), D(5)), agg.CriterionSpec(4, 10, D(0), D(100)),
            agg.CriterionSpec(5, 10, D(0), D(100))]


def test_weighted_total_puts_each_criterion_on_its_range():
    scores = {1: D(50), 2: D(10), 3: D(3), 4: D(0), 5: D(100)}
    assert agg.weighted_total(rubric(), scores) == D(20) + D(25) + D("7.5") + D(0) + D(10)


def test_weighted_total_refuses_out_of_range_scores():
    with pytest.raises(ValueError):
        agg.weighted_total(rubric(), {1: D(101), 2: D(1), 3: D(1), 4: D(1), 5: D(1)})


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_reviewers():
    values = [D(10), D(70), D(72), D(74), D(100)]
    assert agg.trimmed_mean(values) == D(72)
    assert agg.trimmed_mean(values[:4]) == agg.mean(values[:4])  # under 5: plain mean


def test_median_and_sample_standard_deviation():
    assert agg.median([D(1), D(3), D(2), D(10)]) == D("2.5")
    assert agg.standard_deviation([D(2), D(4), D(4), D(4), D(5), D(5), D(7), D(9)]).quantize(
        D("0.0001")) == D("2.1381")
    assert agg.standard_deviation([D(42)]) == 0


def test_large_spread_flags_the_bid():
    assert agg.aggregate("A", [D(40), D(61)], D(20)).flagged
    assert not agg.aggregate("B", [D(40), D(60)], D(20)).flagged


def test_ranking_tie_rules():
    # same panel score; B has the higher median; C and D are equal in everything
    a = agg.aggregate("A", [D(80)] * 3, D(20))
    b = agg.aggregate("B", [D(60), D(70), D(70)], D(20))
    b2 = agg.aggregate("B2", [D(50), D(70), D(80)], D(20))
    c = agg.aggregate("C", [D(50), D(50)], D(20))
    d = agg.aggregate("D", [D(50), D(50)], D(20))
    empty = agg.aggregate("E", [], D(20))
    ranked = agg.rank([c, empty, b2, d, b, a])
    assert [i.key for i in ranked][:3] == ["A", "B", "B2"]  # B: median 70 = B2's; lower stdev
    assert [i.rank for i in ranked] == [1, 2, 3, 4, 4, None]
    assert c.tied and d.tied and not a.tied
    assert ranked[-1].key == "E" and ranked[-1].panel_score is None


@given(totals)
def test_statistics_stay_within_the_totals(values):
    result = agg.aggregate("x", values, D(20))
    low, high = min(values), max(values)
    for figure in (result.mean, result.trimmed_mean, result.median):
        assert low <= figure <= high
    assert result.stdev >= 0 and result.spread == high - low
    assert result.flagged == (high - low > D(20))


@given(totals, st.randoms(use_true_random=False))
def test_statistics_do_not_depend_on_the_reviewers_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    first, second = agg.aggregate("x", values, D(20)), agg.aggregate("x", shuffled, D(20))
    assert (first.trimmed_mean, first.median) == (second.trimmed_mean, second.median)
    assert abs(first.stdev - second.stdev) < D("1e-20")


@given(totals, st.decimals(min_value=-50, max_value=50, places=2))
def test_shifting_every_total_shifts_the_centre_not_the_spread(values, shift):
    moved = [v + shift for v in values]
    assert agg.median(moved) == agg.median(values) + shift
    assert abs(agg.trimmed_mean(moved) - agg.trimmed_mean(values) - shift) < D("1e-20")
    assert abs(agg.standard_deviation(moved) - agg.standard_deviation(values)) < D("1e-20")


@given(st.lists(totals, min_size=1, max_size=8))
def test_ranking_is_ordered_and_ties_share_a_rank(panels):
    items = [agg.aggregate(i, values, D(20)) for i, values in enumerate(panels)]
    ranked = agg.rank(items)
    assert sorted(i.key for i in ranked) == list(range(len(panels)))
    ranks = [i.rank for i in ranked]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    for before, after in zip(ranked, ranked[1:]):
        assert agg.quantize(before.panel_score) >= agg.quantize(after.panel_score)
        if after.rank == before.rank:
            assert before.tied and after.tied


@settings(max_examples=50)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5))
def test_weighted_total_runs_from_0_to_100(raw):
    specs = [agg.CriterionSpec(i, w, D(0), D(100)) for i, w in enumerate([40, 25, 15, 10, 10])]
    total = agg.weighted_total(specs, {i: D(v) for i, v in enumerate(raw)})
    assert D(0) <= total <= D(100)
    assert agg.weighted_total(specs, {i: D(100) for i in range(5)}) == D(100)
    assert agg.weighted_total(specs, {i: D(0) for i in range(5)}) == D(0)
