"""Liveness, readiness and metrics: what an orchestrator and Prometheus poll."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from api.dependencies import Liveness, Metrics, ServicesDep
from api.error_handlers import ProblemError, problem_responses
from api.models import Readiness
from jobwire.jobs.liveness import WorkerLiveness
from jobwire.settings import Settings

router = APIRouter(tags=["operations"])

CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process serves requests; says nothing about Temporal or Redis on purpose, so a
    Redis outage never gets healthy API replicas restarted."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(services: ServicesDep, liveness: Liveness) -> JSONResponse:
    """Ready means this replica can serve: Temporal and Redis answer. Workers are reported
    (``workers``: ``ok`` or ``none since <time>``) but never make it 503: without workers an
    API replica still lists, reads and accepts jobs (they wait in Temporal), and taking every
    replica out of the load balancer would turn a worker outage into a total one."""
    temporal, redis, workers = await asyncio.gather(
        _check(services.temporal.service_client.check_health()),
        _check(services.redis.ping()),
        _check(liveness.current()),
    )
    checks = {"temporal": temporal, "redis": redis}
    ready = all(value == "ok" for value in checks.values())
    checks["workers"] = workers
    body = Readiness(status="ready" if ready else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


async def _check(probe: Awaitable[object]) -> str:
    try:
        result = await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}: {exc}"[:300]
    if isinstance(result, WorkerLiveness):
        return result.summary()
    return "ok" if result is not False else "unhealthy"


async def metrics_caller(request: Request) -> None:
    """With ``metrics_token`` set, only a scraper that presents it reads the metrics (they name
    job types and request rates); unset, ``/metrics`` stays open as before."""
    settings: Settings = request.app.state.settings
    if settings.metrics_token is None:
        return
    expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
    given = request.headers.get("authorization", "").encode()
    if not hmac.compare_digest(given, expected):
        raise ProblemError(
            status.HTTP_401_UNAUTHORIZED,
            "/metrics needs the metrics bearer token",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )


@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(metrics_caller)],
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(401),
    },
)
async def metrics(api_metrics: Metrics) -> Response:
    return await api_metrics.exposition()
