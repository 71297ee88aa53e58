"""Registers the counting job type into the global registry, as a plugin module would
(``JOBWIRE_JOB_TYPE_MODULES=["tests.support.counting_plugin"]``)."""

from jobwire.contract.registry import job_types
from tests.support.counting import COUNT_PHASES, CountInput

job_types.register(CountInput, COUNT_PHASES)
