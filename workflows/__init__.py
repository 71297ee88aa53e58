"""Temporal workflows: deterministic, no I/O; activities and models pass through the sandbox."""
