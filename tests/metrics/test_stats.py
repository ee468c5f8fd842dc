"""The report's arithmetic: nearest-rank percentiles, rates, shares, the bottleneck."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_cli.metrics import stats


def test_nearest_rank_by_hand() -> None:
    values = [15, 20, 35, 40, 50]  # the textbook example: p30 is 20, p40 20, p50 35, p100 50
    assert stats.nearest_rank(values, 30) == 20
    assert stats.nearest_rank(values, 40) == 20
    assert stats.nearest_rank(values, 50) == 35
    assert stats.nearest_rank(values, 100) == 50
    assert stats.nearest_rank([3, 1, 2], 1) == 1  # unsorted input, smallest percentile
    # 0.9 * 10 is 9.000000000000002 in floating point; the rank must still be 9.
    assert stats.nearest_rank(list(range(1, 11)), 90) == 9


def test_median_of_an_even_count_is_the_lower_middle_value() -> None:
    assert stats.median([4, 1, 3, 2]) == 2
    assert stats.median([7]) == 7
    assert stats.median([]) is None


@pytest.mark.parametrize("percent", [0, -5, 100.5])
def test_percent_out_of_range(percent: float) -> None:
    with pytest.raises(ValueError):
        stats.nearest_rank([1, 2], percent)


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=60), st.integers(1, 100))
def test_nearest_rank_is_the_smallest_value_covering_the_percent(values: list[int], percent: int) -> None:
    v = stats.nearest_rank(values, percent)
    assert v in values
    n = len(values)
    needed = math.ceil(percent * n / 100)
    assert sum(x <= v for x in values) >= needed  # at least p % at or below it
    assert sum(x < v for x in values) < needed  # and it is the smallest such value


def test_rate_never_invents_a_figure() -> None:
    assert stats.rate(3, 4) == 0.75
    assert stats.rate(0, 4) == 0.0
    assert stats.rate(0, 0) is None
    assert stats.per_thousand(2, 9) == pytest.approx(2000 / 9)
    assert stats.per_thousand(1, 0) is None


def test_shares_and_bottleneck() -> None:
    totals = {"release": 11.0, "pick": 19.0, "pack": 6.0, "ship": 96.0, "deliver": 120.0}
    assert stats.shares(totals) == {k: pytest.approx(v / 252) for k, v in totals.items()}
    assert stats.bottleneck(totals) == "deliver"
    assert stats.bottleneck(totals, among=("release", "pick", "pack", "ship")) == "ship"
    assert stats.bottleneck({"a": 2.0, "b": 2.0, "c": 1.0}) == "a"  # a tie names the earlier step
    assert stats.bottleneck({"a": 0.0, "b": 0.0}) is None
    assert stats.shares({"a": 0.0}) == {"a": None}


def test_low_sample_and_mean() -> None:
    assert stats.is_low_sample(4, 5) and not stats.is_low_sample(5, 5)
    assert stats.mean([1, 2, 6]) == 3 and stats.mean([]) is None
