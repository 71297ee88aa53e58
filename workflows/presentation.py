"""What a person reading Temporal's UI sees of a job: a few lines of markdown, no secrets."""

from __future__ import annotations

from jobwire.contract.records import JobRecord


def describe_for_ui(record: JobRecord) -> str:
    """The workflow's current details: state, progress, phase, step, checkpoint, error."""
    lines = [
        f"**{record.type} job** · {record.state.value} · {record.progress:.1f}%",
        f"phase: {record.phase or '-'} ({', '.join(record.phases)})",
        f"step: {record.step or '-'}",
    ]
    if record.checkpoint is not None:
        checkpoint = record.checkpoint
        lines.append(
            f"checkpoint: {checkpoint.phase} at {checkpoint.position}"
            f" ({checkpoint.size_bytes} bytes, {checkpoint.taken_at:%Y-%m-%d %H:%M:%S} UTC)"
        )
    if record.attempt > 1:
        lines.append(f"attempt: {record.attempt} (recovered after a failure)")
    if record.paused_by:
        lines.append(f"paused by: {record.paused_by}")
    if record.error is not None:
        lines.append(f"error: {record.error.type}: {record.error.message}")
    if record.restarted_from:
        lines.append(f"restart of: {record.restarted_from}")
    if record.forked_from:
        lines.append(f"fork of: {record.forked_from.job_id} at {record.forked_from.phase}")
    return "  \n".join(lines)
