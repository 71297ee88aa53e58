"""Each route is a handler a reader finds by name, and each app documents its own job types."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from api.app import create_app
from api.routes import job_actions, job_control, job_events, job_submit, jobs
from bench.support.counting import counting_registry
from jobwire.contract.registry import job_types
from jobwire.settings import Settings


def handlers(*routers: APIRouter) -> dict[tuple[str, str], Any]:
    return {
        (method, route.path): route.endpoint
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def submit_examples(app: FastAPI) -> set[str]:
    body = app.openapi()["paths"]["/api/jobs"]["post"]["requestBody"]
    return set(body["content"]["application/json"]["examples"])


def test_every_jobs_route_is_served_by_its_module_level_handler() -> None:
    served = handlers(
        job_submit.submit_router(job_types),
        jobs.router,
        job_control.router,
        job_control.restart_route(job_types),
        job_events.router,
        job_actions.router,
    )
    assert served[("GET", "/api/jobs")] is jobs.list_jobs
    assert served[("GET", "/api/jobs/stats")] is jobs.job_stats
    # Any segment but the collection's own resources (stats, stale, actions) is a job id.
    assert served[("GET", "/api/jobs/{job_id:job_segment}")] is jobs.get_job
    assert served[("POST", "/api/jobs/actions")] is job_actions.bulk_action
    assert served[("POST", "/api/jobs/{job_id}/pause")] is job_control.pause_job
    assert served[("POST", "/api/jobs/{job_id}/resume")] is job_control.resume_job
    assert served[("POST", "/api/jobs/{job_id}/cancel")] is job_control.cancel_job
    restart = served[("POST", "/api/jobs/{job_id}/restart")]
    assert restart.__wrapped__ is job_control.restart_job and restart.__name__ == "restart_job"
    assert served[("GET", "/api/jobs/{job_id}/events")] is job_events.job_events
    submit = served[("POST", "/api/jobs")]
    assert submit.__wrapped__ is job_submit.submit_job and submit.__name__ == "submit_job"


def test_each_app_takes_its_submit_body_from_its_own_registry() -> None:
    default = create_app(Settings())
    counting = create_app(Settings(), registry=counting_registry())
    assert submit_examples(counting) == {"count"}
    assert submit_examples(default) == set(job_types.names())
    assert "count" not in submit_examples(create_app(Settings()))
