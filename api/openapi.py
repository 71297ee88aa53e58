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

_REF_PREFIX = "#/components/schemas/"


def install_exact_openapi(app: FastAPI) -> None:
    """Wraps ``app.openapi`` so the schema it builds (once) requires every union tag."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            require_discriminators(build())
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def require_discriminators(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds each discriminator's property to ``required`` of every schema it maps to."""
    components = schema.get("components", {}).get("schemas", {})
    for discriminator in _discriminators(schema):
        tag = discriminator["propertyName"]
        for ref in discriminator.get("mapping", {}).values():
            member = components.get(ref.removeprefix(_REF_PREFIX), {})
            if tag in member.get("properties", {}) and tag not in member.get("required", []):
                member["required"] = [*member.get("required", []), tag]
    return schema


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
