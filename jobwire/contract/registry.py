"""The registry of job types: input model, phases (one activity each), one line to register.

Built-in types register when ``activities`` is imported; a separately installed package adds
its own through the ``jobwire.job_types`` entry-point group, whose entries are modules that
call ``job_types.register(...)`` on import.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from jobwire.contract.specs import JobInput
from jobwire.errors import InvalidSpec

ENTRY_POINT_GROUP = "jobwire.job_types"
BUILTIN_MODULES = ("activities",)


PhaseFunction = Callable[[Any], Awaitable[dict[str, Any]]]
"""``async def phase(ctx: PhaseContext) -> dict``: the phase's output, JSON-ready; the last
phase's output is the job's result."""


@dataclass(frozen=True)
class Phase:
    """One durable step of a job: a single activity whose result lands in history."""

    name: str
    run: PhaseFunction
    weight: float = 1.0
    description: str = ""


@dataclass(frozen=True)
class JobTypeDefinition:
    name: str
    input_model: type[JobInput]
    phases: tuple[Phase, ...]
    description: str = ""
    result_model: type[BaseModel] | None = None
    examples: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def phase_names(self) -> list[str]:
        return [phase.name for phase in self.phases]

    def activity_name(self, phase: Phase) -> str:
        """Each phase is its own activity type, so Temporal's UI and CLI name what runs."""
        return f"{self.name}.{phase.name}"


class JobTypeRegistry:
    """Knows every job type and validates specs against their union."""

    def __init__(self) -> None:
        self._types: dict[str, JobTypeDefinition] = {}
        self._adapter: TypeAdapter[Any] | None = None
        self._loaded = False

    def register(
        self,
        input_model: type[JobInput],
        phases: Sequence[Phase],
        *,
        description: str = "",
        result_model: type[BaseModel] | None = None,
        examples: Sequence[dict[str, Any]] = (),
    ) -> JobTypeDefinition:
        name = input_model.model_fields["type"].default
        if not isinstance(name, str) or not name:
            raise TypeError(f"{input_model.__name__}.type needs a Literal default")
        if not phases:
            raise ValueError(f"job type {name!r} needs at least one phase")
        definition = JobTypeDefinition(
            name=name,
            input_model=input_model,
            phases=tuple(phases),
            description=description or (input_model.__doc__ or "").strip(),
            result_model=result_model,
            examples=tuple(examples),
        )
        self._types[name] = definition
        self._adapter = None
        return definition

    def load(self, extra_modules: Sequence[str] = ()) -> None:
        """Imports the built-in job types and every installed plugin, once, then any
        ``extra_modules`` (``JOBWIRE_JOB_TYPE_MODULES``: job types not packaged as plugins)."""
        if not self._loaded:
            self._loaded = True
            for module in BUILTIN_MODULES:
                importlib.import_module(module)
            for entry in entry_points(group=ENTRY_POINT_GROUP):
                entry.load()
        for module in extra_modules:
            importlib.import_module(module)
        self._adapter = None

    def get(self, name: str) -> JobTypeDefinition:
        self.load()
        try:
            return self._types[name]
        except KeyError:
            raise InvalidSpec(
                f"unknown job type {name!r}; known types: {', '.join(self.names())}",
                field="type",
            ) from None

    def names(self) -> list[str]:
        self.load()
        return sorted(self._types)

    def definitions(self) -> list[JobTypeDefinition]:
        self.load()
        return [self._types[name] for name in sorted(self._types)]

    def phases(self) -> list[tuple[JobTypeDefinition, Phase]]:
        """Every phase of every type, for the worker to turn into activities."""
        return [(d, phase) for d in self.definitions() for phase in d.phases]

    def union_type(self) -> Any:
        """``Annotated[A | B | ..., discriminator]``: the JobSpec body type for OpenAPI."""
        models = tuple(definition.input_model for definition in self.definitions())
        if len(models) == 1:
            return models[0]
        union: Any = models[0]
        for model in models[1:]:
            union = union | model
        return Annotated[union, Field(discriminator="type")]

    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:
            self._adapter = TypeAdapter(self.union_type())
        return self._adapter

    def precheck(self, data: Any) -> Any:
        """Migrates an older spec and names an unknown or missing ``type`` in words, before
        pydantic validates the union (whose own message for these is cryptic)."""
        from jobwire.contract.migrations import migrate_spec

        if not isinstance(data, dict):
            return data
        kind = data.get("type")
        if kind is None:
            raise ValueError(f"a job spec needs a 'type', one of: {', '.join(self.names())}")
        if not isinstance(kind, str) or kind not in self.names():
            raise ValueError(f"unknown job type {kind!r}; known types: {', '.join(self.names())}")
        return migrate_spec(data)

    def parse_spec(self, data: Any) -> JobInput:
        """Validates raw data into the concrete input model, migrating older versions first."""
        from jobwire.contract.migrations import migrate_spec

        if isinstance(data, dict):
            data = migrate_spec(data)
            kind = data.get("type")
            if isinstance(kind, str):
                self.get(kind)
        try:
            spec = self.adapter().validate_python(data)
        except ValidationError as exc:
            raise InvalidSpec.from_validation_error(
                exc, union_tags=frozenset(self.names())
            ) from exc
        assert isinstance(spec, JobInput)
        return spec

    def json_schema(self) -> dict[str, Any]:
        return self.adapter().json_schema()


job_types = JobTypeRegistry()
