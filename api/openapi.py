"""The served OpenAPI, made as strict as the server: what it documents is what it accepts.

Pydantic gives a discriminated union's tag (``type``, a dataset's ``kind``) a default in each
member's schema, so the tag looks optional there; yet the server refuses a body without it
(a discriminated union cannot pick a member otherwise). Published as optional, a schema-valid
``{"dataset": {...}}`` would be refused. This marks every tag required in every member.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from jobwire.contract.registry import JobTypeRegistry

_REF_PREFIX = "#/components/schemas/"


def install_exact_openapi(app: FastAPI, registry: JobTypeRegistry) -> None:
    """Wraps ``app.openapi`` so the schema it builds (once) requires every union tag, and
    ``type`` in every job type's input (with one type there is no union to say so)."""
    build = app.openapi
    inputs = [definition.input_model.__name__ for definition in registry.definitions()]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = require_discriminators(build())
            require(schema, inputs, "type")
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def require_discriminators(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds each discriminator's property to ``required`` of every schema it maps to."""
    for discriminator in _discriminators(schema):
        members = [
            ref.removeprefix(_REF_PREFIX) for ref in discriminator.get("mapping", {}).values()
        ]
        require(schema, members, discriminator["propertyName"])
    return schema


def require(schema: dict[str, Any], names: list[str], field: str) -> None:
    """Lists ``field`` as required in each named component that has it."""
    components = schema.get("components", {}).get("schemas", {})
    for name in names:
        member = components.get(name, {})
        if field in member.get("properties", {}) and field not in member.get("required", []):
            member["required"] = [*member.get("required", []), field]


def _discriminators(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        found = node.get("discriminator")
        if isinstance(found, dict) and "propertyName" in found:
            yield found
        for value in node.values():
            yield from _discriminators(value)
    elif isinstance(node, list):
        for value in node:
            yield from _discriminators(value)
