"""What a job type's phases need: the phase context, its resources, and the errors to raise.

A job type is two modules: a contract (input model, ``Phase`` names, settings model,
examples; see ``jobwire.contract.job_type``) and a phases module, where each phase is an
async function of the phase's name::

    from activities.runtime import JobFailed, PhaseContext

    async def crunch(ctx: PhaseContext) -> dict[str, Any]:
        position = ctx.state.get("row", 0)          # where a crashed attempt got to
        for row in range(position, total):
            ...                                     # one unit of work
            await ctx.advance(done=row + 1, total=total, position=f"row {row + 1}",
                              state={"row": row + 1})
        return {"rows": total}
"""

from activities.runtime.binding import PhaseFunction
from activities.runtime.context import PhaseContext, PhaseResources
from activities.runtime.failures import CheckpointRefused
from jobwire.contract.job_type import Phase
from jobwire.contract.phases import Checkpoint
from jobwire.errors import InvalidSpec, JobFailed

__all__ = [
    "Checkpoint",
    "CheckpointRefused",
    "InvalidSpec",
    "JobFailed",
    "Phase",
    "PhaseContext",
    "PhaseFunction",
    "PhaseResources",
]
