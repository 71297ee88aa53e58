"""jobwire processes started the way production starts them, for crash and end-to-end tests."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from jobwire.cli.devstack.processes import ManagedProcess
from jobwire.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def settings_env(settings: Settings, **overrides: Any) -> dict[str, str]:
    """The environment that makes a child process build exactly these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBWIRE_")}
    values = settings.model_dump(mode="json", exclude_none=True) | overrides
    for name, value in values.items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"JOBWIRE_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    if settings.jwt_secret is not None:
        env["JOBWIRE_JWT_SECRET"] = settings.jwt_secret.get_secret_value()
    env["PYTHONPATH"] = str(ROOT)
    return env


def jobwire_process(
    command: str, settings: Settings, log_dir: Path, **overrides: Any
) -> ManagedProcess:
    """``jobwire <command>`` as a child in its own process group (``kill -9`` safe)."""
    return ManagedProcess(
        command,
        [sys.executable, "-m", "jobwire.cli.main", command],
        log_path=log_dir / f"{command}.log",
        env=settings_env(settings, **overrides),
        cwd=ROOT,
    )
