"""Activities: all of a job's I/O, and the built-in job types (``research``, ``trade``,
``analysis``), one package each.

Importing this package imports nothing else: each type's ``contract`` module is what the API
and CLI load (found through the ``jobwire.job_types`` entry points in ``pyproject.toml``), and
its ``phases`` module, with the heavy dependencies, is loaded by the worker alone.
"""
