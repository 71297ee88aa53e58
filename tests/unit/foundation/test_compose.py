"""docker-compose.yml can't be run here (no Docker), so check what can drift: every jobwire
command it runs exists, every JOBWIRE_ variable it sets is a real setting, and the production
settings it gives are ones Settings accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from typer.main import get_command

from jobwire.cli.devstack.temporal_server import TASK_QUEUE_FAIRNESS
from jobwire.cli.main import app
from jobwire.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
JOBWIRE_SERVICES = {
    name: service
    for name, service in COMPOSE["services"].items()
    if service.get("image") == "jobwire:latest"
}


def test_the_stack_has_the_components_of_the_design() -> None:
    commands = [tuple(service["command"]) for service in JOBWIRE_SERVICES.values()]
    assert commands.count(("jobwire", "api")) == 2
    assert commands.count(("jobwire", "worker")) == 2
    assert ("jobwire", "setup", "--wait") in commands
    assert {"temporal", "temporal-ui", "redis", "postgresql", "lb"} <= set(COMPOSE["services"])


def test_every_jobwire_command_in_compose_exists() -> None:
    known = set(get_command(app).commands)  # type: ignore[attr-defined]
    for name, service in JOBWIRE_SERVICES.items():
        program, command, *_ = service["command"]
        assert program == "jobwire", name
        assert command in known, f"{name} runs `jobwire {command}`, which does not exist"


def test_every_variable_in_compose_is_a_setting_and_validates() -> None:
    fields = {f"JOBWIRE_{name.upper()}" for name in Settings.model_fields}
    for name, service in JOBWIRE_SERVICES.items():
        environment = {k: str(v) for k, v in service["environment"].items()}
        unknown = set(environment) - fields
        assert not unknown, f"{name} sets {sorted(unknown)}, which Settings ignores"
        values = {
            key.removeprefix("JOBWIRE_").lower(): value
            for key, value in environment.items()
            if not value.startswith("${")
        }
        settings = Settings(_env_file=None, jwt_secret="s" * 40, **values)  # type: ignore[arg-type]
        assert settings.environment == "production"


def test_the_load_balancer_config_passes_websockets() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "Upgrade" in nginx and "api-1" in nginx and "api-2" in nginx


def test_only_the_proxy_is_reachable_from_outside() -> None:
    published = {name for name, service in COMPOSE["services"].items() if service.get("ports")}
    assert published == {"lb"}
    assert COMPOSE["networks"]["backend"]["internal"] is True
    for name in ("temporal", "temporal-ui", "postgresql", "redis"):
        assert COMPOSE["services"][name]["networks"] == ["backend"], name


def test_temporal_ui_is_served_only_behind_basic_auth() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    ui_server = nginx[nginx.index("listen 8080") :]
    assert "proxy_pass http://temporal-ui:8080" in ui_server
    assert "auth_basic_user_file" in ui_server
    assert nginx.count("proxy_pass http://temporal-ui") == 1


def test_each_worker_serves_its_metrics_to_the_backend_network() -> None:
    workers = [s for s in JOBWIRE_SERVICES.values() if s["command"] == ["jobwire", "worker"]]
    for worker in workers:
        environment = worker["environment"]
        addresses = [
            environment["JOBWIRE_WORKER_METRICS_ADDRESS"],
            environment["JOBWIRE_TEMPORAL_METRICS_ADDRESS"],
        ]
        ports = [address.rpartition(":")[2] for address in addresses]
        assert sorted(worker["expose"]) == sorted(ports)
        assert worker["networks"][0] == "backend"


def test_the_otlp_endpoint_comes_from_the_environment_and_is_off_when_unset() -> None:
    for service in JOBWIRE_SERVICES.values():
        assert service["environment"]["JOBWIRE_OTLP_ENDPOINT"] == "${JOBWIRE_OTLP_ENDPOINT:-}"
    # What compose passes when the variable is unset: tracing stays off.
    assert Settings(_env_file=None, otlp_endpoint="").otlp_endpoint is None
    endpoint = "http://collector:4318/v1/traces"
    assert Settings(_env_file=None, otlp_endpoint=endpoint).otlp_endpoint == endpoint


def test_temporal_gets_the_matching_config_the_dev_server_runs_with() -> None:
    """Priority and fairness are off in a self-hosted server until its dynamic config turns
    them on: the compose stack's Temporal reads the same values ``jobwire dev`` passes."""
    temporal = COMPOSE["services"]["temporal"]
    path = temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    mounts = {target: source for source, target, *_ in (m.split(":") for m in temporal["volumes"])}
    source = mounts[f"/etc/temporal/{path}"]
    config = yaml.safe_load((ROOT / source).read_text())
    given = {f"{key}={str(entries[0]['value']).lower()}" for key, entries in config.items()}
    assert given == set(TASK_QUEUE_FAIRNESS)
