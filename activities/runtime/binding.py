"""Binds each phase a contract names to its function: the one place phase code is imported.

A contract names its phases module by dotted path; the function of a phase is that module's
attribute of the same name. Only the worker calls this, so the API and the CLI never import
a job type's I/O. A phase without a function stops the worker as it starts, naming both.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from activities.runtime.context import PhaseContext
from jobwire.contract.job_type import JobTypeDefinition, Phase

PhaseFunction = Callable[[PhaseContext], Awaitable[dict[str, Any]]]
"""``async def phase(ctx: PhaseContext) -> dict``: the phase's output, JSON-ready; the last
phase's output is the job's result."""


class PhaseBindingError(LookupError):
    """A contract names a phase its phases module does not define (or not as a coroutine)."""


@dataclass(frozen=True)
class BoundPhase:
    definition: JobTypeDefinition
    phase: Phase
    run: PhaseFunction


def bind_job_type(definition: JobTypeDefinition) -> list[BoundPhase]:
    """Imports the type's phases module and finds every phase's function in it."""
    try:
        module = importlib.import_module(definition.phases_module)
    except ImportError as exc:
        raise PhaseBindingError(
            f"job type {definition.name!r}: its phases module"
            f" {definition.phases_module!r} cannot be imported: {exc}"
        ) from exc
    bound = []
    for phase in definition.phases:
        function = getattr(module, phase.name, None)
        if not inspect.iscoroutinefunction(function):
            raise PhaseBindingError(
                f"job type {definition.name!r}: phase {phase.name!r} has no async function"
                f" {definition.phases_module}.{phase.name}"
            )
        bound.append(BoundPhase(definition, phase, function))
    return bound


def bind_phases(definitions: Iterable[JobTypeDefinition]) -> list[BoundPhase]:
    """Every phase of every type, bound; fails on the first phase without a function."""
    return [bound for definition in definitions for bound in bind_job_type(definition)]
