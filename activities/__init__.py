"""The built-in job types; importing this package registers research, trade and analysis."""

from activities import analysis, research, trade

__all__ = ["analysis", "research", "trade"]
