"""The one place jobwire reads its configuration from.

Every component receives a ``Settings`` instance at start-up instead of reading the environment
itself, so a test or a second replica can run with other values in the same process.
"""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobwire.secret_rules import MIN_SECRET_LENGTH, refuse_beyond_loopback
from jobwire.setting_groups.activities import ActivitySettings
from jobwire.setting_groups.api import ApiSettings
from jobwire.setting_groups.auth import AuthSettings
from jobwire.setting_groups.fairness import FairnessSettings
from jobwire.setting_groups.general import GeneralSettings
from jobwire.setting_groups.observability import ObservabilitySettings
from jobwire.setting_groups.redis import RedisSettings
from jobwire.setting_groups.schedules import ScheduleSettings
from jobwire.setting_groups.temporal import TemporalSettings
from jobwire.setting_groups.webhooks import WebhookSettings

DEVELOPMENT_JWT_SECRET = "jobwire-development-secret-do-not-use-in-production"
"""Signs tokens when no secret is configured; refused outside development."""


class Settings(
    BaseSettings,
    WebhookSettings,
    ActivitySettings,
    FairnessSettings,
    AuthSettings,
    ObservabilitySettings,
    ApiSettings,
    ScheduleSettings,
    RedisSettings,
    TemporalSettings,
    GeneralSettings,
):
    """jobwire's configuration: ``JOBWIRE_*`` variables, then ``.env``, then defaults.

    One class reads them all; its fields are declared by concern in ``setting_groups`` (the
    groups listed last come first in the README's table)."""

    model_config = SettingsConfigDict(
        env_prefix="JOBWIRE_",
        env_file=".env",
        env_file_encoding="utf-8",
        # Only `job_types` is a nested field: JOBWIRE_JOB_TYPES__<TYPE>__<FIELD>.
        env_nested_delimiter="__",
        extra="ignore",
        populate_by_name=True,
        # A refused value is named, never echoed: it may be a secret or a key.
        hide_input_in_errors=True,
    )

    @model_validator(mode="after")
    def _refuse_development_secrets_elsewhere(self) -> Settings:
        if self.environment == "development":
            if self.jwt_algorithm == "HS256" and self.jwt_signing_secret == DEVELOPMENT_JWT_SECRET:
                refuse_beyond_loopback(self.api_host)
            return self
        if self.jwt_algorithm == "HS256":
            secret = self.jwt_secret.get_secret_value() if self.jwt_secret else None
            if not secret or secret == DEVELOPMENT_JWT_SECRET or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    "JOBWIRE_JWT_SECRET must be set to a real secret of at least 32 characters"
                    " outside development"
                )
        elif not self.jwt_public_key:
            raise ValueError("JOBWIRE_JWT_PUBLIC_KEY is required with RS256")
        return self

    @property
    def jwt_signing_secret(self) -> str:
        """The HS256 secret, falling back to the development one in development only."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return DEVELOPMENT_JWT_SECRET
