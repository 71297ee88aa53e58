"""The server side of the CLI: the commands that run jobwire's processes, and the worker they
assemble (``worker``)."""
