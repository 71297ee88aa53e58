"""Job URLs stay on the public internet: each request's host, redirects included, must
resolve to public addresses only, unless the operator allows private ones."""

from __future__ import annotations

import httpx
import pytest

from activities.public_net import BlockedAddress, PublicOnly, fetch_client, is_public
from tests.unit.jobtypes.harness import unit_settings

DNS = {
    "news.example": ["93.184.216.34"],
    "intranet.example": ["10.0.0.7"],
    "split.example": ["93.184.216.34", "127.0.0.1"],
}


async def fake_dns(host: str, port: int) -> list[str]:
    return DNS.get(host, [])


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fc00::1",
        "fe80::1%eth0",
        "::ffff:127.0.0.1",
    ],
)
def test_addresses_of_the_workers_own_networks_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700::1111"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public(address)


def recording_site(asked: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})
        return httpx.Response(200, text="hello")

    return httpx.MockTransport(answer)


async def test_a_redirect_into_the_private_network_is_refused_before_it_is_requested() -> None:
    asked: list[str] = []
    async with httpx.AsyncClient(
        transport=recording_site(asked),
        follow_redirects=True,
        event_hooks={"request": [PublicOnly(fake_dns)]},
    ) as http:
        assert (await http.get("http://news.example/story")).text == "hello"
        with pytest.raises(BlockedAddress, match=r"intranet\.example is at 10\.0\.0\.7"):
            await http.get("http://news.example/moved")
        for url in ("http://split.example/", "http://169.254.169.254/latest/meta-data/"):
            with pytest.raises(BlockedAddress, match="not a public address"):
                await http.get(url)
    assert asked == ["http://news.example/story", "http://news.example/moved"]


async def test_the_fetch_client_guards_unless_private_sources_are_allowed() -> None:
    asked: list[str] = []
    guarded = fetch_client(
        unit_settings(allow_private_sources=False), transport=recording_site(asked)
    )
    async with guarded:
        with pytest.raises(BlockedAddress):
            await guarded.get("http://127.0.0.1:9/")
    allowed = fetch_client(
        unit_settings(allow_private_sources=True), transport=recording_site(asked)
    )
    async with allowed:
        assert (await allowed.get("http://127.0.0.1:9/")).status_code == 200
    assert asked == ["http://127.0.0.1:9/"]
