"""Tables that fit the terminal by leaving columns out, never by cutting the ones they keep.

rich fits a wide table into a narrow terminal by squeezing every column: at 80 columns a job
list showed ``job-705d32ad-eb58-4fa8-a2a9-06f8ee3c3…`` and ``runni…``, an id nobody can copy
and a state nobody can read. Here each column has a rank; the lowest-ranked ones are left
out until the rest fit whole (a column that may wrap counts at its narrowest), and the
command says which it left out. The first-ranked columns stay whatever the width: an id is
folded onto a second line rather than cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

GAP = 2
"""rich's padding between two columns of a table without a box."""


@dataclass(frozen=True)
class Column:
    header: str
    rank: int
    """0 for what the table is for (always shown); higher ones go first when space is short."""
    wraps: bool = False
    """Free text that may wrap onto more lines, down to ``narrowest`` characters."""
    narrowest: int = 16


Cell = str | Text


def fitted_table(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> tuple[Table, list[str]]:
    """The table of the columns that fit ``console``'s width, in their given order, and the
    headers of those left out."""
    kept = fitting(columns, rows, console.width)
    table = Table(box=None, pad_edge=False)
    for index in kept:
        column = columns[index]
        # What the table is for folds onto more lines rather than lose its end.
        table.add_column(
            column.header,
            no_wrap=not (column.wraps or column.rank == 0),
            overflow="fold" if column.rank == 0 else "ellipsis",
        )
    for row in rows:
        table.add_row(*(row[index] for index in kept))
    hidden = [column.header for index, column in enumerate(columns) if index not in kept]
    return table, hidden


def fitting(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> list[int]:
    """The indexes of the columns to show: every rank-0 column, then by rank (and, within a
    rank, from the left) as long as the table stays within ``width``."""
    needs = [_need(column, [row[index] for row in rows]) for index, column in enumerate(columns)]
    order = sorted(range(len(columns)), key=lambda index: (columns[index].rank, index))
    kept: list[int] = []
    used = -GAP
    for index in order:
        wanted = used + GAP + needs[index]
        if columns[index].rank > 0 and wanted > width:
            continue
        kept.append(index)
        used = wanted
    return sorted(kept)


def _need(column: Column, cells: Sequence[Cell]) -> int:
    widest = max(
        [
            len(column.header),
            *(cell_len(cell) if isinstance(cell, str) else cell.cell_len for cell in cells),
        ]
    )
    return min(widest, max(column.narrowest, len(column.header))) if column.wraps else widest


def hidden_note(hidden: Sequence[str]) -> str | None:
    """What to tell a person whose terminal hid columns, and how to see them."""
    if not hidden:
        return None
    return f"{', '.join(hidden)} left out to fit the terminal; a wider one or --json shows them"
