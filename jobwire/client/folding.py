"""An event folded into the job's record, as docs/protocol.md's client algorithm (rule 4) says.

The record at seq N plus the events after N is the job's whole state; this is the "plus", with
the fold every view of a job shares (``jobwire.contract.folding``).
"""

from __future__ import annotations

from jobwire.contract.events import JobEvent
from jobwire.contract.folding import record_changes
from jobwire.contract.records import JobRecord


def fold(record: JobRecord, event: JobEvent) -> JobRecord:
    """The record as of ``event``: what the event says about the job replaces what it said."""
    changes = record_changes(event)
    current = record.model_dump(mode="json", exclude={"spec"})
    return JobRecord.model_validate({**current, "spec": record.spec, **changes})
