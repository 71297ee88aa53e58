"""requirements.lock must pin everything pyproject.toml asks for, extras included.

CI installs from the lock alone, so a dependency added to pyproject.toml without `make lock`
works on a developer's machine and breaks on a clean clone; this test catches that first.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]


def locked_names() -> set[str]:
    text = (ROOT / "requirements.lock").read_text()
    return {canonicalize_name(m) for m in re.findall(r"^([A-Za-z0-9._-]+)==", text, re.M)}


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
    return [Requirement(line) for line in lines]


def extra_requirements(requirement: Requirement) -> list[Requirement]:
    """What `name[extra]` pulls in beyond `name`, read from the installed distribution."""
    found: list[Requirement] = []
    for line in importlib.metadata.requires(requirement.name) or []:
        nested = Requirement(line)
        if nested.marker is None:
            continue
        if any(nested.marker.evaluate({"extra": extra}) for extra in requirement.extras):
            found.append(nested)
    return found


def test_every_declared_dependency_is_locked() -> None:
    locked = locked_names()
    missing = [
        str(req) for req in declared_requirements() if canonicalize_name(req.name) not in locked
    ]
    assert not missing, f"run `make lock`: {missing} are not in requirements.lock"


def test_every_extra_a_dependency_asks_for_is_locked() -> None:
    locked = locked_names()
    missing = [
        f"{req.name}[{','.join(sorted(req.extras))}] -> {nested.name}"
        for req in declared_requirements()
        if req.extras
        for nested in extra_requirements(req)
        if canonicalize_name(nested.name) not in locked
    ]
    assert not missing, f"run `make lock`: {missing} are not in requirements.lock"
