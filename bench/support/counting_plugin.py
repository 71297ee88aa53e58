"""Registers the counting job type into the global registry, as a plugin module would
(``JOBWIRE_JOB_TYPE_MODULES=["bench.support.counting_plugin"]``)."""

from bench.support.counting import COUNT_PHASES, CountInput
from jobwire.contract.registry import job_types

job_types.register(CountInput, COUNT_PHASES)
