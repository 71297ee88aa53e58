"""Writes one benchmark's section of docs/BENCHMARKS.md, leaving the others as they are."""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime

from bench.stack import ROOT

PATH = ROOT / "docs" / "BENCHMARKS.md"
HEADER = """# Benchmarks

Figures from `bench/`, each measured beside a baseline in the same run, because these
machines are shared and noisy: compare the ratio, not the absolute numbers. Regenerate a
section with the command shown in it.
"""


def write_section(name: str, body: str) -> None:
    text = PATH.read_text() if PATH.exists() else HEADER
    now, python = datetime.now(UTC), platform.python_version()
    stamp = f"{now:%Y-%m-%d %H:%M} UTC, {platform.machine()}, Python {python}"
    section = (
        f"<!-- bench:{name} -->\n{body.strip()}\n\n_Measured {stamp}._\n<!-- /bench:{name} -->"
    )
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else f"{text}\n{section}\n"
    PATH.write_text(text)


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
