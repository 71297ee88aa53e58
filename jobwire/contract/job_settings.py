"""Each job type's own settings, read from its slice of ``Settings.job_types``.

``Settings`` stays the only reader of the environment:
``JOBWIRE_JOB_TYPES__RESEARCH__MAX_SOURCES=8`` lands in
``settings.job_types["research"]["max_sources"]``, and the job type's settings model validates
that slice. The worker validates every slice as it starts, so a bad value stops it at once
with the variable's name instead of failing the first job that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from jobwire.contract.job_type import JobTypeDefinition

ENV_PREFIX = "JOBWIRE_JOB_TYPES"


class JobTypeSettingsError(ValueError):
    """A job type's settings slice is wrong; the message names each variable at fault."""


def env_name(job_type: str, field: str) -> str:
    """The variable that sets ``field`` of ``job_type``: ``JOBWIRE_JOB_TYPES__TYPE__FIELD``."""
    return f"{ENV_PREFIX}__{job_type.upper()}__{field.upper()}"


def settings_for(
    definition: JobTypeDefinition, slices: Mapping[str, Mapping[str, Any]]
) -> BaseModel | None:
    """The job type's validated settings, or ``None`` for a type that declares none."""
    values = dict(slices.get(definition.name, {}))
    model = definition.settings_model
    if model is None:
        if values:
            raise JobTypeSettingsError(
                f"job type {definition.name!r} has no settings, yet"
                f" {', '.join(env_name(definition.name, key) for key in values)} is set"
            )
        return None
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise JobTypeSettingsError(_describe(definition.name, exc)) from None


def validate_job_type_settings(
    definitions: Iterable[JobTypeDefinition], slices: Mapping[str, Mapping[str, Any]]
) -> dict[str, BaseModel]:
    """Every type's settings, validated once; settings for a type nobody registered are a
    typo and refused too."""
    definitions = list(definitions)
    unknown = sorted(set(slices) - {definition.name for definition in definitions})
    if unknown:
        raise JobTypeSettingsError(
            f"settings for unknown job types {', '.join(map(repr, unknown))}"
            f" ({ENV_PREFIX}__<TYPE>__<FIELD>); known types:"
            f" {', '.join(definition.name for definition in definitions)}"
        )
    validated: dict[str, BaseModel] = {}
    for definition in definitions:
        settings = settings_for(definition, slices)
        if settings is not None:
            validated[definition.name] = settings
    return validated


def _describe(job_type: str, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = "__".join(str(part) for part in error["loc"])
        # A check across fields (a model validator) has no field of its own: name the type's.
        variable = env_name(job_type, where) if where else f"{ENV_PREFIX}__{job_type.upper()}"
        problems.append(f"{variable}: {error['msg']}")
    return f"invalid settings of job type {job_type!r}: " + "; ".join(problems)
