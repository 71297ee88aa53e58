"""The flags that pick jobs by what they are (``--tag``, ``--name``, ``--type``, ``--state``,
``--since``), shared by ``ls`` and the bulk controls and read into one ``JobFilter``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from jobwire.cli.jobs.exit_codes import UsageError
from jobwire.cli.jobs.signatures import keyword, resolved_parameters, with_signature
from jobwire.contract.filters import JobFilter
from jobwire.contract.states import JobState

TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Only jobs with this tag; repeat for jobs with all of them."),
]
NameOption = Annotated[
    str | None, typer.Option("--name", help="Only jobs whose name starts with this.")
]
TypeOption = Annotated[str | None, typer.Option("--type", help="Only jobs of this type.")]
StateOption = Annotated[JobState | None, typer.Option("--state", help="Only jobs in this state.")]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only jobs started since: a duration back from now (30m, 2h, 7d) or an ISO 8601 time.",
    ),
]

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def since_time(text: str, now: datetime | None = None) -> datetime:
    """``--since``'s instant: ``2h`` is two hours before ``now``; a time without a zone is
    UTC."""
    found = _DURATION.fullmatch(text.strip())
    if found:
        seconds = int(found.group(1)) * _UNIT_SECONDS[found.group(2)]
        return (now or datetime.now(UTC)) - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--since {text!r}: give a duration (30m, 2h, 7d) or an ISO time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def job_filter(
    *,
    tags: list[str] | None,
    name: str | None,
    job_type: str | None,
    state: JobState | None,
    since: str | None,
) -> JobFilter:
    """The flags as one filter; a value the server would refuse is a usage error here."""
    try:
        return JobFilter(
            tags=tags or [],
            name_prefix=name,
            type=job_type,
            state=state,
            created_after=since_time(since) if since else None,
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "filter"
        raise UsageError(f"{where}: {first['msg']}") from None


@dataclass(frozen=True)
class Picked:
    """The filter flags as typed: whether any was given, and the filter they make."""

    tags: list[str] | None = None
    name: str | None = None
    job_type: str | None = None
    state: JobState | None = None
    since: str | None = None

    @property
    def given(self) -> bool:
        return any(value for value in (self.tags, self.name, self.job_type, self.state, self.since))

    def job_filter(self) -> JobFilter:
        return job_filter(
            tags=self.tags,
            name=self.name,
            job_type=self.job_type,
            state=self.state,
            since=self.since,
        )


PICKED = "picked"
_FLAGS = [
    keyword("tags", TagOption, None),
    keyword("name", NameOption, None),
    keyword("job_type", TypeOption, None),
    keyword("state", StateOption, None),
    keyword("since", SinceOption, None),
]


def filterable(function: Callable[..., None]) -> Callable[..., None]:
    """Adds the filter flags to ``function``'s options and calls it with ``picked=``."""
    own = [p for p in resolved_parameters(function) if p.name != PICKED]

    @functools.wraps(function)
    def command(**values: Any) -> None:
        flags = {p.name: values.pop(p.name) for p in _FLAGS}
        function(**values, picked=Picked(**flags))

    return with_signature(command, [*own, *_FLAGS])
