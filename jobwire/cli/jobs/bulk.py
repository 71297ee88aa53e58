"""Controls on the jobs a filter picks: ``jobwire cancel --tag nightly`` and its siblings.

One request to ``POST /api/jobs/actions``; each job is reported on its own line (or in the JSON
answer), and the exit code says the worst of them: 6 if one was not allowed in its state, 5
if one was not found, else 0.
"""

from __future__ import annotations

from rich.text import Text

from jobwire.cli.jobs import output
from jobwire.cli.jobs.client_options import ApiTarget
from jobwire.cli.jobs.exit_codes import ExitCode, UsageError
from jobwire.cli.jobs.filter_options import Picked
from jobwire.client.http import JobwireClient
from jobwire.contract.bulk import BulkOutcome, BulkResult
from jobwire.contract.states import JobAction

NEITHER = "name jobs by id, or pick them with --tag, --name, --type, --state or --since"

_STYLES = {
    BulkOutcome.DONE: "green",
    BulkOutcome.NOT_ALLOWED: "yellow",
    BulkOutcome.NOT_FOUND: "red",
    BulkOutcome.NO_WORKER: "red",
}


def apply_to_picked(
    target: ApiTarget,
    action: JobAction,
    job_ids: list[str] | None,
    picked: Picked,
    reason: str | None,
) -> None:
    """The action on every job ``picked`` matches; ids as well is a usage error."""

    async def body(client: JobwireClient) -> int:
        if job_ids:
            raise UsageError("give job ids or filter flags, not both")
        result = await client.bulk(action, job_filter=picked.job_filter(), reason=reason)
        output.print_result(result, json_output=target.json, human=print_bulk)
        return exit_code_of(result)

    target.run(body)


def exit_code_of(result: BulkResult) -> ExitCode:
    outcomes = {item.outcome for item in result.results}
    if BulkOutcome.NOT_ALLOWED in outcomes:
        return ExitCode.CONFLICT
    if BulkOutcome.NOT_FOUND in outcomes:
        return ExitCode.NOT_FOUND
    if BulkOutcome.NO_WORKER in outcomes:
        return ExitCode.ERROR
    return ExitCode.OK


def print_bulk(result: BulkResult) -> None:
    console = output.stdout()
    if not result.results:
        console.print("No jobs matched.")
    for item in result.results:
        line = Text(f"{result.action.value} {item.job_id}: ")
        line.append(item.outcome.value.replace("_", " "), style=_STYLES[item.outcome])
        if item.new_job_id:
            line.append(f" → {item.new_job_id}")
        elif item.state:
            line.append(f" ({item.state})")
        console.print(line)
    if result.more:
        output.stderr().print("more jobs matched: run it again for the rest", style="dim")
