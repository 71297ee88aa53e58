"""Fixtures of the live feed tests."""

from tests.support.api_stack import api

__all__ = ["api"]
