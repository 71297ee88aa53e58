"""Keeps the URLs that jobs fetch on the public internet.

A research source or an analysis dataset is a URL a user typed. Fetched as is, it could make
the worker read what only the worker can reach — Redis, the Temporal frontend, a cloud
metadata service, an admin page on the private network — and hand the answer back in the
job's result. So before each request, every redirect included, the host is resolved and the
request refused unless every address it resolves to is public. Operators who do mean to fetch
from their own network (and the tests, which serve pages on loopback) turn this off with the
``allow_private_sources`` setting.

The check runs before httpx connects, which resolves the name again: a DNS server that answers
differently the second time (rebinding) is not stopped by this; a proxy that pins addresses
would be.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from jobwire.settings import Settings

Resolve = Callable[[str, int], Awaitable[list[str]]]


class BlockedAddress(httpx.RequestError):
    """The URL leads to an address that is not on the public internet."""


async def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to; none if it does not resolve (httpx then says so)."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [str(info[4][0]) for info in found]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicOnly:
    """An httpx request hook that refuses a request to a non-public address."""

    def __init__(self, resolver: Resolve = resolve) -> None:
        self._resolve = resolver

    async def __call__(self, request: httpx.Request) -> None:
        host = request.url.host
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            addresses = await self._resolve(host, request.url.port or _default_port(request))
        blocked = [address for address in addresses if not is_public(address)]
        if blocked:
            raise BlockedAddress(
                f"{host} is at {blocked[0]}, which is not a public address "
                "(an operator can allow it with JOBWIRE_ALLOW_PRIVATE_SOURCES)",
                request=request,
            )


def fetch_client(settings: Settings, **options: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for URLs from job specs: public addresses only, unless the
    settings allow private ones."""
    guards: list[Callable[..., Any]] = [] if settings.allow_private_sources else [PublicOnly()]
    return httpx.AsyncClient(event_hooks={"request": guards}, **options)


def _default_port(request: httpx.Request) -> int:
    return 443 if request.url.scheme == "https" else 80
