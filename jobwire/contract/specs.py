"""The base model every job type's input extends, and the one every model inside a spec uses.

It depends on nothing else in the contract but the webhook's choice of events, so a job type's
models import it without pulling in the registry (``jobwire.contract.registry`` holds the
``JobSpec`` field type that turns raw JSON into the concrete model).

A spec is checked whole at submit, so nothing a worker cannot compute with or a log cannot
show reaches a workflow: no unknown field, no NaN or infinity (``allow_inf_nan=False``), and
no control character in any string (they truncate C strings, forge log lines and hide text
in a terminal). Free text keeps its tabs and line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from jobwire.contract import SCHEMA_VERSION
from jobwire.contract.labels import JobName, JobTags
from jobwire.contract.priority import DEFAULT_PRIORITY, HIGHEST_PRIORITY, LOWEST_PRIORITY
from jobwire.contract.webhooks import WebhookEvents

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_error(text: str) -> str | None:
    """Why ``text`` is refused, naming the first control character it holds; ``None`` if it
    holds none (tab, line feed and carriage return are text, not control)."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return f"contains the control character U+{ord(found.group()):04X} at position {found.start()}"


def _first_control_character(value: Any, where: str = "") -> str | None:
    """The first string in ``value`` (strings, and the keys and items of containers; nested
    models check themselves) that holds a control character, with where it is inside."""
    if isinstance(value, str):
        reason = control_character_error(value)
        return f"{where}: {reason}" if reason and where else reason
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _first_control_character(key, f"{where}{'.' if where else ''}key {key!r}")
            found = found or _first_control_character(item, f"{where}{'.' if where else ''}{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _first_control_character(item, f"{where}{'.' if where else ''}{index}")
            if found:
                return found
    return None


def _printable(value: Any) -> Any:
    if isinstance(value, str) and (reason := control_character_error(value)):
        raise ValueError(reason)
    return value


_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    """Checked as an http(s) URL and kept as written: normalised (a ``/`` path added, a host
    punycoded) a URL can outgrow the length it was checked against, so a spec read back, as a
    restart reads its job's, failed the check it had passed (found by the fuzz run)."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError as exc:
        raise ValueError(exc.errors()[0]["msg"]) from None
    return value


SpecUrl = Annotated[
    str,
    BeforeValidator(_printable),
    Field(min_length=1, max_length=2083, json_schema_extra={"format": "uri"}),
    AfterValidator(_http_url),
]
"""An http(s) URL, checked for control characters before parsing (the parser would
percent-encode a NUL and hide it from the check every other string gets)."""


class SpecModel(BaseModel):
    """Base of every model a spec is made of: unknown fields, non-finite numbers and control
    characters are refused with the field they are in, before any workflow exists."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_printable(cls, value: Any) -> Any:
        if (reason := _first_control_character(value)) is not None:
            raise ValueError(reason)
        return value


class WebhookSpec(SpecModel):
    """Where jobwire POSTs a job's events, signed (models of deliveries: ``webhooks``)."""

    shorthand_field: ClassVar[str] = "url"
    """A command line may give just this field (``--webhook URL``)."""

    url: SpecUrl = Field(
        description="Where jobwire POSTs the job's events, signed (see docs/protocol.md): "
        "http or https, at most 2083 characters, resolving to public addresses unless the "
        "operator allows private ones. Redirects are refused."
    )
    events: WebhookEvents = Field(
        default=WebhookEvents.TERMINAL,
        description="`terminal`: the job's completed, failed or cancelled event; "
        "`state_changes`: also created, started, paused and resumed.",
    )


class JobInput(SpecModel):
    """Base of every job type's input; subclasses narrow ``type`` to a ``Literal``."""

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    type: str
    webhook: WebhookSpec | None = Field(
        default=None,
        description="POST the job's events here, signed; without it, the user's default "
        "webhook (if the operator set one) is used.",
        # A spec without one reads back exactly as it was written.
        exclude_if=lambda value: value is None,
    )
    name: JobName | None = Field(
        default=None, description="What to call the job in lists; its summary when left out."
    )
    tags: JobTags = Field(default_factory=list)
    priority: int = Field(
        default=DEFAULT_PRIORITY,
        ge=HIGHEST_PRIORITY,
        le=LOWEST_PRIORITY,
        description="1 runs first, 5 last (Temporal's task-queue priority); a job asking for "
        "more than the server allows the caller (JOBWIRE_MAX_PRIORITY) runs with the most it "
        "allows, as its record says.",
    )
