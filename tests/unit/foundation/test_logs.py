"""Every log line about a job carries its job_id, as JSON in production."""

from __future__ import annotations

import json
import logging

import pytest

from jobwire.logs import configure_logging
from jobwire.settings import Settings


@pytest.fixture(autouse=True)
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_job_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(_env_file=None, log_format="json"))
    logging.getLogger("jobwire.test").info("phase done", extra={"job_id": "job-1", "phase": "a"})
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "phase done"
    assert line["job_id"] == "job-1"
    assert line["phase"] == "a"
    assert line["level"] == "INFO"


def test_readable_lines_append_job_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(_env_file=None, log_format="console"))
    logging.getLogger("jobwire.test").warning("slow", extra={"job_id": "job-2"})
    assert capsys.readouterr().err.strip().endswith("slow job_id=job-2")
