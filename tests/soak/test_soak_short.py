"""The soak in its short form, as CI runs it: every job completes and every client gets every
event of its job once and in order, through a worker kill, an API restart, a Redis outage, every API
instance killed at once and a restart of the Temporal dev server (the long form is
`python -m bench.soak`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import render, soak

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


async def test_the_short_soak_loses_nothing(tmp_path: Path) -> None:
    report = await soak("short", tmp_path)
    print(render(report))
    for problem in report.problems:
        print(problem)
    assert len(report.steps) == 5, "every chaos step ran"
    assert report.states == {"completed": 20}, report.states
    assert report.delivery.events_expected > 0
    assert report.delivery.missing == 0, report.problems
    assert report.delivery.repeated == 0, report.problems
    assert report.delivery.repeated_after_reconnect == 0, report.problems
    assert report.delivery.out_of_order == 0, "in order on the raw socket, across reconnects"
    assert report.slices_filled > 0 and report.slices_filled_twice == 0
    assert report.reconnects > 0, "the API restart moved clients to the other instance"
