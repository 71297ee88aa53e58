"""The registry of job types: each one's contract, found through entry points.

Every job type, built-in or not, is a ``JobTypeDefinition`` named in the
``jobwire.job_types`` entry-point group (``name = "package.module:JOB_TYPE"``); modules listed
in ``JOBWIRE_JOB_TYPE_MODULES`` add theirs through a ``JOB_TYPE`` attribute. Loading a
contract imports no phase code: the worker binds phases to functions on its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from importlib.metadata import entry_points
from types import ModuleType
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    Discriminator,
    SerializeAsAny,
    TypeAdapter,
    ValidationError,
)

from jobwire.contract.job_type import JobTypeDefinition, Phase
from jobwire.contract.migrations import migrate_spec
from jobwire.contract.specs import JobInput
from jobwire.errors import InvalidSpec

ENTRY_POINT_GROUP = "jobwire.job_types"
CONTRACT_ATTRIBUTE = "JOB_TYPE"

__all__ = ["ENTRY_POINT_GROUP", "JobSpec", "JobTypeDefinition", "JobTypeRegistry", "Phase"]


class JobTypeRegistry:
    """Knows every job type and validates specs against their union.

    ``installed``: the registry adds every installed job type (the entry points) on first
    use, as the process-wide ``job_types`` does; a registry without it knows only what is
    added to it, as a test's own registry should.
    """

    def __init__(self, *, installed: bool = False) -> None:
        self._types: dict[str, JobTypeDefinition] = {}
        self._adapter: TypeAdapter[Any] | None = None
        self._loaded = not installed

    def add(self, definition: JobTypeDefinition) -> JobTypeDefinition:
        self._types[definition.name] = definition
        self._adapter = None
        return definition

    def register(
        self,
        input_model: type[JobInput],
        phases: Sequence[Phase],
        *,
        phases_module: str,
        description: str = "",
        result_model: type[BaseModel] | None = None,
        settings_model: type[BaseModel] | None = None,
        examples: Sequence[dict[str, Any]] = (),
    ) -> JobTypeDefinition:
        return self.add(
            JobTypeDefinition.define(
                input_model,
                phases,
                phases_module=phases_module,
                description=description,
                result_model=result_model,
                settings_model=settings_model,
                examples=examples,
            )
        )

    def load(self, extra_modules: Sequence[str] = ()) -> None:
        """Adds every contract in the entry-point group, once, then the ``JOB_TYPE`` of each
        of ``extra_modules`` (``JOBWIRE_JOB_TYPE_MODULES``: job types not packaged)."""
        if not self._loaded:
            self._loaded = True
            for entry in entry_points(group=ENTRY_POINT_GROUP):
                self._add_loaded(entry.load(), entry.value)
        for module in extra_modules:
            self._add_loaded(importlib.import_module(module), module)
        self._adapter = None

    def _add_loaded(self, loaded: object, origin: str) -> None:
        if isinstance(loaded, ModuleType):
            # A module without JOB_TYPE registered itself on import (the older plugin shape).
            loaded = getattr(loaded, CONTRACT_ATTRIBUTE, None)
            if loaded is None:
                return
        if not isinstance(loaded, JobTypeDefinition):
            raise TypeError(
                f"{origin} gives {type(loaded).__name__}, not a JobTypeDefinition"
                f" (a job type names its contract, e.g. 'package.contract:{CONTRACT_ATTRIBUTE}')"
            )
        self.add(loaded)

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
        return Annotated[union, Discriminator("type")]

    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:
            self._adapter = TypeAdapter(self.union_type())
        return self._adapter

    def precheck(self, data: Any) -> Any:
        """Migrates an older spec and names an unknown or missing ``type`` in words, before
        pydantic validates the union (whose own message for these is cryptic)."""
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


job_types = JobTypeRegistry(installed=True)


def _parse_spec(value: Any) -> Any:
    if isinstance(value, JobInput):
        return value
    return job_types.parse_spec(value)


JobSpec = Annotated[SerializeAsAny[JobInput], BeforeValidator(_parse_spec)]
"""A field holding the concrete input model of whichever job type the data names."""
