"""The numbers an analysis computes with: what a dataset cell may hold, and what counts as
a number.

The aggregates square, multiply and divide values, so a value past ``LARGEST_VALUE`` or a
non-zero one below ``SMALLEST_VALUE`` overflows a float somewhere along the way. A spec's
inline cells outside that range are refused at submit; a CSV cell outside it is skipped like
any other cell that is not a number.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

LARGEST_VALUE = 1e12
SMALLEST_VALUE = 1e-12
LONGEST_TEXT = 200


def in_range(value: float) -> bool:
    """Whether the aggregates can compute with ``value``: finite, 0, or 1e-12 to 1e12 in size."""
    size = abs(value)
    return math.isfinite(value) and (size == 0 or SMALLEST_VALUE <= size <= LARGEST_VALUE)


def number(cell: Any) -> float | None:
    """A cell's numeric value, or ``None`` for an empty, non-numeric or out-of-range cell."""
    if cell is None or isinstance(cell, bool):
        return None
    try:
        value = float(cell)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if in_range(value) else None


def _cell(value: Any) -> Any:
    """One check with one message, where a plain union would report a failure per member."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > LONGEST_TEXT:
            raise ValueError(f"a text cell holds at most {LONGEST_TEXT} characters")
        value_as_number = number(value)
        if value_as_number is None and _numeric(value):
            raise ValueError(_RANGE)
        return value
    if isinstance(value, int | float):
        if (
            not (math.isfinite(value) if isinstance(value, float) else True)
            or number(value) is None
        ):
            raise ValueError(_RANGE)
        return value
    raise ValueError("a cell is a number, a string, a boolean or null")


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_RANGE = (
    f"a number must be finite and 0 or between {SMALLEST_VALUE:g} and {LARGEST_VALUE:g} in size"
)

Cell = Annotated[
    float | int | str | bool | None,
    PlainValidator(_cell),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": -LARGEST_VALUE, "maximum": LARGEST_VALUE},
                {"type": "string", "maxLength": LONGEST_TEXT},
                {"type": "boolean"},
                {"type": "null"},
            ],
            "description": "A number (0, or 1e-12 to 1e12 in size), text, a boolean or null.",
        }
    ),
]
"""A cell of an inline row."""
