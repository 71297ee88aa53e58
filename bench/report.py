"""Writes one benchmark's section of docs/BENCHMARKS.md, leaving the others as they are."""

from __future__ import annotations

import argparse
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

from bench.stack import ROOT

PATH = ROOT / "docs" / "BENCHMARKS.md"
HEADER = """# Benchmarks

Figures from `bench/`, each measured beside a baseline in the same run, because these
machines are shared and noisy: compare the ratio, not the absolute numbers. Regenerate a
section with the command shown in it.
"""


def add_docs_option(parser: argparse.ArgumentParser) -> None:
    """``--docs``: where the section goes; a short run of the harness writes elsewhere."""
    parser.add_argument(
        "--docs", type=Path, default=PATH, help=f"the page the figures go to [{PATH.name}]"
    )


def write_section(name: str, body: str, path: Path = PATH) -> None:
    text = path.read_text() if path.exists() else HEADER
    now, python = datetime.now(UTC), platform.python_version()
    stamp = f"{now:%Y-%m-%d %H:%M} UTC, {platform.machine()}, Python {python}"
    section = (
        f"<!-- bench:{name} -->\n{body.strip()}\n\n_Measured {stamp}._\n<!-- /bench:{name} -->"
    )
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else f"{text}\n{section}\n"
    path.write_text(text)


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
