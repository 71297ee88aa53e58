"""The job commands: ``submit``, ``ls``, ``show``, ``watch``, ``pause``, ``resume``,
``cancel``, ``restart``, ``events``, ``stats`` and ``demo``.

Every command takes ``--url``/``--token``/``--config`` (else ``JOBWIRE_URL``/``JOBWIRE_TOKEN``,
else ``~/.config/jobwire/config.toml``) and ``--json``. Exit codes: see ``client_options``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from jobwire.cli import demo_command, output
from jobwire.cli.client_options import (
    EXIT_CODES_HELP,
    ConfigOption,
    Connection,
    JsonOption,
    TokenOption,
    UrlOption,
    UsageError,
    exit_code_for_states,
    read_json_file,
)
from jobwire.cli.spec_options import FieldOption, build_command, spec_from_options, validate_spec
from jobwire.cli.watch_view import follow_jobs
from jobwire.client.http import JobwireClient
from jobwire.contract.registry import JobTypeRegistry, job_types
from jobwire.contract.specs import JobInput
from jobwire.contract.states import JobState

JobIdArgument = Annotated[str, typer.Argument(help="The job id (job-…).", show_default=False)]
JobIdsArgument = Annotated[
    list[str], typer.Argument(help="One or more job ids.", show_default=False)
]
FileOption = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="A JSON job spec ('-' reads stdin).", show_default=False),
]
WatchFlag = Annotated[
    bool, typer.Option("--watch", "-w", help="Follow the job live until it ends.")
]
KeyOption = Annotated[
    str | None,
    typer.Option("--idempotency-key", help="Submitting again with this key returns the same job."),
]


def register(app: typer.Typer, registry: JobTypeRegistry = job_types) -> None:
    """Adds the job commands to ``app``; ``submit`` gets one subcommand per job type."""
    app.add_typer(submit_app(registry), name="submit")
    commands = {
        "ls": list_jobs,
        "show": show,
        "watch": watch,
        "pause": pause,
        "resume": resume,
        "cancel": cancel,
        "restart": restart,
        "events": events,
        "stats": stats,
    }
    for name, function in commands.items():
        app.command(name, epilog=EXIT_CODES_HELP)(function)
    demo_command.register(app)


# -- submit -------------------------------------------------------------------------------


async def _submit_and_report(
    client: JobwireClient,
    spec: JobInput | dict[str, Any],
    *,
    key: str | None,
    watch_it: bool,
    json_output: bool,
) -> int:
    job = await client.submit(spec, idempotency_key=key)
    if not watch_it:
        if json_output:
            output.print_json(job)
        else:
            output.print_job_line("submitted", job)
        return 0
    if not json_output:
        output.print_job_line("submitted", job)
    states = await follow_jobs(client, [job.job_id], json_output=json_output)
    return exit_code_for_states(states)


def submit_app(registry: JobTypeRegistry) -> typer.Typer:
    group = typer.Typer(
        help="Start a job: `submit TYPE --field ...` or `submit --file spec.json`.",
        invoke_without_command=True,
        no_args_is_help=False,
        epilog=EXIT_CODES_HELP,
    )

    @group.callback()
    def submit_file(
        ctx: typer.Context,
        file: FileOption = None,
        watch_it: WatchFlag = False,
        idempotency_key: KeyOption = None,
        url: UrlOption = None,
        token: TokenOption = None,
        config: ConfigOption = None,
        json_output: JsonOption = False,
    ) -> None:
        """Start a job from a spec file, or pick a job type below."""
        if ctx.invoked_subcommand is not None:
            return
        if file is None:
            output.stdout().print(ctx.get_help())
            raise typer.Exit(2)
        conn = Connection(ctx, url, token, config, json_output)

        async def body(client: JobwireClient) -> int:
            data = read_json_file(file)
            spec: JobInput | dict[str, Any] = data
            if isinstance(data, dict) and data.get("type") in _known(registry):
                spec = validate_spec(registry.get(str(data["type"])).input_model, data)
            return await _submit_and_report(
                client, spec, key=idempotency_key, watch_it=watch_it, json_output=json_output
            )

        conn.run(body)

    for definition in _definitions(registry):
        command = build_command(
            definition.input_model,
            _submit_parameters(),
            _run_typed_submit,
            description=definition.description or f"Start a {definition.name} job.",
        )
        group.command(definition.name, epilog=EXIT_CODES_HELP)(command)
    return group


def _definitions(registry: JobTypeRegistry) -> list[Any]:
    try:
        return registry.definitions()
    except ImportError:  # no built-in job types installed: only --file submits
        return []


def _known(registry: JobTypeRegistry) -> set[str]:
    return {definition.name for definition in _definitions(registry)}


def _submit_parameters() -> list[inspect.Parameter]:
    """The options every ``submit TYPE`` shares, ahead of the model's own fields."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    specs: list[tuple[str, Any, Any]] = [
        ("ctx", typer.Context, inspect.Parameter.empty),
        ("file", FileOption, None),
        ("watch_it", WatchFlag, False),
        ("idempotency_key", KeyOption, None),
        ("url", UrlOption, None),
        ("token", TokenOption, None),
        ("config", ConfigOption, None),
        ("json_output", JsonOption, False),
    ]
    return [inspect.Parameter(name, keyword, default=d, annotation=a) for name, a, d in specs]


