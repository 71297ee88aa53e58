"""The API and the CLI load job types' contracts only: none of their I/O libraries.

Each check runs in a fresh interpreter, since this test process has long imported them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("numpy", "trafilatura", "bm25s", "datasketches")

BUILD_API = """
from api.app import create_app
from jobwire.settings import Settings

app = create_app(Settings(_env_file=None))
app.openapi()
"""

BUILD_CLI = """
import typer
from typer.main import get_command

from jobwire.cli.main import app
from jobwire.contract.registry import job_types

command = get_command(app)
assert sorted(command.commands["submit"].commands) == job_types.names()
job_types.parse_spec(job_types.definitions()[0].examples[0])
"""


def loaded_after(script: str) -> list[str]:
    report = f"import sys, json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run(
        [sys.executable, "-c", script + "\n" + report],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("script", [BUILD_API, BUILD_CLI], ids=["api", "cli"])
def test_building_the_api_or_the_cli_imports_no_job_io(script: str) -> None:
    assert loaded_after(script) == []
