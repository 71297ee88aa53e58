"""Settings come from JOBWIRE_* variables, then .env, then defaults; bad ones are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from jobwire.settings import DEVELOPMENT_JWT_SECRET, Settings


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBWIRE_TEMPORAL_ADDRESS", "temporal.internal:7234")
    monkeypatch.setenv("JOBWIRE_TASK_QUEUE", "research-jobs")
    monkeypatch.setenv("JOBWIRE_CORS_ORIGINS", '["https://console.example"]')
    settings = Settings(_env_file=None)
    assert settings.temporal_address == "temporal.internal:7234"
    assert settings.temporal_port == 7234
    assert settings.task_queue == "research-jobs"
    assert settings.cors_origins == ["https://console.example"]


def test_plain_redis_url_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://cache:6380/2")
    assert Settings(_env_file=None).redis_url == "redis://cache:6380/2"


def test_jobwire_redis_url_wins_over_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://other:6379/0")
    monkeypatch.setenv("JOBWIRE_REDIS_URL", "redis://mine:6379/0")
    assert Settings(_env_file=None).redis_url == "redis://mine:6379/0"


def test_dotenv_file_is_read_and_environment_beats_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("JOBWIRE_API_PORT=9100\nJOBWIRE_TEMPORAL_NAMESPACE=research\n")
    monkeypatch.setenv("JOBWIRE_TEMPORAL_NAMESPACE", "trading")
    settings = Settings(_env_file=env_file)
    assert settings.api_port == 9100
    assert settings.temporal_namespace == "trading"


def test_production_refuses_a_missing_secret() -> None:
    with pytest.raises(ValidationError, match="JOBWIRE_JWT_SECRET"):
        Settings(_env_file=None, environment="production")


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="JOBWIRE_JWT_SECRET"):
        Settings(_env_file=None, environment="production", jwt_secret=DEVELOPMENT_JWT_SECRET)


def test_production_with_rs256_needs_a_public_key() -> None:
    with pytest.raises(ValidationError, match="PUBLIC_KEY"):
        Settings(_env_file=None, environment="production", jwt_algorithm="RS256")


def test_development_signs_with_the_development_secret() -> None:
    assert Settings(_env_file=None).jwt_signing_secret == DEVELOPMENT_JWT_SECRET


def test_out_of_range_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBWIRE_HEARTBEAT_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValidationError, match="heartbeat_timeout_seconds"):
        Settings(_env_file=None)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(_env_file=None, environment="production", jwt_secret="short")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "api.example.com"])
def test_development_refuses_its_public_secret_beyond_loopback(host: str) -> None:
    with pytest.raises(ValidationError, match="beyond loopback"):
        Settings(_env_file=None, api_host=host)
    with pytest.raises(ValidationError, match="beyond loopback"):
        Settings(_env_file=None, api_host=host, jwt_secret=DEVELOPMENT_JWT_SECRET)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_development_keeps_its_secret_on_loopback(host: str) -> None:
    assert Settings(_env_file=None, api_host=host).jwt_signing_secret == DEVELOPMENT_JWT_SECRET


def test_a_real_secret_may_listen_anywhere() -> None:
    settings = Settings(_env_file=None, api_host="0.0.0.0", jwt_secret="r" * 40)
    assert settings.api_host == "0.0.0.0"


def test_a_refused_value_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBWIRE_TEMPORAL_API_KEY", '["hunter2-very-secret"]')
    monkeypatch.setenv("JOBWIRE_JWT_SECRET", '{"hunter3": "also-secret"}')
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, environment="production")
    assert "hunter" not in str(refused.value)
    assert "also-secret" not in str(refused.value)


def test_job_type_settings_arrive_by_type_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES", "8")
    monkeypatch.setenv("JOBWIRE_JOB_TYPES__TRADE__MARKET_HOURS", "09:30-16:00")
    assert Settings(_env_file=None).job_types == {
        "research": {"max_sources": "8"},
        "trade": {"market_hours": "09:30-16:00"},
    }


def test_job_type_settings_are_not_kernel_fields() -> None:
    moved = [name for name in Settings.model_fields if name.startswith(("research_", "trade_"))]
    assert moved == []
    assert "llm_api_key" not in Settings.model_fields


def test_a_crashed_phase_retries_at_once_yet_a_transient_outage_still_gets_its_retries() -> None:
    settings = Settings(_env_file=None)
    delays = [
        min(
            settings.retry_initial_interval_seconds * settings.retry_backoff_coefficient**n,
            settings.retry_maximum_interval_seconds,
        )
        for n in range(settings.retry_maximum_attempts - 1)
    ]
    # After kill -9, recovery waits the heartbeat timeout and then the first retry delay: the
    # delay must not add a second to it. The attempts that follow still span a brief outage.
    assert delays[0] <= 0.25
    assert sum(delays) >= 15