def _run_typed_submit(
    model: type[JobInput], options: list[FieldOption], values: dict[str, Any]
) -> None:
    conn = Connection(
        values["ctx"], values["url"], values["token"], values["config"], values["json_output"]
    )

    async def body(client: JobwireClient) -> int:
        base = read_json_file(values["file"]) if values["file"] else None
        if base is not None and not isinstance(base, dict):
            raise UsageError(f"{values['file']} must hold a JSON object")
        spec = spec_from_options(model, options, values, base)
        return await _submit_and_report(
            client,
            spec,
            key=values["idempotency_key"],
            watch_it=values["watch_it"],
            json_output=values["json_output"],
        )

    conn.run(body)


# -- reading ------------------------------------------------------------------------------


def list_jobs(
    ctx: typer.Context,
    state: Annotated[
        JobState | None, typer.Option("--state", help="Only jobs in this state.")
    ] = None,
    job_type: Annotated[str | None, typer.Option("--type", help="Only jobs of this type.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Page size.")] = 20,
    cursor: Annotated[str | None, typer.Option("--cursor", help="Next page from `ls`.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Follow every page.")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """List your jobs, newest first (running ones before finished ones)."""
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        page = await client.list_jobs(state=state, type=job_type, limit=limit, cursor=cursor)
        if every:
            while page.next_cursor:
                more = await client.list_jobs(
                    state=state, type=job_type, limit=limit, cursor=page.next_cursor
                )
                page = more.model_copy(update={"items": page.items + more.items})
        if json_output:
            output.print_json(page)
        else:
            output.print_jobs(page)
        return 0

    conn.run(body)


def show(
    ctx: typer.Context,
    job_id: JobIdArgument,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show one job: state, progress, step, checkpoint, allowed actions, result or error."""
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        job = await client.get_job(job_id)
        if json_output:
            output.print_json(job)
            return 0
        link = None
        try:
            link = (await client.meta()).temporal_link(job_id)
        except Exception:  # the link is a nicety; the job itself was shown
            link = None
        output.print_job(job, temporal_link=link)
        return 0

    conn.run(body)


def events(
    ctx: typer.Context,
    job_id: JobIdArgument,
    since: Annotated[int, typer.Option("--since", min=0, help="Only events after this seq.")] = 0,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Print a job's recorded events after --since."""
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        page = await client.events(job_id, since=since)
        if json_output:
            output.print_json(page)
        else:
            output.print_events(page)
        return 0

    conn.run(body)


def stats(
    ctx: typer.Context,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Count your jobs by state and by type."""
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        counts = await client.stats()
        if json_output:
            output.print_json(counts)
        else:
            output.print_stats(counts)
        return 0

    conn.run(body)


def watch(
    ctx: typer.Context,
    job_ids: JobIdsArgument,
    since: Annotated[
        int, typer.Option("--since", min=0, help="Replay events after this seq first.")
    ] = 0,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Follow jobs live until each has finished: progress bars, current step, log of steps.

    With --json, prints one event per line (JSON Lines). Survives a restarted API: it
    reconnects and resumes where it stopped, without losing or repeating an event.
    """
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        states = await follow_jobs(
            client, list(dict.fromkeys(job_ids)), json_output=json_output, since=since
        )
        return exit_code_for_states(states)

    conn.run(body)


# -- controls -----------------------------------------------------------------------------


def _control(action: str, help_text: str) -> Any:
    def command(
        ctx: typer.Context,
        job_ids: JobIdsArgument,
        url: UrlOption = None,
        token: TokenOption = None,
        config: ConfigOption = None,
        json_output: JsonOption = False,
    ) -> None:
        conn = Connection(ctx, url, token, config, json_output)

        async def body(client: JobwireClient) -> int:
            method = getattr(client, action)
            done = []
            for job_id in job_ids:
                job = await method(job_id)
                done.append(job)
                if not json_output:
                    output.print_job_line(f"{action}:", job)
            if json_output:
                output.print_json(done if len(done) > 1 else done[0])
            return 0

        conn.run(body)

    command.__doc__ = help_text
    command.__name__ = action
    return command


pause = _control("pause", "Pause jobs at their next checkpoint (resume continues from it).")
resume = _control("resume", "Resume paused jobs (or a failed one) from the last checkpoint.")
cancel = _control("cancel", "Cancel jobs.")


def restart(
    ctx: typer.Context,
    job_id: JobIdArgument,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="An amended JSON spec for the new run."),
    ] = None,
    watch_it: WatchFlag = False,
    url: UrlOption = None,
    token: TokenOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Start a fresh run of a finished job, from its original or an amended spec."""
    conn = Connection(ctx, url, token, config, json_output)

    async def body(client: JobwireClient) -> int:
        spec = read_json_file(file) if file else None
        job = await client.restart(job_id, spec)
        if not watch_it:
            if json_output:
                output.print_json(job)
            else:
                output.print_job_line("restarted as", job)
            return 0
        if not json_output:
            output.print_job_line("restarted as", job)
        return exit_code_for_states(
            await follow_jobs(client, [job.job_id], json_output=json_output)
        )

    conn.run(body)
