"""The live feed section's figures from alternated rounds (no servers: rounds made by hand)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.feed_figures import Level, latency_row, section
from bench.feed_rounds import Round


def a_round(server: float, machine: float) -> Round:
    cpu = {"server": server, "clients": 0.04, "worker": 0.3, "Temporal": 0.4, "Redis": 0.05}
    return Round([], 0, 0, 0, cpu, busiest_client=0.02, machine=machine)


def level_of(feed_p99s: list[float], floor_p99s: list[float]) -> Level:
    """Each round's latencies all equal its p99 (seconds), so the figures are exact."""
    level = Level(clients=100)
    for feed, floor in zip(feed_p99s, floor_p99s, strict=True):
        level.feed.add(a_round(0.2, 1.2), [feed] * 100)
        level.floor.add(a_round(0.1, 1.1), [floor] * 100)
    level.polled = {"p50": 1000.0, "p99": 2000.0}
    return level


def test_a_level_reports_the_median_of_per_pair_p99_ratios_with_their_range() -> None:
    level = level_of([0.010, 0.020, 0.040], [0.010, 0.020, 0.010])
    row = latency_row(level)
    assert row[4] == "20.00 (10.00-40.00)"  # jobwire p99: median of the rounds (range)
    assert row[6] == "10.00 (10.00-20.00)"  # floor p99
    # Medians alone would give 20 / 10 = 2x; per pair the rounds give 1x, 1x and 4x.
    assert row[7] == "1.00x (1.00-4.00x)"


def test_the_section_shows_the_idle_memory_verdict_and_the_whole_machine() -> None:
    args = argparse.Namespace(processes=2, rounds=3, seconds=10.0)
    text = section(
        [level_of([0.01, 0.01, 0.01], [0.01, 0.01, 0.01])],
        {"API": 0.0, "worker": 0.35, "whole machine": 1.2},
        (1000, 45 * 1024, 32 * 1024),
        args,
        Path("feed-latency.png"),
        50,
        12.0,
    )
    assert "**45.0 KiB** (over the 30 KiB target)" in text
    assert "| 100 | jobwire | 20% | 4% (2%) | 30% | 40% | 5% | 99% | 120% of" in text
    assert "1.00x (1.00-1.00x)" in text
