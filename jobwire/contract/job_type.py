"""What a job type is to the kernel: a contract, with no code that does I/O.

A contract names its input and result models, its phases (with their share of the progress
bar), its settings model, its examples, and the dotted path of the module holding its phase
functions. The API and the CLI need only the contract to validate and describe a spec; the
worker alone imports the phases module and binds each phase name to its function, so the
job types' heavy dependencies load only where phases run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from jobwire.contract.specs import JobInput


@dataclass(frozen=True)
class Phase:
    """One durable step of a job: a single activity whose result lands in history. Its
    function is the attribute of the same name in the job type's phases module."""

    name: str
    weight: float = 1.0
    description: str = ""


Planner = Callable[[JobInput, BaseModel | None], Sequence[str]]
"""Names the phases one spec runs, given the job type's settings (``None`` for a type without
any); raises ``InvalidSpec`` for a spec these settings cannot run."""


@dataclass(frozen=True)
class JobTypeDefinition:
    name: str
    input_model: type[JobInput]
    phases: tuple[Phase, ...]
    phases_module: str
    description: str = ""
    result_model: type[BaseModel] | None = None
    settings_model: type[BaseModel] | None = None
    examples: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    final_errors: tuple[type[BaseException], ...] = ()
    """Exceptions of the type's own that recur on every attempt: they fail the job at once."""
    planner: Planner | None = None
    """Picks the phases a spec needs (all of them without one); the plan is fixed when the job
    starts and travels in the workflow's input, so a running job never changes its phases."""

    @classmethod
    def define(  # noqa: PLR0913 -- keyword-only parts of one contract, each named
        cls,
        input_model: type[JobInput],
        phases: Sequence[Phase],
        *,
        phases_module: str,
        description: str = "",
        result_model: type[BaseModel] | None = None,
        settings_model: type[BaseModel] | None = None,
        examples: Sequence[dict[str, Any]] = (),
        final_errors: Sequence[type[BaseException]] = (),
        planner: Planner | None = None,
    ) -> JobTypeDefinition:
        """The contract, its name taken from the input model's ``Literal`` ``type``."""
        name = input_model.model_fields["type"].default
        if not isinstance(name, str) or not name:
            raise TypeError(f"{input_model.__name__}.type needs a Literal default")
        if not phases:
            raise ValueError(f"job type {name!r} needs at least one phase")
        return cls(
            name=name,
            input_model=input_model,
            phases=tuple(phases),
            phases_module=phases_module,
            description=description or (input_model.__doc__ or "").strip(),
            result_model=result_model,
            settings_model=settings_model,
            examples=tuple(examples),
            final_errors=tuple(final_errors),
            planner=planner,
        )

    @property
    def phase_names(self) -> list[str]:
        return [phase.name for phase in self.phases]

    def phases_for(self, spec: JobInput, settings: BaseModel | None = None) -> tuple[Phase, ...]:
        """The phases ``spec`` runs, in the type's order: a phase only some specs need (a
        research job's search, for a spec without sources) is left out of the others, whose
        jobs then run exactly as before it existed."""
        if self.planner is None:
            return self.phases
        names = set(self.planner(spec, settings))
        chosen = tuple(phase for phase in self.phases if phase.name in names)
        if not chosen:
            raise ValueError(f"job type {self.name!r} planned no phase for this spec")
        return chosen

    def activity_name(self, phase: Phase) -> str:
        """Each phase is its own activity type, so Temporal's UI and CLI name what runs."""
        return f"{self.name}.{phase.name}"


def examples_from(path: Path) -> tuple[dict[str, Any], ...]:
    """The examples kept in a JSON file (one spec, or a list of them), so each exists once.

    A missing file gives none: an installed package may ship without the checkout's
    ``examples/`` folder, and a job type without examples is still a job type.
    """
    if not path.is_file():
        return ()
    loaded = json.loads(path.read_text(encoding="utf-8"))
    return tuple(loaded) if isinstance(loaded, list) else (loaded,)
