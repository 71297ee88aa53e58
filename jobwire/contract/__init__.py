"""The job contract that the API, the workflow, the activities and the live feed share."""

SCHEMA_VERSION = 1
"""Carried on every record and event; bump it with a migration in ``migrations.py``."""
