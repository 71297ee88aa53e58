"""A CSV dataset cannot make the scan work without end: a stray quote, an endless line, too
many records or a field past the csv module's limit each fail the job once, by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import activities  # noqa: F401
from activities.analysis.csv_records import CsvColumn
from activities.analysis.settings import AnalysisSettings
from jobwire.errors import JobFailed
from tests.unit.jobtypes.harness import Harness, Stop, checkpoint, unit_settings


def file_spec(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "analysis", "dataset": {"kind": "file", "path": name}} | extra


def write_rows(path: Path, rows: int, *, stray_quote_at: int | None = None) -> None:
    lines = ["date,close,note"]
    for i in range(rows):
        note = 'say "hi' if i == stray_quote_at else "ok"
        lines.append(f"2026-01-01,{100 + i % 7},{note}")
    path.write_text("\n".join(lines) + "\n")


async def scan(tmp_path: Path, spec: dict[str, Any], **analysis: Any) -> dict[str, Any]:
    settings = unit_settings(files_root=tmp_path, job_types={"analysis": analysis})
    return await Harness(settings).run(spec, "scan")


async def test_a_stray_quote_is_a_final_error_naming_the_record(tmp_path: Path) -> None:
    write_rows(tmp_path / "prices.csv", 20_000, stray_quote_at=10)
    with pytest.raises(JobFailed, match="longer than 131072 bytes") as caught:
        await scan(tmp_path, file_spec("prices.csv"))
    assert caught.value.error_type == "CsvRecordTooLong"
    assert "unpaired quote" in caught.value.detail


async def test_a_line_past_the_budget_is_a_final_error(tmp_path: Path) -> None:
    (tmp_path / "wide.csv").write_text("date,close\n2026-01-01," + "9" * 5000 + "\n")
    with pytest.raises(JobFailed) as caught:
        await scan(tmp_path, file_spec("wide.csv"), max_record_bytes=1000)
    assert caught.value.error_type == "CsvRecordTooLong"


async def test_a_field_past_the_csv_modules_limit_is_a_final_error_not_a_retry(
    tmp_path: Path,
) -> None:
    field = '"' + "x" * 200_000 + '"'
    (tmp_path / "big.csv").write_text(f"date,close\n{field},1\n")
    with pytest.raises(JobFailed) as caught:
        await scan(tmp_path, file_spec("big.csv"), max_record_bytes=1_000_000)
    assert caught.value.error_type == "MalformedCsv"
    assert "field larger than field limit" in caught.value.detail


async def test_more_records_than_the_budget_fail_also_after_a_resume(tmp_path: Path) -> None:
    write_rows(tmp_path / "prices.csv", 250)
    spec = file_spec("prices.csv", chunk_rows=100)
    assert (await scan(tmp_path, spec, max_records=250))["aggregates"]["rows"] == 250
    with pytest.raises(JobFailed, match="more than 249 records") as caught:
        await scan(tmp_path, spec, max_records=249)
    assert caught.value.error_type == "DatasetTooLarge"

    first = Harness(unit_settings(files_root=tmp_path, job_types={"analysis": {}}))
    first.stop_after = 2
    with pytest.raises(Stop, match="row 200"):
        await first.run(spec, "scan")
    resumed = checkpoint(first.heartbeats[-1].state, "scan", done=200)
    tighter = unit_settings(files_root=tmp_path, job_types={"analysis": {"max_records": 249}})
    with pytest.raises(JobFailed, match="more than 249 records"):
        await Harness(tighter).run(spec, "scan", resumed=resumed)


def test_a_quoted_field_spanning_many_blocks_ends_where_its_quote_closes() -> None:
    """The quote parity is carried from block to block, so the lines in between are one
    record, and the offset after each record is where a resumed scan would start."""
    parser = CsvColumn("close", None, 0, AnalysisSettings(max_record_bytes=10_000_000))
    blocks = [b"date,close\n", b'2026-01-01,1,"stray\n', *[b"2026-01-02,2\n"] * 10_000]
    assert all(parser.feed(block).values == [] for block in blocks)
    parsed = parser.feed(b'closing"\n2026-01-03,3\n')
    assert parsed.values == [1.0, 3.0]
    fed = sum(map(len, blocks)) + len(b'closing"\n2026-01-03,3\n')
    assert parsed.ends[-1] == parser.position == fed
