"""``jobwire watch``'s live view: a progress bar per job, the current step, a log of steps.

On a terminal it redraws in place (rich ``Live``); piped or captured, it prints one line per
event instead, so logs and tests read the same facts without escape codes.
"""

from __future__ import annotations

from collections import deque
from functools import partial

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from jobwire.cli.jobs import output
from jobwire.cli.jobs.exit_codes import exit_code_for_states
from jobwire.client.http import JobwireClient
from jobwire.client.watch import JobWatch
from jobwire.contract.events import EventType, JobEvent
from jobwire.contract.records import JobRecord
from jobwire.contract.states import JobState

LOG_LINES = 10
_LOGGED = {
    EventType.CREATED,
    EventType.STARTED,
    EventType.LOG,
    EventType.PAUSED,
    EventType.RESUMED,
    EventType.RECOVERED,
    EventType.COMPLETED,
    EventType.FAILED,
    EventType.CANCELLED,
    EventType.SNAPSHOT,
}


class WatchView:
    """What the live view shows; ``render`` is called by rich on every refresh."""

    def __init__(self, watch: JobWatch, records: dict[str, JobRecord]) -> None:
        self.watch = watch
        self.records = dict(records)
        self.log: deque[Text] = deque(maxlen=LOG_LINES)

    def add(self, event: JobEvent) -> None:
        record = self.watch.records.get(event.job_id) or self.records.get(event.job_id)
        previous_step = self.records[event.job_id].step if event.job_id in self.records else ""
        if record is not None:
            self.records[event.job_id] = record.model_copy(
                update={
                    "state": event.state,
                    "progress": max(event.progress, record.progress),  # it never goes back
                    "step": event.step or record.step,
                }
            )
        if event.type in _LOGGED or (event.step and event.step != previous_step):
            self.log.append(output.format_event_line(event))

    def status(self) -> Text:
        watch = self.watch
        if watch.connection == "reconnecting":
            wait = f" in {watch.retry_in:.1f}s" if watch.retry_in is not None else ""
            return Text(f"feed: reconnecting{wait} (reconnects: {watch.reconnects})", "yellow")
        if watch.connection == "degraded":
            return Text(f"feed: degraded, polling Temporal ({watch.feed_detail})", "yellow")
        return Text(f"feed: {watch.connection}", "dim")

    def render(self) -> RenderableType:
        table = Table(box=None, pad_edge=False, show_header=True)
        for column in ("JOB", "TYPE", "PROGRESS", "", "STATE", "STEP"):
            table.add_column(column, no_wrap=column != "STEP")
        for job_id, record in self.records.items():
            table.add_row(
                job_id,
                record.type,
                ProgressBar(total=100.0, completed=record.progress, width=30),
                output.format_progress(record.progress),
                output.format_state(record.state),
                record.step,
            )
        parts: list[RenderableType] = [table, self.status()]
        if self.log:
            parts += [Text("steps:", style="bold"), *self.log]
        return Group(*parts)


async def follow_jobs(
    client: JobwireClient,
    job_ids: list[str],
    *,
    json_output: bool,
    since: int | None = 0,
    console: Console | None = None,
) -> list[JobState]:
    """Shows the jobs live until each has finished; returns their final states."""
    console = console or output.stdout()
    records = {job_id: await client.get_job(job_id) for job_id in job_ids}
    async with client.watch(*job_ids, since=since) as watch:
        view = WatchView(watch, records)
        if json_output:
            async for event in watch:
                output.print_json_line(event)
        elif console.is_terminal:
            with Live(get_renderable=view.render, console=console, refresh_per_second=8):
                async for event in watch:
                    view.add(event)
        else:
            async for event in watch:
                view.add(event)
                console.print(output.format_event_line(event))
        final = {**records, **view.records, **watch.records}
    states = [final[job_id].state for job_id in job_ids]
    if not json_output:
        for job_id in job_ids:
            output.print_job_line("finished", final[job_id])
    return states


async def report_and_follow(
    client: JobwireClient, job: JobRecord, *, verb: str, watch_it: bool, json_output: bool
) -> int:
    """Says a job was started (``submitted``, ``restarted as``) and, with ``--watch``, follows
    it to its end; the exit code says how it ended."""
    if not watch_it:
        output.print_result(
            job, json_output=json_output, human=partial(output.print_job_line, verb)
        )
        return 0
    if not json_output:
        output.print_job_line(verb, job)
    states = await follow_jobs(client, [job.job_id], json_output=json_output)
    return exit_code_for_states(states)
