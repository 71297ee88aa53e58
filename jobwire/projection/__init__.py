"""One read model per job: the record its events fold into, in Redis beside its stream.

The script that numbers an event also folds it into ``jobwire:job:{<id>}:record``, a hash of
JSON values, in the same atomic step: the record at seq N and the events after N are
consistent by construction. Live fields (``seq``, ``state``, ``progress``, ``step``,
``phase``, ``attempt``, ``updated_at``, ``checkpoint``, ``error``, ``result``,
``last_control``, ``paused_by``) move with every event, ``progress`` never down; ``spec``
comes from ``job.created``; ``base`` is the rest of the record as the workflow holds it,
carried by each of its transitions (never by the events on the wire). Temporal stays the
truth: a reader rebuilds a missing or stale record from it and writes it back, and
``observed`` keeps what only Temporal knows (whether the job waits for a worker, when its
phase last heartbeated) until the next event folds in.
"""
