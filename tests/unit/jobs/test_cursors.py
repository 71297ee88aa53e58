"""List cursors are sealed by this server: anything else is refused before Temporal is asked."""

from __future__ import annotations

from typing import Any

import pytest

from jobwire.contract.registry import JobTypeRegistry
from jobwire.errors import InvalidSpec
from jobwire.jobs.listing import JobListing
from jobwire.jobs.visibility_query import CursorSigner, user_jobs
from jobwire.settings import Settings


class NoTemporal:
    """A Temporal client that fails the test if anything asks it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Temporal was asked ({name}) about a cursor it never issued")


def listing(secret: bytes = b"s" * 32) -> JobListing:
    return JobListing(NoTemporal(), JobTypeRegistry(), CursorSigner(secret))  # type: ignore[arg-type]


@pytest.mark.parametrize("cursor", ["0" * 64, "A" * 4000, "not base64!", "x"])
async def test_a_forged_cursor_is_refused_without_asking_temporal(cursor: str) -> None:
    with pytest.raises(InvalidSpec) as refused:
        await listing().list("alice", cursor=cursor)
    assert refused.value.errors[0]["field"] == "cursor"


async def test_a_truncated_or_foreign_cursor_is_refused_without_asking_temporal() -> None:
    signer = CursorSigner(b"s" * 32)
    query = user_jobs("alice")
    cursor = signer.seal(query, b'{"page": "token from temporal"}')
    assert cursor is not None
    assert signer.open(query, cursor) == b'{"page": "token from temporal"}'
    for bad in (cursor[:-3], cursor[:20], cursor[:-1] + ("A" if cursor[-1] != "A" else "B")):
        with pytest.raises(InvalidSpec):
            await listing().list("alice", cursor=bad)
    with pytest.raises(InvalidSpec):  # bob cannot page alice's list
        await listing().list("bob", cursor=cursor)
    with pytest.raises(InvalidSpec):  # another server's secret
        await listing(b"t" * 32).list("alice", cursor=cursor)


def test_the_key_comes_from_the_cursor_secret_or_else_the_token_secret() -> None:
    query, token = user_jobs("alice"), b"token"
    default = Settings(jwt_secret="a" * 32)
    cursor = CursorSigner.for_settings(default).seal(query, token)
    assert CursorSigner.for_settings(Settings(jwt_secret="a" * 32)).open(query, cursor) == token
    with pytest.raises(InvalidSpec):
        CursorSigner.for_settings(Settings(jwt_secret="b" * 32)).open(query, cursor)
    own = Settings(jwt_secret="a" * 32, cursor_secret="c" * 32)
    with pytest.raises(InvalidSpec):
        CursorSigner.for_settings(own).open(query, cursor)
