"""Peer baselines: jobwire beside the tools its users would otherwise pick, in one run.

    python -m bench.peers            # full run, writes the "peers" section of docs/BENCHMARKS.md
    python -m bench.peers --short    # a quick run of the same, also written

(a) Celery with a Redis broker, ``update_state`` progress polled through ``AsyncResult``;
(b) plain Temporal, progress signalled to the workflow and polled with a query;
(c) Temporal's Workflow Streams (``temporalio.contrib.workflow_streams``, experimental);
(d) jobwire, the counting job type through ``jobwire api`` and ``jobwire worker``, followed
over Socket.IO. See ``bench.peers.shape`` for the job and the run profiles.
"""
