"""``jobwire submit``: start a job from a spec file, or from typed flags with ``submit TYPE``.

The ``submit TYPE`` commands come from the job type registry (one per definition, its flags
from the input model), so a new job type needs no CLI code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer

from jobwire.cli.jobs import output
from jobwire.cli.jobs.arguments import WatchFlag
from jobwire.cli.jobs.client_options import TARGET, ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, UsageError
from jobwire.cli.jobs.signatures import keyword
from jobwire.cli.jobs.spec_options import (
    FieldOption,
    build_command,
    read_json_file,
    spec_from_options,
    validate_spec,
)
from jobwire.cli.jobs.watch_view import report_and_follow
from jobwire.client.http import JobwireClient
from jobwire.client.models import Submission
from jobwire.contract.priority import HIGHEST_PRIORITY, LOWEST_PRIORITY
from jobwire.contract.specs import JobInput

FileOption = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="A JSON job spec ('-' reads stdin).", show_default=False),
]
KeyOption = Annotated[
    str | None,
    typer.Option("--idempotency-key", help="Submitting again with this key returns the same job."),
]
WebhookOption = Annotated[
    str | None,
    typer.Option(
        "--webhook",
        metavar="URL",
        help="POST the job's terminal event here, signed (overrides the file's webhook).",
    ),
]
NameOption = Annotated[
    str | None,
    typer.Option(
        "--name",
        help="What to call the job in lists (overrides the file's name).",
        show_default=False,
    ),
]
TagsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tags",
        "--tag",
        metavar="TAG",
        help="A label to find the job by; repeat for several (replaces the file's).",
        show_default=False,
    ),
]
PriorityOption = Annotated[
    int | None,
    typer.Option(
        "--priority",
        min=HIGHEST_PRIORITY,
        max=LOWEST_PRIORITY,
        help="1 runs first, 5 last; overrides the file's (the server bounds what you may ask).",
        show_default=False,
    ),
]


class JobTypeDefinition(Protocol):
    """What the CLI reads of a registered job type."""

    @property
    def name(self) -> str: ...
    @property
    def input_model(self) -> type[JobInput]: ...
    @property
    def description(self) -> str: ...


class JobTypes(Protocol):
    """The job type registry, as far as ``submit`` depends on it: a protocol rather than the
    registry class, so the CLI rests on ``definitions()`` and three attributes, not on how the
    registry is built (tests hand in one of their own)."""

    def definitions(self) -> Sequence[JobTypeDefinition]: ...


def submit_app(registry: JobTypes) -> typer.Typer:
    """The ``submit`` group: ``--file`` on the group itself, and one command per job type."""
    group = typer.Typer(
        help="Start a job: `submit TYPE --field ...` or `submit --file spec.json`.",
        invoke_without_command=True,
        no_args_is_help=False,
        epilog=EXIT_CODES_HELP,
    )
    definitions = _definitions(registry)
    group.callback()(_submit_file_command({d.name: d.input_model for d in definitions}))
    for definition in definitions:
        command = build_command(
            definition.input_model,
            _typed_submit_parameters(),
            _run_typed_submit,
            description=definition.description or f"Start a {definition.name} job.",
        )
        group.command(definition.name, epilog=EXIT_CODES_HELP)(client_command(command))
    return group


def _definitions(registry: JobTypes) -> Sequence[JobTypeDefinition]:
    try:
        return registry.definitions()
    except ImportError:  # no built-in job types installed: only --file submits
        return []


def _submit_file_command(models: dict[str, type[JobInput]]) -> Callable[..., None]:
    @client_command
    def submit_file(  # noqa: PLR0913, PLR0917 -- a command's options, each a flag of its own
        ctx: typer.Context,
        target: ApiTarget,
        file: FileOption = None,
        watch_it: WatchFlag = False,
        idempotency_key: KeyOption = None,
        webhook: WebhookOption = None,
        priority: PriorityOption = None,
        name: NameOption = None,
        tags: TagsOption = None,
    ) -> None:
        """Start a job from a spec file, or pick a job type below."""
        if ctx.invoked_subcommand is not None:
            return
        if file is None:
            output.stdout().print(ctx.get_help())
            raise typer.Exit(2)

        async def body(client: JobwireClient) -> int:
            data = read_json_file(file)
            if webhook is not None and isinstance(data, dict):
                data = {**data, "webhook": {"url": webhook}}
            if priority is not None and isinstance(data, dict):
                data["priority"] = priority
            if name is not None and isinstance(data, dict):
                data["name"] = name
            if tags and isinstance(data, dict):
                data["tags"] = tags
            spec: JobInput | dict[str, Any] = data
            if isinstance(data, dict) and data.get("type") in models:
                spec = validate_spec(models[str(data["type"])], data)
            submitted = await client.submission(spec, idempotency_key=idempotency_key)
            return await report_and_follow(
                client,
                submitted.job,
                verb=submitted_verb(submitted),
                watch_it=watch_it,
                json_output=target.json,
            )

        target.run(body)

    return submit_file


def _typed_submit_parameters() -> list[inspect.Parameter]:
    """The options every ``submit TYPE`` has ahead of the model's own fields (the shared client
    options follow them, added by ``client_command``)."""
    return [
        keyword(TARGET, ApiTarget),
        keyword("file", FileOption, None),
        keyword("watch_it", WatchFlag, False),
        keyword("idempotency_key", KeyOption, None),
    ]


def _run_typed_submit(
    model: type[JobInput], options: list[FieldOption], values: dict[str, Any]
) -> None:
    target: ApiTarget = values[TARGET]

    async def body(client: JobwireClient) -> int:
        base = read_json_file(values["file"]) if values["file"] else None
        if base is not None and not isinstance(base, dict):
            raise UsageError(f"{values['file']} must hold a JSON object")
        spec = spec_from_options(model, options, values, base)
        submitted = await client.submission(spec, idempotency_key=values["idempotency_key"])
        return await report_and_follow(
            client,
            submitted.job,
            verb=submitted_verb(submitted),
            watch_it=values["watch_it"],
            json_output=target.json,
        )

    target.run(body)


def submitted_verb(submitted: Submission) -> str:
    """A repeated ``--idempotency-key`` started nothing: the line says whose job it is."""
    return "already submitted" if submitted.replayed else "submitted"
