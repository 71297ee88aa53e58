"""Fixtures of the CLI's end-to-end tests."""

from tests.support.cli_stack import cli_stack

__all__ = ["cli_stack"]
