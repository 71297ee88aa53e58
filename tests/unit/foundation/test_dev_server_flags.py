"""The dev server ``jobwire dev`` starts fires short timers on time: Temporal's default lets a
new timer fire no sooner than a second after it is made, which held every phase retry after a
crash that long (measured: ``python -m bench.engine``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwire.cli.devstack.stack import DevStack
from jobwire.cli.devstack.temporal_server import TemporalDevServer
from jobwire.settings import Settings

SHIFT_FLAG = "history.timerProcessorMaxTimeShift"


def dev_server(tmp_path: Path, shift: float | None) -> TemporalDevServer:
    return TemporalDevServer(
        host="127.0.0.1",
        port=7233,
        ui_port=None,
        db_path=tmp_path / "t.sqlite",
        log_path=tmp_path / "t.log",
        timer_shift_seconds=shift,
    )


def test_the_timer_shift_goes_to_the_server_as_dynamic_config(tmp_path: Path) -> None:
    argv = dev_server(tmp_path, 0.01).argv()
    flag = argv.index(f'{SHIFT_FLAG}="10ms"')
    assert argv[flag - 1] == "--dynamic-config-value"


def test_without_a_shift_the_server_keeps_its_own_default(tmp_path: Path) -> None:
    assert not any(SHIFT_FLAG in arg for arg in dev_server(tmp_path, None).argv())


async def test_jobwire_dev_starts_its_server_with_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, temporal_dev_timer_shift_seconds=0.05)
    started: list[TemporalDevServer] = []

    async def start(self: TemporalDevServer, **_: object) -> None:
        started.append(self)

    monkeypatch.setattr(TemporalDevServer, "start", start)
    await DevStack(settings)._start_temporal()
    assert f'{SHIFT_FLAG}="50ms"' in started[0].argv()


def test_the_dev_server_applies_priority_and_fairness_keys(tmp_path: Path) -> None:
    argv = dev_server(tmp_path, None).argv()
    wanted = (
        "matching.useNewMatcher=true",
        "matching.enableFairness=true",
        "matching.numTaskqueueReadPartitions=1",
        "matching.numTaskqueueWritePartitions=1",
    )
    for value in wanted:
        assert argv[argv.index(value) - 1] == "--dynamic-config-value"
