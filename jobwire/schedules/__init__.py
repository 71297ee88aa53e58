"""Schedules on Temporal's Schedules: each run an ordinary job of the schedule's owner."""
