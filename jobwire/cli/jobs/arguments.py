"""Arguments and flags that several client commands take, spelled the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

JobIdArgument = Annotated[str, typer.Argument(help="The job id (job-…).", show_default=False)]
JobIdsArgument = Annotated[
    list[str], typer.Argument(help="One or more job ids.", show_default=False)
]
WatchFlag = Annotated[
    bool, typer.Option("--watch", "-w", help="Follow the job live until it ends.")
]
SomeJobIds = Annotated[
    list[str] | None,
    typer.Argument(
        help="Job ids; or leave them out and pick jobs with filter flags.", show_default=False
    ),
]
SomeJobId = Annotated[
    str | None,
    typer.Argument(
        help="The job id; or leave it out and pick jobs with filter flags.", show_default=False
    ),
]
