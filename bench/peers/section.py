"""The "Peers" section of docs/BENCHMARKS.md, from one run's rows."""

from __future__ import annotations

import statistics

from bench.peers.run import Row
from bench.peers.shape import Crash, Fanout, Profile, milliseconds
from bench.report import table

COMMANDS = {"full": "python -m bench.peers", "short": "python -m bench.peers --short"}


def crash_cell(crash: Crash | None) -> str:
    if crash is None:
        return "-"
    before = f"killed after {crash.done_before_kill} of {crash.items} items"
    resumed = (
        f"work resumes {crash.seconds_to_resume:.1f} s after the kill"
        if crash.seconds_to_resume is not None
        else "no work resumes"
    )
    if not crash.finished:
        lost = "**lost**: " if crash.seconds_to_resume is None else "not finished: "
        still = f"still `{crash.state_after}` {crash.waited:.0f} s after the kill"
        return f"{lost}{still}, {resumed} ({before})"
    plural = "item" if crash.redone == 1 else "items"
    redone = "nothing redone" if crash.redone == 0 else f"**{crash.redone} {plural} redone**"
    missing = f", {crash.missing} items never done" if crash.missing else ""
    return (
        f"completes {crash.seconds_to_finish:.1f} s after the kill, {redone}{missing}; "
        f"{resumed} ({before})"
    )


def _first(row: Row) -> str:
    if row.latency is None:
        return "-"
    firsts = row.latency.first_progress
    if not firsts:
        return "never"
    return f"{statistics.median(firsts) * 1000:.0f} (max {max(firsts) * 1000:.0f})"


def main_rows(rows: list[Row], profile: Profile) -> list[list[object]]:
    lines: list[list[object]] = []
    for row in rows:
        latency = row.latency
        p50, p99 = milliseconds(latency.latencies) if latency else ("-", "-")
        seen = f"{latency.seen_share:.0%}" if latency else "-"
        rates = {rate.concurrency: f"{rate.per_second:.0f}" for rate in row.rates}
        lines.append(
            [
                f"**{row.system}**",
                row.how,
                _first(row),
                p50,
                p99,
                seen,
                *(rates.get(level, "-") for level in profile.concurrency),
                crash_cell(row.crash),
            ]
        )
    return lines


def _fanout_cells(fanout: Fanout | None) -> list[object]:
    if fanout is None:
        return ["-"] * 4
    p50, p99 = milliseconds([v for watch in fanout.watched for v in watch.latencies])
    expected = fanout.items * fanout.subscribers
    failed = len(fanout.failed)
    received = f"{fanout.received}/{expected}" + (f", {failed} failed" if failed else "")
    history = fanout.history_events if fanout.history_events is not None else "-"
    return [received, p50, p99, history]


def fanout_rows(rows: list[Row]) -> tuple[list[str], list[list[object]]]:
    with_fanout = [row for row in rows if row.fanouts]
    levels = sorted({f.subscribers for row in with_fanout for f in row.fanouts})
    header = ["subscribers"]
    for row in with_fanout:
        header += [
            f"{row.system}: reports received",
            "p50 ms",
            "p99 ms",
            "history events",
        ]
    lines: list[list[object]] = []
    for level in levels:
        line: list[object] = [level]
        for row in with_fanout:
            line += _fanout_cells(next((f for f in row.fanouts if f.subscribers == level), None))
        lines.append(line)
    return header, lines


def errors(rows: list[Row]) -> list[str]:
    found = []
    for row in rows:
        watches = list(row.latency.watched) if row.latency else []
        watches += [watch for fanout in row.fanouts for watch in fanout.watched]
        kinds = sorted({watch.error for watch in watches if watch.error})
        found += [f"- {row.system}: a client failed with `{kind}`" for kind in kinds]
    return found


def section(rows: list[Row], profile: Profile) -> str:
    shape, crash = profile.shape, profile.crash_shape
    header = [
        "system",
        "how progress reaches the client",
        "submit → first progress seen, ms: median (max)",
        "progress latency p50 ms",
        "p99 ms",
        "reports seen",
        *(f"jobs/s submitted x{level}" for level in profile.concurrency),
        f"`kill -9` of the worker mid-job ({crash.items} items x "
        f"{crash.item_seconds * 1000:.0f} ms)",
    ]
    fan_header, fan_lines = fanout_rows(rows)
    failures = errors(rows)
    parts = [
        "## Peers",
        "",
        f"`{COMMANDS[profile.name]}`: the same job on each system, on one Temporal dev server "
        "and one Redis, every worker a real process (two per system, so one can take over "
        f"from the other): {shape.items} items, {shape.item_seconds * 1000:.0f} ms of sleep "
        "each, a progress report after every item stamped with the wall time it was sent, "
        "and each item appended to a Redis list so a crash shows what ran twice. "
        f"{profile.jobs} jobs run at once, each followed by one client in this process; a "
        "latency is the client's receipt minus the report's stamp, and a polling client "
        "never sees the reports that fall between two polls (*reports seen*). First progress "
        f"includes the first item's {shape.item_seconds * 1000:.0f} ms. Jobs per second: "
        f"{profile.submissions} submissions per system at each concurrency, after everything "
        "else, in four bursts per system whose order rotates, to a queue no worker "
        "consumes, so only accepting the job is timed (`send_task` from threads, as "
        "Celery's client blocks; `start_workflow`; `POST /api/jobs` to a second `jobwire "
        "api`). The kill hits the worker process group running the job once a "
        f"third of its items are done; a job not finished {profile.crash_wait:.0f} s later "
        f"counts as lost. Temporal-based systems retry a silent activity after a "
        "2 s heartbeat timeout and resume from their last heartbeat; Celery keeps no "
        "checkpoint.",
        "",
        table(header, main_rows(rows, profile)),
    ]
    if fan_lines:
        parts += [
            "",
            "One job followed by many clients at once (Workflow Streams: each subscriber a "
            "`WorkflowStreamClient`, each of its polls a workflow update; jobwire: each a "
            "Socket.IO client subscribed to the job). *History events* is the length of the "
            "job's Temporal history when it ended.",
            "",
            table(fan_header, fan_lines),
        ]
    if failures:
        parts += ["", *failures]
    return "\n".join(parts)
