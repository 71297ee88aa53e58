"""A job's name as published: the schema's pattern alone refuses what the server refuses, so
a client that checks against the schema is never surprised (the fuzzer found a name with one
control character that the pattern let through)."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from jobwire.contract.labels import NAME_PATTERN, JobName

NAMES = TypeAdapter(JobName)


@pytest.mark.parametrize("name", ["nightly ACME", "é😍", " padded ", "a"])
def test_a_printable_line_with_something_visible_is_a_name(name: str) -> None:
    assert re.fullmatch(NAME_PATTERN, name)
    assert NAMES.validate_python(name) == name


@pytest.mark.parametrize("name", ["abc\x0fdef", "\x0f", "   ", "two\nlines", "bell\x07", "\x85"])
def test_the_pattern_and_the_server_refuse_the_same(name: str) -> None:
    assert re.fullmatch(NAME_PATTERN, name) is None
    with pytest.raises(ValidationError):
        NAMES.validate_python(name)
