"""Where the client's URL and token come from: flags over environment over the config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwire.client.config import ClientSettings


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('url = "http://from-file:1"\ntoken = "file-token"\n')
    return path


def test_the_config_file_is_read(config_file, monkeypatch):
    monkeypatch.delenv("JOBWIRE_URL", raising=False)
    monkeypatch.delenv("JOBWIRE_TOKEN", raising=False)
    settings = ClientSettings.load(config_file)
    assert (settings.url, settings.token_value) == ("http://from-file:1", "file-token")


def test_the_environment_beats_the_file(config_file, monkeypatch):
    monkeypatch.setenv("JOBWIRE_URL", "http://from-env:2")
    monkeypatch.delenv("JOBWIRE_TOKEN", raising=False)
    settings = ClientSettings.load(config_file)
    assert (settings.url, settings.token_value) == ("http://from-env:2", "file-token")


def test_flags_beat_everything_and_unset_flags_do_not_count(config_file, monkeypatch):
    monkeypatch.setenv("JOBWIRE_TOKEN", "env-token")
    settings = ClientSettings.load(config_file, url="http://from-flag:3", token=None)
    assert (settings.url, settings.token_value) == ("http://from-flag:3", "env-token")


def test_a_missing_file_leaves_the_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBWIRE_URL", raising=False)
    monkeypatch.delenv("JOBWIRE_TOKEN", raising=False)
    settings = ClientSettings.load(tmp_path / "absent.toml")
    assert settings.url == "http://127.0.0.1:8000" and settings.token is None
