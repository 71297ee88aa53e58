"""The size limits that keep each module one idea a reader takes in at once.

Import direction and cycles are checked by ``lint-imports`` (contracts in pyproject.toml);
these are the limits no linter we use measures: lines per module and per function. Tests and
benchmarks may hold longer modules (a benchmark is one script), never longer functions outside
``bench/``'s exceptions named here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("jobwire", "api", "realtime", "workflows", "activities")
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def product_modules() -> list[Path]:
    return sorted(path for package in PRODUCT for path in (ROOT / package).rglob("*.py"))


def long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_layout_has_product_modules_to_check() -> None:
    assert len(product_modules()) > 50


@pytest.mark.parametrize("package", PRODUCT)
def test_no_product_module_is_over_the_line_limit(package: str) -> None:
    too_long = [
        f"{path.relative_to(ROOT)} ({lines} lines)"
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []


@pytest.mark.parametrize("package", [*PRODUCT, "bench"])
def test_no_function_is_over_the_line_limit(package: str) -> None:
    too_long = [found for path in (ROOT / package).rglob("*.py") for found in long_functions(path)]
    assert too_long == []


def test_the_limit_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def too_long() -> None:\n{body}\n")
    assert long_functions(sample, root=tmp_path) == ["sample.py:1 too_long (61 lines)"]


def test_the_import_contracts_hold() -> None:
    """The layering (the kernel imports no tier, nothing imports the edge, no cycle inside a
    package) is import-linter's contracts in pyproject.toml; a broken one fails here too."""
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:]
