"""Turns a CSV byte stream into one column's values, record by record, in linear time.

A quoted field may hold line breaks (RFC 4180), so a record ends at a line break only where
the quotes seen so far pair up (a quote inside a quoted field is doubled, so pairs hold). The
parity is kept per piece as bytes arrive, and a record's pieces are joined once, when it is
whole: a stray quote can no longer make each new line re-scan everything before it. A record
longer than the budget (a stray quote swallows the rest of the file into one) is a final,
named error, as is a dataset with more records than the budget.

The parser is synchronous and keeps its own state, so the scan feeds it block after block in
a worker thread, off the event loop other jobs run on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from activities.analysis.settings import AnalysisSettings
from activities.analysis.values import number
from jobwire.errors import InvalidSpec, JobFailed


@dataclass
class Parsed:
    """What one block gave: each data record's value, and the byte offset after it."""

    values: list[float | None] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    times: list[str | None] = field(default_factory=list)
    """Each record's time cell, when a time column is read."""


class CsvColumn:
    """Reads ``column`` of a CSV from byte ``position`` on (0: the header comes first)."""

    def __init__(
        self,
        column: str,
        column_index: int | None,
        position: int,
        limits: AnalysisSettings,
        *,
        records: int = 0,
        time_column: str | None = None,
        time_index: int | None = None,
    ) -> None:
        self.column = column
        self.column_index = column_index
        self.time_column = time_column
        self.time_index = time_index
        self.position = position
        self.records = records
        self._limits = limits
        self._pieces: list[bytes] = []
        self._size = 0
        self._odd_quotes = False

    def feed(self, block: bytes) -> Parsed:
        parsed = Parsed()
        segments = block.split(b"\n")
        for segment in segments[:-1]:
            self._add(segment + b"\n")
            if not self._odd_quotes:
                self._record(parsed)
        self._add(segments[-1])
        return parsed

    def finish(self) -> Parsed:
        """The last record, which may lack a final line break."""
        parsed = Parsed()
        if self._size:
            self._record(parsed)
        if self.column_index is None:
            raise JobFailed("EmptyDataset", "the dataset is empty: not even a header row")
        return parsed

    def _add(self, piece: bytes) -> None:
        if not piece:
            return
        self._size += len(piece)
        if self._size > self._limits.max_record_bytes:
            raise JobFailed(
                "CsvRecordTooLong",
                f"the CSV record at byte {self.position} is longer than"
                f" {self._limits.max_record_bytes} bytes (an unpaired quote makes the rest of"
                " the file one record)",
            )
        self._odd_quotes ^= bool(piece.count(b'"') & 1)
        self._pieces.append(piece)

    def _record(self, parsed: Parsed) -> None:
        raw = b"".join(self._pieces)
        self._pieces, self._size, self._odd_quotes = [], 0, False
        start = self.position
        self.position += len(raw)
        text = raw.decode("utf-8", errors="replace").strip("\r\n")
        if self.column_index is None:
            self._header(text.lstrip("\ufeff"))
            return
        if not text:
            return
        fields = _fields(text, start)
        self.records += 1
        if self.records > self._limits.max_records:
            raise JobFailed(
                "DatasetTooLarge", f"the dataset has more than {self._limits.max_records} records"
            )
        index = self.column_index
        parsed.values.append(number(fields[index]) if index < len(fields) else None)
        parsed.ends.append(self.position)
        if self.time_index is not None:
            parsed.times.append(_cell(fields, self.time_index))

    def _header(self, text: str) -> None:
        header = _fields(text, 0)
        if self.column not in header:
            raise InvalidSpec(
                f"the dataset has no column {self.column!r} (its columns: {header[:50]})",
                field="column",
            )
        self.column_index = header.index(self.column)
        if self.time_column is not None:
            if self.time_column not in header:
                raise InvalidSpec(
                    f"the dataset has no column {self.time_column!r} (its columns: {header[:50]})",
                    field="time_column",
                )
            self.time_index = header.index(self.time_column)


def _cell(fields: list[str], index: int) -> str | None:
    return fields[index].strip() or None if index < len(fields) else None


def _fields(text: str, start: int) -> list[str]:
    try:
        return next(csv.reader([text]), [])
    except csv.Error as exc:
        raise JobFailed("MalformedCsv", f"the CSV record at byte {start}: {exc}") from None
