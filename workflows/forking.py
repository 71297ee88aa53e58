"""What a forked job says before its first phase: which phases it reused, and from which job.

A fork skips the phases before its fork's phase; without a word about them a timeline would
jump from created to the middle of the job. Only a forked job's input leads here, so the
histories of every other job replay unchanged.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.run_state import JobRun
from workflows.transitions import publish

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.events import EventType


async def announce_reused(job_run: JobRun) -> None:
    """One ``job.log`` per reused phase, in order, saying where its output came from."""
    fork = job_run.job.fork
    if fork is None:
        return
    record = job_run.record
    source = fork.source.job_id
    for phase in job_run.job.phases[: job_run.next_phase]:
        record.step = f"reused {phase.name} from {source}"
        await publish(
            record,
            EventType.LOG,
            {
                "message": record.step,
                "level": "info",
                "reused": {"phase": phase.name, "from": source},
            },
        )
    record.step = ""
