"""`jobwire token` prints a JWT the API accepts, for the user and lifetime asked."""

from __future__ import annotations

import time

import jwt
import pytest
from typer.testing import CliRunner

from jobwire.auth.tokens import InvalidToken, verify_token
from jobwire.cli.main import app
from jobwire.settings import Settings

SECRET = "token-command-test-secret-0123456789abcdef"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBWIRE_JWT_SECRET", SECRET)
    return CliRunner()


def test_token_is_signed_for_the_subject(runner: CliRunner) -> None:
    result = runner.invoke(app, ["token", "--sub", "alice", "--ttl", "120"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    principal = verify_token(Settings(_env_file=None, jwt_secret=SECRET), token)
    assert principal.user_id == "alice"
    assert principal.expires_at is not None
    assert 100 <= principal.expires_at.timestamp() - time.time() <= 121


def test_token_carries_requested_scopes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["token", "--sub", "ops", "--scope", "admin"])
    claims = jwt.decode(result.stdout.strip(), SECRET, algorithms=["HS256"])
    assert claims["scope"] == "admin"


def test_token_from_another_secret_is_refused(runner: CliRunner) -> None:
    token = runner.invoke(app, ["token", "--sub", "alice"]).stdout.strip()
    with pytest.raises(InvalidToken):
        verify_token(
            Settings(_env_file=None, jwt_secret="another-secret-0123456789abcdef0123456789"), token
        )


def test_token_needs_a_subject(runner: CliRunner) -> None:
    result = runner.invoke(app, ["token"])
    assert result.exit_code == 2
    assert "--sub" in result.output


def test_rs256_without_private_key_says_what_is_missing(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBWIRE_JWT_ALGORITHM", "RS256")
    result = runner.invoke(app, ["token", "--sub", "alice"])
    assert result.exit_code == 2
    assert "JOBWIRE_JWT_PRIVATE_KEY" in result.stderr
