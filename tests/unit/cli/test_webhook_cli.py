"""``--webhook URL`` on ``jobwire submit``: a URL alone names the webhook, JSON says more."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.cli.fake_api import FakeApi
from tests.unit.cli.test_jobs_cli import assert_clean_failure, run

HOOK = "https://example.com/hook"


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.delenv("JOBWIRE_URL", raising=False)
    monkeypatch.delenv("JOBWIRE_TOKEN", raising=False)
    monkeypatch.setattr("jobwire.client.config.DEFAULT_CONFIG_FILE", tmp_path / "none.toml")
    return CliRunner()


def test_a_typed_submit_takes_a_bare_url_as_the_webhook(api, runner):
    result = run(api, runner, "submit", "research", "--topic", "tides", "--webhook", HOOK)
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["webhook"] == {"url": HOOK, "events": "terminal"}


def test_a_typed_submit_takes_the_webhook_as_json_too(api, runner):
    hook = json.dumps({"url": HOOK, "events": "state_changes"})
    result = run(api, runner, "submit", "research", "--topic", "tides", "--webhook", hook)
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["webhook"] == {"url": HOOK, "events": "state_changes"}


def test_a_submit_without_a_webhook_sends_none(api, runner):
    result = run(api, runner, "submit", "research", "--topic", "tides")
    assert result.exit_code == 0, result.output
    assert "webhook" not in api.submitted[0]


def test_a_bad_webhook_url_names_the_flag_and_exits_2(api, runner):
    result = run(api, runner, "submit", "research", "--topic", "t", "--webhook", "ftp://x/y")
    assert_clean_failure(result, 2)
    assert "--webhook.url" in result.output and api.submitted == []


def test_submit_file_with_webhook_overrides_the_file(api, runner, tmp_path: Path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"type": "research", "topic": "t", "webhook": {"url": "https://a"}}))
    result = run(api, runner, "submit", "--file", str(spec), "--webhook", HOOK)
    assert result.exit_code == 0, result.output
    assert api.submitted[0]["webhook"] == {"url": HOOK, "events": "terminal"}


def test_submit_help_shows_the_webhook_option(api, runner):
    result = run(api, runner, "submit", "research", "--help", token=False)
    assert "--webhook" in result.output and "URL|JSON" in result.output
