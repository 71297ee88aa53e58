"""Fixtures of the metrics and trace tests."""

from tests.support.api_stack import api

__all__ = ["api"]
