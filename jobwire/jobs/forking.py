"""Forking a job from a phase: a new job of the same user that reuses what the source's
finished phases handed on, instead of running them again.

A fork is planned first (the source found and ended, the phase known, every phase before it
finished, the spec merged and valid) and started second, so a caller can spend a rate-limit
token only on a fork that will start. What the source finished is read from its history in
Temporal (``fork_history``), never from the feed's projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from temporalio.client import WorkflowExecutionDescription

from jobwire.contract.forks import ForkStart
from jobwire.contract.records import ForkOrigin, JobRecord
from jobwire.contract.registry import JobTypeRegistry
from jobwire.contract.specs import JobInput
from jobwire.errors import IllegalTransition, InvalidSpec
from jobwire.jobs.fork_history import SourceWork, source_work
from jobwire.jobs.reading import JobReader, state_attribute
from jobwire.jobs.submission import JobStarter, planned_phases

FORK = "fork"


class ForkRefused(InvalidSpec):
    """The source cannot be forked where asked: no such phase, a phase before it that did not
    finish, or no checkpoint inside it."""

    title = "Cannot fork from there"


@dataclass(frozen=True)
class ForkPlan:
    """A fork that will start: who for, its spec, and what it reuses."""

    user_id: str
    spec: dict[str, Any]
    start: ForkStart


class JobForks:
    """Plans and starts forks of one user's ended jobs."""

    def __init__(self, reader: JobReader, starter: JobStarter, registry: JobTypeRegistry) -> None:
        self.reader = reader
        self.starter = starter
        self.registry = registry

    async def plan(
        self,
        user_id: str,
        job_id: str,
        from_phase: str,
        *,
        spec: dict[str, Any] | None = None,
        from_checkpoint: bool = False,
    ) -> ForkPlan:
        """``JobNotFound`` for another user's job, ``IllegalTransition`` (409) while it has
        not ended, ``InvalidSpec`` (422) naming the field that makes the fork impossible."""
        description = await self._closed(user_id, job_id)
        work = await source_work(self.reader.temporal, description)
        parsed = self._spec(work, spec)
        merged = parsed.model_dump(mode="json")
        # The phases the fork itself would run: a research spec with sources plans no search.
        definition = self.registry.get(merged["type"])
        planned = planned_phases(definition, parsed, self.starter.settings)
        phases = [phase.name for phase in planned]
        _check_phase(phases, from_phase, work)
        checkpoint = work.checkpoints.get(from_phase) if from_checkpoint else None
        if from_checkpoint and checkpoint is None:
            raise ForkRefused(
                f"{job_id} left no checkpoint inside {from_phase!r}", field="from_checkpoint"
            )
        reused = phases[: phases.index(from_phase)]
        start = ForkStart(
            source=ForkOrigin(job_id=job_id, phase=from_phase),
            outputs={name: work.outputs[name] for name in reused},
            checkpoint=checkpoint,
        )
        return ForkPlan(user_id=user_id, spec=merged, start=start)

    async def _closed(self, user_id: str, job_id: str) -> WorkflowExecutionDescription:
        """The source's latest run once its job has ended; a 409 while it is still running.
        A run that has ended and only delivers its webhooks is read as it is: every phase
        it finished is in its history already."""
        settled = await self.reader.find_settled(user_id, job_id)
        if not settled.ended:
            raise IllegalTransition(FORK, state_attribute(settled.description))
        return settled.description

    async def start(self, plan: ForkPlan) -> JobRecord:
        record, _ = await self.starter.submit(plan.user_id, plan.spec, fork=plan.start)
        return record

    def _spec(self, work: SourceWork, patch: dict[str, Any] | None) -> JobInput:
        """The source's spec with ``patch`` merged in (RFC 7396: ``null`` removes a field),
        validated as a submission is; the job type cannot change."""
        source = work.job.spec
        merged = merge_patch(source, patch) if patch is not None else source
        if not isinstance(merged, dict) or merged.get("type") != source.get("type"):
            raise InvalidSpec("a fork keeps the source's job type", field="spec.type")
        try:
            parsed = self.registry.parse_spec(merged)
        except InvalidSpec as exc:
            errors = [{**error, "field": f"spec.{error['field']}"} for error in exc.errors]
            raise InvalidSpec(exc.detail, errors=errors) from exc
        return parsed


def _check_phase(phases: list[str], from_phase: str, work: SourceWork) -> None:
    if from_phase not in phases:
        raise ForkRefused(
            f"no phase {from_phase!r}; the phases are {', '.join(phases)}", field="from_phase"
        )
    missing = [name for name in phases[: phases.index(from_phase)] if name not in work.outputs]
    if missing:
        raise ForkRefused(
            f"{work.job.job_id} did not finish {', '.join(missing)}, which {from_phase!r} needs",
            field="from_phase",
        )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: objects merge key by key, ``null`` removes a key, anything
    else replaces what was there."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged
