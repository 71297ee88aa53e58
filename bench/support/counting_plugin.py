"""The counting job type as a module named in ``JOBWIRE_JOB_TYPE_MODULES``
(``["bench.support.counting_plugin"]``): its ``JOB_TYPE`` is added to the registry."""

from bench.support.counting import COUNT_TYPE

JOB_TYPE = COUNT_TYPE
