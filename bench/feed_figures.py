"""The live feed benchmark's figures per level, and the docs section that shows them."""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.feed_rounds import Round
from bench.feed_summary import median_shares, paired_ratios, spread
from bench.report import table
from bench.stack import percentiles

IDLE_TARGET_KIB = 30
BACKGROUND = ("worker", "Temporal", "Redis")


@dataclass
class Side:
    """Every round of one side (jobwire or the floor) at one level, in the order run."""

    rounds: list[Round] = field(default_factory=list)
    latencies: list[list[float]] = field(default_factory=list)

    def add(self, run: Round, latencies: list[float]) -> None:
        if not latencies:
            raise RuntimeError("a round's clients received no event")
        self.rounds.append(run)
        self.latencies.append(latencies)

    def per_round(self, cut: str) -> list[float]:
        """Each round's p50 or p99, in milliseconds."""
        return [percentiles(latencies)[cut] for latencies in self.latencies]

    def medians(self) -> tuple[float, float]:
        return statistics.median(self.per_round("p50")), statistics.median(self.per_round("p99"))

    def events(self) -> int:
        return sum(len(latencies) for latencies in self.latencies)


@dataclass
class Level:
    """What one client count measured: both sides' rounds and where jobwire's time went."""

    clients: int
    feed: Side = field(default_factory=Side)
    floor: Side = field(default_factory=Side)
    to_redis: list[float] = field(default_factory=list)
    from_redis: list[float] = field(default_factory=list)
    polled: dict[str, float] = field(default_factory=dict)


def latency_row(level: Level) -> list[object]:
    feed, floor = level.feed, level.floor
    wrong = sum(r.repeated for r in feed.rounds), sum(r.gaps for r in feed.rounds)
    resyncs = sum(r.resyncs for r in feed.rounds)
    return [
        level.clients,
        f"{feed.events()} / {floor.events()}",
        f"{wrong[0]} / {wrong[1]} / {resyncs}",
        f"{feed.medians()[0]:.2f}",
        spread(feed.per_round("p99")).format(),
        f"{floor.medians()[0]:.2f}",
        spread(floor.per_round("p99")).format(),
        paired_ratios(feed.per_round("p99"), floor.per_round("p99")).format("x"),
        cuts(level.to_redis),
        cuts(level.from_redis),
        cuts(level.polled),
    ]


def cuts(samples: Sequence[float] | dict[str, float]) -> str:
    if not samples:
        return "-"
    figures = samples if isinstance(samples, dict) else percentiles(samples)
    return f"{figures['p50']} / {figures['p99']}"


def cpu_rows(level: Level) -> list[list[object]]:
    """Per side, each process group's median share over its rounds (one core = 100%)."""
    rows: list[list[object]] = []
    for name, side in (("jobwire", level.feed), ("floor", level.floor)):
        shares = median_shares([run.cpu for run in side.rounds])
        busiest = statistics.median(run.busiest_client for run in side.rounds)
        machine = statistics.median(run.machine for run in side.rounds)
        rows.append(
            [
                level.clients,
                name,
                f"{shares['server']:.0%}",
                f"{shares['clients']:.0%} ({busiest:.0%})",
                *(f"{shares.get(group, 0.0):.0%}" for group in BACKGROUND),
                f"{sum(shares.values()):.0%}",
                f"{machine:.0%} of {(os.cpu_count() or 1) * 100}%",
            ]
        )
    return rows


def method(args: argparse.Namespace, jobs: int, floor_rate: float) -> str:
    return (
        f"`python -m bench.feed`: {jobs} counting jobs on one `jobwire worker`, about 10 "
        "progress events a second each, one `jobwire api`. At each level the clients (split "
        f"over {args.processes} processes of their own, each in its user's room and "
        "subscribed to that user's job) run in alternated rounds against jobwire and against "
        "the **floor**, a bare python-socketio server broadcasting to each of "
        f"{jobs} rooms as many events a second as each job published with no client connected "
        f"({floor_rate:.1f}; `bench/feed_floor.py`: no Redis, no replay, no ordering; what the "
        "library and this machine cost by themselves): jobwire, floor, jobwire, floor, ... "
        f"({args.rounds} rounds each, "
        f"{args.seconds:.0f} s recorded per round, fresh connections every round, the jobs "
        "going on throughout). A latency is the client's receipt time minus the event's "
        "`ts`: jobwire stamps it just before the publish, the floor with the time its event "
        "was due on a fixed schedule, so neither side's source slows down when its server "
        "falls behind and a backlog shows in both latencies. jobwire's is split where Redis "
        "appended the "
        "event (its stream ID; those two columns pool all rounds). Each p99 column is the "
        "median of the rounds' p99s (lowest-highest); the ratio is the median of each "
        "jobwire round's p99 over the floor round after it. A client decodes nothing while "
        "recording: it keeps each raw frame and its arrival time, and decodes after the "
        "window. **Polling**: `GET /api/jobs/{id}` once a second per job after the rounds, "
        "with no client connected; its figure is how old the progress shown is."
    )


def section(
    levels: list[Level],
    quiet: dict[str, float],
    idle: tuple[int, float, float],
    args: argparse.Namespace,
    plot_path: Path,
    jobs: int,
    floor_rate: float,
) -> str:
    header = [
        "clients",
        "events received, jobwire / floor",
        "repeated / missing / resync",
        "feed p50 ms",
        "feed p99 ms",
        "floor p50 ms",
        "floor p99 ms",
        "p99 ratio jobwire / floor",
        "publish→Redis p50 / p99 ms",
        "Redis→client p50 / p99 ms",
        "polling: age p50 / p99 ms",
    ]
    cpu_header = [
        "clients",
        "run",
        "server",
        "clients (busiest process)",
        *BACKGROUND,
        "sum",
        "whole machine",
    ]
    return "\n".join(
        [
            "## Live feed",
            "",
            method(args, jobs, floor_rate),
            "",
            table(header, [latency_row(level) for level in levels]),
            "",
            f"![Event latency against connected clients]({plot_path.name})",
            "",
            "Where the CPU went during each level's rounds (median over the rounds; one core "
            "= 100%; `server` is `jobwire api` or the floor's server; the clients' figure is "
            "all their processes, the busiest one alone in brackets; `whole machine` counts "
            "every process on it, so what it adds to the sum is other work on this shared "
            "machine, and a round it crowded is not comparable):",
            "",
            table(cpu_header, [row for level in levels for row in cpu_rows(level)]),
            "",
            footer(quiet, idle, jobs),
        ]
    )


def footer(quiet: dict[str, float], idle: tuple[int, float, float], jobs: int) -> str:
    """The figures taken once before the levels: the reference load's CPU and idle memory."""
    count, jobwire_idle, floor_idle = idle
    verdict = "within" if jobwire_idle / 1024 <= IDLE_TARGET_KIB else "over"
    return "\n".join(
        [
            f"The reference load alone ({jobs} jobs at ~10 events a second, no client "
            "connected), in process CPU seconds per wall second:",
            "",
            table(list(quiet), [[f"{share:.2f}" for share in quiet.values()]]),
            "",
            f"API memory per idle client ({count} clients, each subscribed to a finished job "
            "of its user, nothing published; RSS growth after connecting, before any round): "
            f"**{jobwire_idle / 1024:.1f} KiB** ({verdict} the {IDLE_TARGET_KIB} KiB target); "
            f"the bare python-socketio server with the same clients: {floor_idle / 1024:.1f} "
            "KiB.",
        ]
    )
