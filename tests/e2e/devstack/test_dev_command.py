"""`jobwire dev` as a user runs it: a real process tree, Ctrl-C, a restart, a busy port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from jobwire.cli.devstack.ports import free_port

pytestmark = pytest.mark.e2e


def dev_env(data_dir: Path, **ports: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBWIRE_", "REDIS_URL"))}
    env.update(
        JOBWIRE_DATA_DIR=str(data_dir),
        JOBWIRE_TEMPORAL_ADDRESS=f"127.0.0.1:{ports.get('temporal', free_port())}",
        JOBWIRE_TEMPORAL_UI_PORT=str(ports.get("ui", free_port())),
        JOBWIRE_REDIS_PORT=str(ports.get("redis", free_port())),
        JOBWIRE_API_PORT=str(ports.get("api", free_port())),
        JOBWIRE_TASK_QUEUE="dev-e2e",
    )
    return env


def start_dev(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jobwire.cli.main", "dev"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_ready(process: subprocess.Popen[str], api_port: int, timeout: float = 150) -> str:
    """Waits for /readyz, then reads the output up to the banner `jobwire dev` prints right
    after it (so a Ctrl-C cannot overtake it); returns what it read."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jobwire dev exited early:\n{process.stdout.read()}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{api_port}/readyz", timeout=2).status_code == 200:
                return read_until(process, "Press Ctrl-C to stop everything")
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("jobwire dev never became ready")


def read_until(process: subprocess.Popen[str], banner: str) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if banner in line:
            break
    return "".join(seen)


def stop_dev(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


@pytest.fixture
def dev_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def test_dev_stack_is_ready_and_ctrl_c_leaves_no_process(dev_dir: Path) -> None:
    api_port = free_port()
    env = dev_env(dev_dir / "state", api=api_port)
    process = start_dev(env, dev_dir)
    try:
        banner = wait_ready(process, api_port)
        descendants = psutil.Process(process.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in descendants)
        assert "start-dev" in names and "redis-server" in names
        assert "jobwire.cli.main worker" in names and "jobwire.cli.main api" in names
    finally:
        output = stop_dev(process)
    assert process.returncode == 0, output
    assert "jobwire is ready" in banner and "/docs" in banner
    _, alive = psutil.wait_procs(descendants, timeout=10)
    assert alive == [], f"left behind: {[p.pid for p in alive]}"


def test_a_busy_port_names_its_setting(dev_dir: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        env = dev_env(dev_dir / "state", api=busy)
        result = subprocess.run(
            [sys.executable, "-m", "jobwire.cli.main", "dev"],
            env=env,
            cwd=dev_dir,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert str(busy) in result.stderr and "JOBWIRE_API_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def dev_token(env: dict[str, str], cwd: Path, user: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jobwire.cli.main", "token", "--sub", user],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_a_restarted_stack_still_has_the_jobs_of_the_last_run(dev_dir: Path) -> None:
    api_port = free_port()
    env = dev_env(dev_dir / "state", api=api_port, temporal=free_port())
    headers = {"Authorization": f"Bearer {dev_token(env, dev_dir, 'alice')}"}
    base = f"http://127.0.0.1:{api_port}"
    spec = {"type": "analysis", "dataset": {"kind": "generated", "rows": 500, "seed": 1}}

    process = start_dev(env, dev_dir)
    try:
        wait_ready(process, api_port)
        created = httpx.post(f"{base}/api/jobs", json=spec, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        job_id = created.json()["job_id"]
        deadline = time.monotonic() + 90
        while (
            httpx.get(f"{base}/api/jobs/{job_id}", headers=headers, timeout=30).json()["state"]
            != "completed"
        ):
            assert time.monotonic() < deadline, "the job never completed"
            time.sleep(0.5)
    finally:
        stop_dev(process)

    again = start_dev(env, dev_dir)
    try:
        wait_ready(again, api_port)
        record = httpx.get(f"{base}/api/jobs/{job_id}", headers=headers, timeout=30).json()
        assert record["state"] == "completed" and record["result"]["rows"] == 500
        listed = httpx.get(f"{base}/api/jobs", headers=headers, timeout=30).json()
        assert [item["job_id"] for item in listed["items"]] == [job_id]
    finally:
        output = stop_dev(again)
    assert again.returncode == 0, output
