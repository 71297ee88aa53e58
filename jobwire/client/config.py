"""Where the client finds its server and token: init values, ``JOBWIRE_*`` variables, a file.

Precedence, highest first: values passed in (CLI flags), ``JOBWIRE_URL`` / ``JOBWIRE_TOKEN``,
then ``~/.config/jobwire/config.toml`` (or the file given), e.g.::

    url = "https://jobs.example.org"
    token = "eyJ..."
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = Path.home() / ".config" / "jobwire" / "config.toml"
DEFAULT_URL = "http://127.0.0.1:8000"


class ClientSettings(BaseSettings):
    """How a client reaches jobwire; separate from the server's ``Settings`` on purpose."""

    model_config = SettingsConfigDict(
        env_prefix="JOBWIRE_",
        extra="ignore",
        toml_file=DEFAULT_CONFIG_FILE,
    )

    url: str = Field(default=DEFAULT_URL, description="The API's base URL.")
    token: SecretStr | None = Field(default=None, description="A bearer JWT.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds per HTTP request.")
    socket_transports: list[str] = Field(
        default_factory=lambda: ["websocket"],
        description="Engine.IO transports for the live feed: websocket and/or polling.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, config_file: Path | None = None, **values: Any) -> ClientSettings:
        """Settings from ``values`` (``None`` ones dropped), the environment and a TOML file."""
        given = {key: value for key, value in values.items() if value is not None}
        if config_file is None:
            return cls(**given)
        bound = type(
            cls.__name__,
            (cls,),
            {"model_config": SettingsConfigDict(**{**cls.model_config, "toml_file": config_file})},
        )
        settings: ClientSettings = bound(**given)
        return settings

    @property
    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token else None
