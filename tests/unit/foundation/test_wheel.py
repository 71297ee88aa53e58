"""The wheel holds the product and only the product: the tiers, the kernel, the console's
build and the job types' examples, and neither the benchmarks nor the tests. Built for real,
so a packaging setting that drifts fails here and not on a user's machine."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(out), str(ROOT)], check=True)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_ships_the_product_and_not_the_benchmarks(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"jobwire", "api", "activities", "realtime", "workflows"}
    for example in ("research.json", "trade.json", "analysis.json"):
        assert f"activities/examples/{example}" in names
    if (ROOT / "api" / "console" / "dist" / "index.html").exists():
        assert "api/console/dist/index.html" in names


def test_an_installed_job_type_reads_its_shipped_examples(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import activities.research.contract as c, sys;"
        "assert c.__file__.startswith(sys.argv[1]), c.__file__;"
        "print(len(c.JOB_TYPE.examples))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(target)],
        env={"PYTHONPATH": str(target)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(done.stdout) >= 1
