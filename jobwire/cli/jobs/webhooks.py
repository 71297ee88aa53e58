"""``jobwire webhook-secret``: the key your webhook receivers verify jobwire's signatures with."""

from __future__ import annotations

import typer

from jobwire.cli.jobs import output
from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.jobs.exit_codes import EXIT_CODES_HELP
from jobwire.client.http import JobwireClient
from jobwire.contract.webhooks import WebhookSecret

app = typer.Typer()


@app.command("webhook-secret", epilog=EXIT_CODES_HELP)
@client_command
def webhook_secret(target: ApiTarget) -> None:
    """Print your webhook signing key (HMAC-SHA256 over "<t>.<body>"; see docs/protocol.md)."""

    async def body(client: JobwireClient) -> None:
        found = await client.webhook_secret()
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
