"""Where Chromium is missing, the browser tests fail and say how to install it; they never
skip. (This check runs without a browser, so it holds on a machine that lacks one.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.browser.stack import CHROMIUM, chromium_missing

pytestmark = pytest.mark.e2e


def test_a_missing_chromium_is_reported_with_how_to_install_it(tmp_path: Path) -> None:
    problem = chromium_missing(tmp_path / "chromium")
    assert problem is not None
    assert "apt-get install chromium" in problem
    assert str(tmp_path / "chromium") in problem


def test_a_file_that_cannot_run_is_no_browser(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o644)
    assert chromium_missing(fake) is not None


def test_the_browser_tests_drive_debians_chromium() -> None:
    assert str(CHROMIUM) == "/usr/bin/chromium"
    assert chromium_missing(CHROMIUM) is None, chromium_missing(CHROMIUM)


def test_no_browser_test_skips() -> None:
    """A skip marker or call anywhere in the browser tests would hide a missing browser."""
    here = Path(__file__).parent
    for path in here.glob("*.py"):
        text = path.read_text()
        if path.name == Path(__file__).name:
            continue
        for banned in ("pytest.skip", "mark.skip", "importorskip", "mark.xfail"):
            assert banned not in text, f"{path.name} uses {banned}"
