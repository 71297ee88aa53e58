"""The shared client options are declared once and reach every client command, after its name."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from jobwire.cli.jobs.client_options import ApiTarget, client_command
from jobwire.cli.main import app
from tests.unit.cli.fake_api import FakeApi

SHARED = {"--url", "--token", "--config", "--json"}
SERVER_COMMANDS = {"api", "dev", "setup", "token", "worker"}


def commands(group: TyperGroup) -> dict[str, Any]:
    """Every command below ``group`` by its full name (``submit research``)."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        found[name] = command
        if isinstance(command, TyperGroup):
            found.update({f"{name} {sub}": cmd for sub, cmd in commands(command).items()})
    return found


def flags(command: Any) -> set[str]:
    return {flag for param in command.params for flag in param.opts}


def test_every_client_command_takes_the_shared_options() -> None:
    root = typer.main.get_command(FakeApi().app())
    assert isinstance(root, TyperGroup)
    found = commands(root)
    assert {"ls", "show", "watch", "pause", "resume", "cancel", "restart", "demo"} <= set(found)
    assert {"submit", "submit research", "submit trade"} <= set(found)
    missing = {name: SHARED - flags(cmd) for name, cmd in found.items() if SHARED - flags(cmd)}
    assert missing == {}


def test_server_commands_keep_their_top_level_names_without_client_options() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    assert set(root.commands) >= SERVER_COMMANDS
    assert all(not flags(root.commands[name]) & SHARED for name in SERVER_COMMANDS)


def test_a_command_that_declares_a_shared_option_itself_is_refused() -> None:
    def clashing(target: ApiTarget, url: str | None = None) -> None:
        """Would shadow --url."""

    with pytest.raises(TypeError, match="url"):
        client_command(clashing)


def test_python_dash_m_jobwire_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jobwire", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: jobwire" in result.stdout
    assert all(name in result.stdout for name in ("pause", "submit", "worker"))
