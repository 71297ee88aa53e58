"""What a job type needs to be written: the phase context, the registry, and its errors.

A new job type is one module::

    from activities.runtime import JobFailed, Phase, PhaseContext, job_types

    async def crunch(ctx: PhaseContext) -> dict[str, Any]:
        position = ctx.state.get("row", 0)          # where a crashed attempt got to
        for row in range(position, total):
            ...                                     # one unit of work
            await ctx.advance(done=row + 1, total=total, position=f"row {row + 1}",
                              state={"row": row + 1})
        return {"rows": total}

    job_types.register(CrunchInput, [Phase("crunch", crunch)])
"""

from activities.runtime.context import PhaseContext, PhaseResources
from jobwire.contract.phases import Checkpoint
from jobwire.contract.registry import Phase, job_types
from jobwire.errors import InvalidSpec, JobFailed

__all__ = [
    "Checkpoint",
    "InvalidSpec",
    "JobFailed",
    "Phase",
    "PhaseContext",
    "PhaseResources",
    "job_types",
]
