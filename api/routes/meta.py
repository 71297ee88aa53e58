"""What clients read to configure themselves: job types with schemas and examples, server meta."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.auth import app_settings
from api.dependencies import Registry
from api.models import JobTypeInfo, ServerMeta
from jobwire import __version__

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/job-types", response_model=list[JobTypeInfo], response_model_by_alias=True)
async def job_types(registry: Registry) -> list[JobTypeInfo]:
    """Each type's input schema drives the console's generated submit form."""
    return [
        JobTypeInfo(
            type=definition.name,
            description=definition.description,
            phases=definition.phase_names,
            json_schema=definition.input_model.model_json_schema(),
            example=definition.examples[0] if definition.examples else None,
        )
        for definition in registry.definitions()
    ]


@router.get("/schema/job-spec")
async def job_spec_schema(registry: Registry) -> dict[str, Any]:
    """The JSON Schema of the whole JobSpec union, for validators outside Python."""
    return registry.json_schema()


@router.get("/meta", response_model=ServerMeta)
async def server_meta(request: Request) -> ServerMeta:
    settings = app_settings(request)
    return ServerMeta(
        version=__version__,
        temporal_ui_url=settings.temporal_ui_base,
        temporal_namespace=settings.temporal_namespace,
    )
