"""Benchmarks: each figure measured beside a baseline in the same run (see docs/BENCHMARKS.md)."""
