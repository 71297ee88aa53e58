"""Local files a job may read: only below ``Settings.files_root``, never outside it.

Both the research sources and the analysis datasets name files by a path relative to the
configured root. The check resolves symlinks before comparing, so a link inside the root that
points out of it is refused like a plain ``../``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from jobwire.errors import InvalidSpec
from jobwire.settings import Settings


def check_relative(path: str) -> str:
    """Refuses, at validation time, paths that could never be under the root."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or path.startswith("\\") or ":" in pure.parts[0]:
        raise ValueError("must be a relative path below the configured files root")
    if any(part == ".." for part in pure.parts):
        raise ValueError("must not contain '..'")
    return path


def resolve_under_root(settings: Settings, path: str, *, field: str) -> Path:
    """The real file ``path`` names below ``settings.files_root``; InvalidSpec otherwise."""
    root = settings.files_root
    if root is None:
        raise InvalidSpec(
            "local files are disabled: no files root is configured (JOBWIRE_FILES_ROOT)",
            field=field,
        )
    base = root.resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base):
        raise InvalidSpec(f"{path!r} is outside the files root", field=field)
    if not target.is_file():
        raise InvalidSpec(f"{path!r} is not a file below the files root", field=field)
    return target
