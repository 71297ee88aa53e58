"""The live feed benchmark's summary of alternated rounds: medians, per-pair ratios, spreads."""

from __future__ import annotations

import pytest

from bench.feed_summary import Spread, median_shares, paired_ratios, split, spread


def test_a_spread_is_the_median_with_the_lowest_and_highest_round() -> None:
    assert spread([3.0, 1.0, 2.0]) == Spread(median=2.0, low=1.0, high=3.0)
    assert spread([4.0, 1.0, 2.0, 3.0]) == Spread(median=2.5, low=1.0, high=4.0)


def test_ratios_pair_each_round_with_the_baseline_round_beside_it() -> None:
    # Pooled medians would give 20 / 10 = 2.0; per pair the rounds give 1.0, 1.0 and 4.0.
    ratios = paired_ratios([10.0, 20.0, 40.0], [10.0, 20.0, 10.0])
    assert ratios == Spread(median=1.0, low=1.0, high=4.0)


def test_a_spread_formats_as_median_then_range() -> None:
    assert Spread(1.234, 0.5, 2.0).format("x") == "1.23x (0.50-2.00x)"
    assert Spread(12.0, 10.0, 15.5).format(digits=1) == "12.0 (10.0-15.5)"


def test_median_shares_take_each_group_over_the_rounds_that_measured_it() -> None:
    rounds = [
        {"server": 0.2, "clients": 0.1},
        {"server": 0.4, "clients": 0.3, "Redis": 0.05},
        {"server": 0.3, "clients": 0.2},
    ]
    assert median_shares(rounds) == {"server": 0.3, "clients": 0.2, "Redis": 0.05}


def test_clients_spread_evenly_over_processes_and_none_gets_zero() -> None:
    assert split(1000, 2) == [(0, 500), (500, 500)]
    assert split(101, 2) == [(0, 51), (51, 50)]
    assert split(1, 2) == [(0, 1)]


@pytest.mark.parametrize(
    ("measured", "baseline", "reason"),
    [
        ([1.0, 2.0], [1.0], "2 rounds against 1 baseline rounds"),
        ([1.0], [0.0], "a baseline round measured nothing"),
        ([], [], "no rounds to summarise"),
    ],
)
def test_ratios_refuse_rounds_that_do_not_pair(
    measured: list[float], baseline: list[float], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        paired_ratios(measured, baseline)


def test_nothing_to_summarise_is_refused() -> None:
    with pytest.raises(ValueError, match="no rounds"):
        spread([])
    with pytest.raises(ValueError, match="no rounds"):
        median_shares([])
    with pytest.raises(ValueError, match="cannot spread 0 clients"):
        split(0, 2)
