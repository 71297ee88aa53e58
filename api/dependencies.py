"""What a request handler gets, as ``Annotated`` aliases: the caller, the shared clients and
the job service, each made once at start-up and found on ``app.state``.

Each is ``async def`` although it awaits nothing: FastAPI runs a plain ``def`` dependency in
its thread pool, a hop per dependency per request that under a hundred pollers queued for
the pool's threads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from api.auth import current_principal
from api.metrics import ApiMetrics
from api.rate_limit import SubmissionLimiter
from jobwire.auth.tokens import Principal
from jobwire.connections.services import Services
from jobwire.contract.registry import JobTypeRegistry
from jobwire.jobs.liveness import TaskQueueLiveness
from jobwire.jobs.preferences import UserPreferencesStore
from jobwire.jobs.service import JobService
from jobwire.schedules.service import ScheduleService


async def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _jobs(request: Request) -> JobService:
    jobs: JobService = request.app.state.jobs
    return jobs


async def _schedules(request: Request) -> ScheduleService:
    schedules: ScheduleService = request.app.state.schedules
    return schedules


async def _preferences(request: Request) -> UserPreferencesStore:
    preferences: UserPreferencesStore = request.app.state.preferences
    return preferences


async def _redis(request: Request) -> Redis:
    services: Services = request.app.state.services
    return services.redis


async def _liveness(request: Request) -> TaskQueueLiveness:
    liveness: TaskQueueLiveness = request.app.state.liveness
    return liveness


async def _limiter(request: Request) -> SubmissionLimiter:
    limiter: SubmissionLimiter = request.app.state.limiter
    return limiter


async def _action_limiter(request: Request) -> SubmissionLimiter:
    limiter: SubmissionLimiter = request.app.state.action_limiter
    return limiter


async def _metrics(request: Request) -> ApiMetrics:
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


async def _registry(request: Request) -> JobTypeRegistry:
    registry: JobTypeRegistry = request.app.state.registry
    return registry


# The verified token's user; every /api/jobs call acts for this user only.
CurrentUser = Annotated[Principal, Depends(current_principal)]
ServicesDep = Annotated[Services, Depends(_services)]
Jobs = Annotated[JobService, Depends(_jobs)]
Schedules = Annotated[ScheduleService, Depends(_schedules)]
Preferences = Annotated[UserPreferencesStore, Depends(_preferences)]
RedisDep = Annotated[Redis, Depends(_redis)]
Limiter = Annotated[SubmissionLimiter, Depends(_limiter)]
ActionLimiter = Annotated[SubmissionLimiter, Depends(_action_limiter)]
Metrics = Annotated[ApiMetrics, Depends(_metrics)]
Registry = Annotated[JobTypeRegistry, Depends(_registry)]
Liveness = Annotated[TaskQueueLiveness, Depends(_liveness)]
