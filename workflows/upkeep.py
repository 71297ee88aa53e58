"""Keeping what others see of a job in step with its record: the search attributes that make it
listable and the details Temporal's UI shows.

Progress is mirrored into ``JobProgress`` only when it moved a whole percent, so a chatty phase
does not fill the history with upserts.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.run_state import JobRun

with workflow.unsafe.imports_passed_through():
    from jobwire.contract.phases import ProgressReport
    from jobwire.contract.records import JobRecord
    from jobwire.contract.states import JobState
    from jobwire.contract.workflow_api import SA_PROGRESS, SA_STATE
    from workflows.presentation import describe_for_ui


def show_details(record: JobRecord) -> None:
    workflow.set_current_details(describe_for_ui(record))


def take_progress(job_run: JobRun, report: ProgressReport) -> None:
    """Folds a running phase's report in; a late report from an earlier phase is ignored."""
    record = job_run.record
    if record.state is not JobState.RUNNING or report.phase != record.phase:
        return
    record.progress = max(record.progress, report.progress)
    record.step = report.step
    record.attempt = report.attempt
    if report.checkpoint is not None:
        record.checkpoint = report.checkpoint
    record.updated_at = workflow.now()
    if abs(record.progress - job_run.published_progress) >= 1.0:
        job_run.published_progress = record.progress
        workflow.upsert_search_attributes([SA_PROGRESS.value_set(record.progress)])
    show_details(record)


def mirror_state(job_run: JobRun) -> None:
    """Writes the record's state and progress to the search attributes and the UI details."""
    record = job_run.record
    workflow.upsert_search_attributes(
        [SA_STATE.value_set(record.state.value), SA_PROGRESS.value_set(record.progress)]
    )
    job_run.published_progress = record.progress
    show_details(record)
