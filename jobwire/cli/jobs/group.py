"""All client commands as one Typer group, mounted without a name so each keeps its top-level
name (``jobwire ls``, ``jobwire pause``...); ``submit`` stays a named group of its own."""

from __future__ import annotations

import typer

from jobwire.cli.jobs import control, demo, fork, listing, schedule, watch, webhooks
from jobwire.cli.jobs.submit import JobTypes, submit_app
from jobwire.contract.registry import job_types


def client_app(registry: JobTypes = job_types) -> typer.Typer:
    """The client commands; ``registry`` gives ``submit`` its job types (tests hand in theirs)."""
    app = typer.Typer()
    app.add_typer(submit_app(registry), name="submit")
    app.add_typer(listing.app)
    app.add_typer(watch.app)
    app.add_typer(control.app)
    app.add_typer(fork.app)
    app.add_typer(demo.app)
    app.add_typer(schedule.app, name="schedule")
    app.add_typer(webhooks.app)
    app.add_typer(webhooks.default_app, name="webhook")
    return app
