"""What clients read to configure themselves: job types with schemas and examples, server meta."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request

from api.auth import app_settings
from api.dependencies import Liveness, Registry
from api.models import JobTypeInfo, ServerMeta, WorkerStatus
from jobwire import __version__
from jobwire.jobs.liveness import NO_WORKER_MESSAGE, TaskQueueLiveness

router = APIRouter(prefix="/api", tags=["meta"])
logger = logging.getLogger(__name__)

WORKER_CHECK_TIMEOUT_SECONDS = 3.0


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
async def server_meta(request: Request, liveness: Liveness) -> ServerMeta:
    """Also whether workers poll the task queue, so a console can say why jobs wait; a
    Temporal that does not answer leaves ``workers`` null rather than failing the call."""
    settings = app_settings(request)
    return ServerMeta(
        version=__version__,
        temporal_ui_url=settings.temporal_ui_base,
        temporal_namespace=settings.temporal_namespace,
        workers=await _worker_status(liveness),
    )


async def _worker_status(liveness: TaskQueueLiveness) -> WorkerStatus | None:
    try:
        seen = await asyncio.wait_for(liveness.current(), WORKER_CHECK_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("could not describe the task queue", exc_info=True)
        return None
    return WorkerStatus(
        polling=seen.polling,
        last_seen=seen.last_seen,
        message=None if seen.polling else NO_WORKER_MESSAGE,
    )
