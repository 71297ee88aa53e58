"""Fixtures of the client library's tests against the real stack."""

from tests.support.cli_stack import cli_stack

__all__ = ["cli_stack"]
