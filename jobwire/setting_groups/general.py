"""What every jobwire process shares: its environment, where it keeps data, how it logs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class GeneralSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="Outside development, real secrets are required."
    )
    data_dir: Path = Field(default=Path(".jobwire"), description="Dev server state, Redis data.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: Literal["console", "json"] = Field(
        default="console", description="`json`: one object per line, for log shippers."
    )
