"""Typer reads a command's options from its signature; these helpers build such signatures at
run time, for the options every client command shares and for the flags of a job type's model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

KEYWORD = inspect.Parameter.KEYWORD_ONLY
EMPTY = inspect.Parameter.empty
F = TypeVar("F", bound=Callable[..., Any])


def keyword(
    name: str, annotation: Any, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    return inspect.Parameter(name, KEYWORD, default=default, annotation=annotation)


def resolved_parameters(function: Callable[..., Any]) -> list[inspect.Parameter]:
    """``function``'s parameters as keyword-only, annotations evaluated (typer needs objects,
    and a module with ``from __future__ import annotations`` holds strings)."""
    signature = inspect.signature(function, eval_str=True)
    return [parameter.replace(kind=KEYWORD) for parameter in signature.parameters.values()]


def with_signature(function: F, parameters: list[inspect.Parameter]) -> F:
    """Makes typer see ``parameters`` as ``function``'s signature."""
    function.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    function.__annotations__ = {p.name: p.annotation for p in parameters}
    return function
