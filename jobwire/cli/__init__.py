"""The ``jobwire`` command."""
