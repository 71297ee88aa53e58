"""The CLI is the edge: only it imports the tiers, nothing but entry points imports it, and its
own modules import one another without a cycle. Read from the source, so no import runs."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TIERS = ("api", "realtime", "workflows", "activities")
PACKAGES = ("jobwire", *TIERS)
ENTRY_POINTS = {"jobwire/__main__.py"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` names in an import, anywhere in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sources(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_only_the_cli_imports_the_tiers() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources("jobwire")
        if not is_under(module_name(path), "jobwire.cli")
        for name in imported(path)
        if any(is_under(name, tier) for tier in TIERS)
    ]
    assert offenders == []


def test_nothing_but_an_entry_point_imports_the_cli() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(*PACKAGES)
        if not is_under(module_name(path), "jobwire.cli")
        and str(path.relative_to(ROOT)) not in ENTRY_POINTS
        for name in imported(path)
        if is_under(name, "jobwire.cli")
    ]
    assert offenders == []


def test_the_cli_modules_import_one_another_without_a_cycle() -> None:
    modules = {module_name(path): path for path in sources("jobwire/cli")}
    graph = {
        name: {other for other in imported(path) if other in modules and other != name}
        for name, path in modules.items()
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle in jobwire.cli: {exc.args[1]}") from None
    assert set(order) == set(modules)
