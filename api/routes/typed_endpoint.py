"""Give a module-level handler a parameter type that is known only when the app starts.

FastAPI reads a route's body type from its handler's signature. The body of ``POST /api/jobs``
is the union of the registered job types, plugins included, so it exists only once the registry
has loaded; this lets the handler stay a plain function a reader finds by name, while each app
registers it with the union its own registry built.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def with_parameter_type(
    endpoint: Callable[P, Awaitable[R]], name: str, annotation: Any
) -> Callable[P, Awaitable[R]]:
    """``endpoint`` as FastAPI sees it with parameter ``name`` annotated as ``annotation``;
    calls go straight through to ``endpoint``, whose name and docstring it keeps."""
    signature = inspect.signature(endpoint, eval_str=True)
    if name not in signature.parameters:
        raise TypeError(f"{endpoint.__name__} has no parameter {name!r}")
    parameters = [
        parameter.replace(annotation=annotation) if parameter.name == name else parameter
        for parameter in signature.parameters.values()
    ]

    @functools.wraps(endpoint)
    async def typed(*args: P.args, **kwargs: P.kwargs) -> R:
        return await endpoint(*args, **kwargs)

    typed.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return typed
