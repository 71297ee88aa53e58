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
