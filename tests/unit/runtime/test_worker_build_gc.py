"""The worker is built with garbage collection paused: a collection while the sandbox loads a
workflow module can fail the load on Python 3.10/3.11 (temporalio/sdk-python#585)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from activities.runtime.context import PhaseResources
from jobwire.cli.server import worker as worker_module
from jobwire.cli.server.worker import build_worker, garbage_collection_paused
from jobwire.settings import Settings


class RecordingWorker:
    """Stands in for temporalio's Worker: notes whether the collector could run meanwhile."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.collecting = gc.isenabled()


def test_the_worker_is_built_with_collection_paused_and_it_resumes_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "Worker", RecordingWorker)
    settings = Settings(_env_file=None, environment="test", jwt_secret="x" * 32)
    resources = PhaseResources(settings=settings)
    built = build_worker(None, settings, resources, None)  # type: ignore[arg-type]
    assert isinstance(built, RecordingWorker) and built.collecting is False
    assert gc.isenabled()


def test_a_pause_leaves_collection_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with garbage_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collection_resumes_when_building_fails() -> None:
    with pytest.raises(RuntimeError), garbage_collection_paused():
        raise RuntimeError("Failed validating workflow")
    assert gc.isenabled()
