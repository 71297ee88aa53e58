"""``--webhook URL`` on ``jobwire submit``: a URL alone names the webhook, JSON says more."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.unit.cli.fake_api import FakeApi, problem
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


class KeyedApi(FakeApi):
    """The fake API, also answering ``GET /api/me/webhook-secret``."""

    status = 200

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/me/webhook-secret":
            return super().handle(request)
        if self.status != 200:
            return problem(self.status, "Service Unavailable", "webhooks are not configured")
        return httpx.Response(200, json={"user_id": "alice", "secret": "whsec_" + "ab" * 32})


def test_webhook_secret_prints_the_key_first_and_json_on_request(runner):
    api = KeyedApi()
    result = run(api, runner, "webhook-secret")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "whsec_" + "ab" * 32
    assert "Jobwire-Signature" in result.output and "Jobwire-Delivery" in result.output
    result = run(api, runner, "webhook-secret", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["secret"] == "whsec_" + "ab" * 32 and shown["user_id"] == "alice"


def test_webhook_secret_says_why_when_the_server_has_no_key(runner):
    api = KeyedApi()
    api.status = 503
    result = run(api, runner, "webhook-secret")
    assert result.exit_code != 0
    assert "webhooks are not configured" in result.output and "Traceback" not in result.output


class PreferencesApi(FakeApi):
    """The fake API, also keeping a default webhook at ``/api/me/webhook``."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, str] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/me/webhook":
            return super().handle(request)
        if request.method == "PUT":
            self.default = json.loads(request.content)
        elif request.method == "DELETE":
            self.default = None
            return httpx.Response(204)
        source = "user" if self.default else None
        return httpx.Response(200, json={"webhook": self.default, "source": source})


def test_webhook_set_show_and_clear_the_users_default(runner):
    api = PreferencesApi()
    result = run(api, runner, "webhook")
    assert result.exit_code == 0, result.output
    assert "no default webhook" in result.output

    result = run(api, runner, "webhook", "set", HOOK, "--events", "state_changes")
    assert result.exit_code == 0, result.output
    assert api.default == {"url": HOOK, "events": "state_changes"}
    assert result.output.splitlines()[0] == HOOK and "set by you" in result.output

    result = run(api, runner, "webhook", "show", "--json")
    assert json.loads(result.output) == {
        "webhook": {"url": HOOK, "events": "state_changes"},
        "source": "user",
    }
    result = run(api, runner, "webhook", "clear")
    assert result.exit_code == 0, result.output
    assert api.default is None and "no default webhook" in result.output


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "not a url", ""])
def test_webhook_set_refuses_a_bad_url_before_calling_the_api(runner, url):
    api = PreferencesApi()
    result = run(api, runner, "webhook", "set", url)
    assert_clean_failure(result, 2)
    assert "URL" in result.output and api.default is None
