"""The ``jobwire`` command, and the edge where the project is put together.

This is the only package that imports the tiers (``api``, ``realtime``, ``workflows``,
``activities``): ``server`` starts them (the API, the worker, the dev stack) and wires them
to the connections and settings, so each tier stays free of the others' start-up. Nothing
outside it imports it, tests and the ``python -m jobwire`` entry point aside; the client
commands in ``jobs`` need no tier at all, only ``jobwire.client``.

Layout: ``main`` (the root app, mounting the groups), ``server`` (``api``, ``worker``, ``dev``,
``setup``, ``token`` and the worker assembly), ``devstack`` (the local Temporal and Redis),
``jobs`` (the client commands, one module per group).
"""
