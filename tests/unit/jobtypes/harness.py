"""Runs a job type's phases without Temporal: a real PhaseContext with recording fakes, so a
test sees every checkpoint and event and can resume from any checkpoint it saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from activities.runtime.binding import bind_job_type
from activities.runtime.context import PhaseContext, PhaseResources
from jobwire.contract.events import utc_now
from jobwire.contract.job_settings import settings_for
from jobwire.contract.phases import Checkpoint, PhaseInput, ProgressReport
from jobwire.contract.publishing import MemoryPublisher
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.settings import Settings


class Stop(Exception):
    """Raised by a heartbeat to stop a phase there, as a crash would."""


@dataclass
class Harness:
    settings: Settings
    redis: Any = None
    job_id: str = "job-unit"
    heartbeats: list[Checkpoint] = field(default_factory=list)
    events: MemoryPublisher = field(default_factory=MemoryPublisher)
    stop_after: int | None = None
    registry: JobTypeRegistry = job_types

    def context(
        self,
        spec: dict[str, Any],
        phase: str,
        previous: dict[str, Any] | None = None,
        resumed: Checkpoint | None = None,
    ) -> PhaseContext:
        parsed = self.registry.parse_spec(spec)
        definition = self.registry.get(parsed.type)
        index = definition.phase_names.index(phase)

        def heartbeat(checkpoint: Checkpoint) -> None:
            self.heartbeats.append(checkpoint)
            if self.stop_after is not None and len(self.heartbeats) >= self.stop_after:
                raise Stop(checkpoint.position)

        async def report(progress: ProgressReport) -> None:
            return None

        return PhaseContext(
            phase_input=PhaseInput(
                job_id=self.job_id,
                user_id="unit",
                spec=parsed.model_dump(mode="json"),
                phase=phase,
                phase_index=index,
                phase_count=len(definition.phases),
                progress_start=0,
                progress_end=100,
                previous=previous or {},
            ),
            spec=parsed,
            resources=PhaseResources(settings=self.settings, redis=self.redis),
            publisher=self.events,
            heartbeat=heartbeat,
            report_progress=report,
            resumed=resumed,
            attempt=2 if resumed else 1,
        )

    async def run(
        self,
        spec: dict[str, Any],
        phase: str,
        previous: dict[str, Any] | None = None,
        resumed: Checkpoint | None = None,
    ) -> dict[str, Any]:
        definition = self.registry.get(spec["type"])
        run = next(b.run for b in bind_job_type(definition) if b.phase.name == phase)
        return await run(self.context(spec, phase, previous, resumed))

    def planned(self, spec: dict[str, Any]) -> list[str]:
        """The phases this spec runs with these settings, as submitting it would plan them."""
        definition = self.registry.get(spec["type"])
        type_settings = settings_for(definition, self.settings.job_types)
        parsed = self.registry.parse_spec(spec)
        return [phase.name for phase in definition.phases_for(parsed, type_settings)]

    async def run_all(self, spec: dict[str, Any]) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        names = self.planned(spec)
        for phase in names:
            outputs[phase] = await self.run(spec, phase, dict(outputs))
        return outputs[names[-1]]


def unit_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "jwt_secret": "unit-test-secret-" + "x" * 32,
        "heartbeat_throttle_seconds": 0,
        "progress_event_seconds": 0,
        "progress_report_seconds": 0,
        "allow_private_sources": True,  # the tests' pages are served on loopback
    }
    return Settings(_env_file=None, **(values | overrides))


def checkpoint(state: dict[str, Any], phase: str, done: int = 0) -> Checkpoint:
    return Checkpoint(phase=phase, position="test", done=done, state=state, taken_at=utc_now())
