"""How a job's name, tags and summary reach Temporal: search attributes to find it by, and the
static summary its UI lists it with."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributePair

from jobwire.contract.labels import within_bytes
from jobwire.contract.workflow_api import SA_NAME, SA_TAGS, JobWorkflowInput


def label_attributes(job: JobWorkflowInput) -> list[SearchAttributePair[Any]]:
    """``JobTags`` and ``JobName`` when the job has them: an unset attribute is what
    visibility stores for none, so ``JobName IS NULL`` finds the unnamed."""
    pairs: list[SearchAttributePair[Any]] = []
    if job.tags:
        pairs.append(SearchAttributePair(SA_TAGS, list(job.tags)))
    if job.name:
        pairs.append(SearchAttributePair(SA_NAME, job.name))
    return pairs


def static_summary(job: JobWorkflowInput) -> str:
    """The line Temporal's UI lists the workflow with: the job's name, else its summary, else
    what it always said; cut to the 200 bytes the UI keeps."""
    return within_bytes(job.name or job.summary or f"{job.type} job for {job.user_id}")
