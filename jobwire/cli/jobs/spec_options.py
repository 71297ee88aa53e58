"""``jobwire submit TYPE --field ...``: one subcommand per registered job type, built from its
input model, so a new job type gets its submit command without CLI code.

Every field becomes an option named after it (``max_sources`` → ``--max-sources``). Values
stay strings until pydantic validates the whole spec against the model, so the model alone
decides types, bounds and defaults; a structured field (object, list of objects) takes JSON,
or for a model that names a ``shorthand_field`` just that field (``--webhook URL``).
A ``--file`` spec is read here too, and overlaid with the flags that were given.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from jobwire.cli.jobs.exit_codes import UsageError
from jobwire.cli.jobs.signatures import with_signature
from jobwire.contract.specs import JobInput

RESERVED_FIELDS = ("schema_version", "type")
_SCALARS = (str, int, float, bool)


def option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    if origin is Annotated:
        return _strip_optional(typing.get_args(annotation)[0])
    return annotation


def _is_structured(annotation: Any) -> bool:
    """Objects and containers of objects are typed as JSON on the command line."""
    annotation = _strip_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, set, frozenset, tuple):
        return any(_is_structured(arg) for arg in typing.get_args(annotation))
    if origin in (dict, typing.Union, types.UnionType):
        return True
    return inspect.isclass(annotation) and issubclass(annotation, (BaseModel, dict))


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(_strip_optional(annotation)) in (list, set, frozenset, tuple)


def _is_bool(annotation: Any) -> bool:
    return _strip_optional(annotation) is bool


def _type_label(annotation: Any) -> str:
    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return "|".join(str(value) for value in typing.get_args(annotation))
    if inspect.isclass(annotation):
        return annotation.__name__.lower()
    return str(annotation).replace("typing.", "")


class FieldOption:
    """How one model field reads from the command line."""

    def __init__(self, name: str, info: FieldInfo) -> None:
        self.field = name
        self.param = f"field_{name}"
        self.flag = option_name(name)
        self.annotation = info.annotation
        self.required = info.is_required()
        self.structured = _is_structured(info.annotation)
        self.repeated = _is_list(info.annotation) and not self.structured
        self.boolean = _is_bool(info.annotation)
        self.shorthand: str | None = getattr(
            _strip_optional(info.annotation), "shorthand_field", None
        )
        label = "JSON" if self.structured else _type_label(info.annotation)
        if self.shorthand is not None:
            label = f"{self.shorthand}|JSON"
        if self.repeated:
            label = _type_label(typing.get_args(_strip_optional(info.annotation))[0])
        parts = [info.description or ""]
        if self.repeated:
            parts.append("(repeat for several)")
        if self.required:
            parts.append("(required)")
        elif info.default_factory is None and info.default not in (None, PydanticUndefined):
            parts.append(f"(default: {info.default})")
        self.help = " ".join(part for part in parts if part)
        self.metavar = label.upper() if not self.boolean else None

    def parameter(self) -> inspect.Parameter:
        if self.boolean:
            option = typer.Option(f"{self.flag}/--no-{self.flag[2:]}", help=self.help)
            annotation: Any = Annotated[bool | None, option]
        elif self.repeated:
            option = typer.Option(self.flag, help=self.help, metavar=self.metavar)
            annotation = Annotated[list[str] | None, option]
        else:
            option = typer.Option(self.flag, help=self.help, metavar=self.metavar)
            annotation = Annotated[str | None, option]
        return inspect.Parameter(
            self.param, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
        )

    def value(self, raw: Any) -> Any:
        if not self.structured or raw is None:
            return raw
        if self.shorthand is not None and not raw.lstrip().startswith("{"):
            return {self.shorthand: raw}
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{self.flag} takes JSON: {exc}") from None


def field_options(model: type[JobInput]) -> list[FieldOption]:
    return [
        FieldOption(name, info)
        for name, info in model.model_fields.items()
        if name not in RESERVED_FIELDS
    ]


def spec_from_options(
    model: type[JobInput],
    options: list[FieldOption],
    values: dict[str, Any],
    base: dict[str, Any] | None = None,
) -> JobInput:
    """The validated spec: ``base`` (a ``--file``) overlaid with the flags that were given."""
    data: dict[str, Any] = dict(base or {})
    kind = model.model_fields["type"].default
    if data.get("type", kind) != kind:
        raise UsageError(f"the spec file is a {data['type']!r} job, not {kind!r}")
    data["type"] = kind
    for option in options:
        raw = values.get(option.param)
        if raw is None or (option.repeated and not raw):
            continue
        data[option.field] = option.value(raw)
    return validate_spec(model, data, options)


def validate_spec(
    model: type[JobInput], data: Any, options: list[FieldOption] | None = None
) -> JobInput:
    flags = {option.field: option.flag for option in options or field_options(model)}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            loc = [str(part) for part in error["loc"]]
            where = flags.get(loc[0], ".".join(loc)) if loc else "spec"
            if len(loc) > 1 and loc[0] in flags:
                where += "." + ".".join(loc[1:])
            lines.append(f"  {where}: {error['msg']}")
        raise UsageError(f"invalid {data_kind(data)} spec:\n" + "\n".join(lines)) from None


def data_kind(data: Any) -> str:
    return str(data.get("type", "job")) if isinstance(data, dict) else "job"


def build_command(
    model: type[JobInput],
    common: list[inspect.Parameter],
    run: Callable[[type[JobInput], list[FieldOption], dict[str, Any]], None],
    *,
    description: str,
) -> Callable[..., None]:
    """A typer command function whose parameters are ``common`` plus one per model field."""
    options = field_options(model)
    taken = {parameter.name for parameter in common}
    clash = [option for option in options if option.param in taken]
    if clash:
        raise TypeError(f"{model.__name__}: fields clash with CLI options: {clash}")

    def command(**values: Any) -> None:
        run(model, options, values)

    command.__doc__ = description
    command.__name__ = f"submit_{model.model_fields['type'].default}"
    return with_signature(command, [*common, *(option.parameter() for option in options)])


def read_json_file(path: Path) -> Any:
    """A spec file's JSON (``-`` reads stdin); a ``UsageError`` that says what is wrong."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
