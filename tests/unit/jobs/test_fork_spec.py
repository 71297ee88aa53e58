"""A fork's spec is the source's with the caller's changes merged in as RFC 7396 says."""

from __future__ import annotations

from typing import Any

import pytest

from jobwire.jobs.forking import merge_patch

SOURCE: dict[str, Any] = {
    "type": "research",
    "question": "why?",
    "top_k": 3,
    "llm": {"model": "a", "temperature": 0.2},
    "sources": [{"kind": "text", "text": "x"}],
}


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({}, SOURCE),
        ({"top_k": 1}, SOURCE | {"top_k": 1}),
        ({"llm": {"model": "b"}}, SOURCE | {"llm": {"model": "b", "temperature": 0.2}}),
        ({"llm": None}, {k: v for k, v in SOURCE.items() if k != "llm"}),
        ({"sources": []}, SOURCE | {"sources": []}),
        ({"llm": {"temperature": None}}, SOURCE | {"llm": {"model": "a"}}),
        ({"missing": None}, SOURCE),
    ],
)
def test_a_patch_merges_objects_replaces_the_rest_and_null_removes(
    patch: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert merge_patch(SOURCE, patch) == expected


def test_the_source_is_left_as_it_was() -> None:
    before = {"llm": {"model": "a"}}
    merge_patch(before, {"llm": {"model": "b"}})
    assert before == {"llm": {"model": "a"}}


def test_a_patch_that_is_no_object_replaces_the_whole_value() -> None:
    assert merge_patch(SOURCE, ["a"]) == ["a"]
    assert merge_patch("text", {"a": 1}) == {"a": 1}
