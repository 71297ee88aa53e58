"""Schemathesis against the served OpenAPI: generated and fuzzed requests to every operation
find no 5xx and no response that breaks its own documented schema."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.api_stack import Api

pytestmark = pytest.mark.integration


def schemathesis_cli() -> str:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    assert found, "schemathesis is a dev dependency"
    return found


async def test_no_generated_request_gets_a_5xx_or_an_undocumented_answer(api: Api) -> None:
    process = await asyncio.create_subprocess_exec(
        schemathesis_cli(),
        "run",
        f"{api.base_url}/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance,content_type_conformance,"
        "status_code_conformance",
        "--header",
        f"Authorization: Bearer {api.token('fuzzer')}",
        "--max-examples",
        "15",
        "--seed",
        "7",
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert "No issues found" in report or "passed" in report, report[-3000:]
