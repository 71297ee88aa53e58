"""What every search provider is: a name, and one call from a query to ranked pages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

MAX_ANSWER_BYTES = 2_000_000
"""A search answer larger than this is not a list of results; reading stops there."""

Answer = TypeVar("Answer", bound=BaseModel)


@dataclass(frozen=True)
class Found:
    """One result, as every provider's shape is reduced to."""

    title: str
    url: str
    snippet: str = ""


class SearchFailed(Exception):
    """One search attempt failed; the message says why in words an operator can act on, and
    holds no key."""


class SearchProvider(Protocol):
    name: str

    async def search(self, query: str, count: int) -> list[Found]:
        """At most ``count`` results for ``query``, best first; raises ``SearchFailed``."""
        ...


async def fetch_answer(
    name: str,
    timeout: float,
    request: Callable[[httpx.AsyncClient], httpx.Request],
    model: type[Answer],
) -> Answer:
    """Sends one request within ``timeout`` and reads its JSON answer (at most
    ``MAX_ANSWER_BYTES`` of it) into ``model``; every
    way that can fail (timeout, network, HTTP status, not JSON, the wrong shape) becomes a
    ``SearchFailed`` naming the provider."""
    try:
        async with asyncio.timeout(timeout), httpx.AsyncClient(timeout=timeout) as http:
            response = await http.send(request(http), stream=True)
            body = await _read_capped(response)
    except TimeoutError:
        raise SearchFailed(f"{name} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise SearchFailed(f"{name} could not be reached ({type(exc).__name__})") from None
    if response.is_error:
        raise SearchFailed(f"{name} answered HTTP {response.status_code}{_hint(response)}")
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        raise SearchFailed(
            f"{name} answered something that is not its search results ({where}: {first['msg']})"
        ) from None


async def _read_capped(response: httpx.Response) -> bytes:
    body = bytearray()
    try:
        async for piece in response.aiter_bytes():
            body.extend(piece)
            if len(body) > MAX_ANSWER_BYTES:
                raise SearchFailed(f"the search answer is larger than {MAX_ANSWER_BYTES} bytes")
    finally:
        await response.aclose()
    return bytes(body)


_HINTS: dict[int, str] = {
    httpx.codes.FORBIDDEN: " (for SearxNG: is 'json' among search.formats in its settings.yml?)",
    httpx.codes.UNAUTHORIZED: " (is its key right?)",
    httpx.codes.UNPROCESSABLE_ENTITY: " (is its key right?)",
    httpx.codes.TOO_MANY_REQUESTS: " (rate limited)",
}


def _hint(response: httpx.Response) -> str:
    return _HINTS.get(response.status_code, "")


def results_of(items: list[Any], count: int) -> list[Found]:
    """The first ``count`` items that carry a URL, as ``Found``."""
    found = [
        Found(title=item.title or item.url, url=item.url, snippet=item.snippet or "")
        for item in items
        if item.url
    ]
    return found[:count]
