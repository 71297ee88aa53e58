"""``jobwire webhook-secret``: the key your webhook receivers verify jobwire's signatures with;
``jobwire webhook [show|set|clear]``: where your jobs without a webhook of their own deliver."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from jobwire.cli.jobs import output
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP, UsageError
from jobwire.client.http import JobwireClient
from jobwire.client.webhooks import webhooks_of
from jobwire.contract.preferences import DefaultWebhook
from jobwire.contract.specs import WebhookSpec
from jobwire.contract.webhooks import WebhookEvents, WebhookSecret

app = typer.Typer()
default_app = typer.Typer(
    help="Your default webhook: where your jobs whose spec names none deliver.",
    epilog=EXIT_CODES_HELP,
)


@app.command("webhook-secret", epilog=EXIT_CODES_HELP)
@client_command
def webhook_secret(target: ApiTarget) -> None:
    """Print your webhook signing key (HMAC-SHA256 over "<t>.<body>"; see docs/protocol.md)."""

    async def body(client: JobwireClient) -> None:
        found = await webhooks_of(client).secret()
        output.print_result(found, json_output=target.json, human=_print_secret)

    target.run(body)


def _print_secret(found: WebhookSecret) -> None:
    # Plain output: a script reads the key from the first line.
    console = output.stdout()
    console.out(found.secret, highlight=False)
    console.out(
        f"verify {found.signature_header} (t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>); "
        f"drop a repeated {found.delivery_header} id",
        highlight=False,
    )


@default_app.callback(invoke_without_command=True)
@client_command
def default_webhook(ctx: typer.Context, target: ApiTarget) -> None:
    """Your default webhook (alone: as `show`)."""
    if ctx.invoked_subcommand is None:
        _show(target)


@default_app.command("show", epilog=EXIT_CODES_HELP)
@client_command
def show(target: ApiTarget) -> None:
    """Print your default webhook and who set it (you, or the operator for you)."""
    _show(target)


@default_app.command("set", epilog=EXIT_CODES_HELP)
@client_command
def set_default(
    target: ApiTarget,
    hook_url: Annotated[
        str,
        typer.Argument(metavar="URL", help="http(s) URL jobwire POSTs signed events to."),
    ],
    events: Annotated[
        WebhookEvents, typer.Option(help="terminal: the job's end; state_changes: every change.")
    ] = WebhookEvents.TERMINAL,
) -> None:
    """Jobs you submit from now on without a webhook of their own deliver to URL."""

    async def body(client: JobwireClient) -> None:
        try:
            webhook = WebhookSpec(url=hook_url, events=events)
        except ValidationError as exc:
            raise UsageError(f"URL: {exc.errors(include_url=False)[0]['msg']}") from None
        saved = await webhooks_of(client).set_default(webhook)
        output.print_result(saved, json_output=target.json, human=_print_default)

    target.run(body)


@default_app.command("clear", epilog=EXIT_CODES_HELP)
@client_command
def clear(target: ApiTarget) -> None:
    """Forget your default webhook (the operator's default for you, if any, applies again)."""

    async def body(client: JobwireClient) -> None:
        calls = webhooks_of(client)
        await calls.clear_default()
        output.print_result(await calls.default(), json_output=target.json, human=_print_default)

    target.run(body)


def _show(target: ApiTarget) -> None:
    async def body(client: JobwireClient) -> None:
        found = await webhooks_of(client).default()
        output.print_result(found, json_output=target.json, human=_print_default)

    target.run(body)


def _print_default(found: DefaultWebhook) -> None:
    console = output.stdout()
    if found.webhook is None:
        console.out("no default webhook: jobs deliver only to a webhook their spec names")
        return
    console.out(str(found.webhook.url), highlight=False)
    who = "you" if found.source == "user" else "the operator"
    console.out(f"{found.webhook.events.value} events; set by {who}", highlight=False)
