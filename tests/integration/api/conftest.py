"""Fixtures of the API tests."""

from tests.support.api_stack import api

__all__ = ["api"]
