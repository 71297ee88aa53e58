"""A busy port fails fast with the port and the setting that moves it."""

from __future__ import annotations

import socket

import pytest

from jobwire.cli.devstack.ports import PortInUse, ensure_port_free, free_port, port_is_free
from jobwire.cli.devstack.stack import DevStack
from jobwire.settings import Settings
from tests.support.redis_cluster import BUS_PORT_OFFSET, cluster_port


@pytest.fixture
def busy_port():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def test_busy_port_is_reported(busy_port: int) -> None:
    assert not port_is_free("127.0.0.1", busy_port)
    with pytest.raises(PortInUse) as caught:
        ensure_port_free("127.0.0.1", busy_port, "JOBWIRE_API_PORT")
    assert str(busy_port) in str(caught.value)
    assert "JOBWIRE_API_PORT" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "setting"),
    [
        ("api_port", "JOBWIRE_API_PORT"),
        ("redis_port", "JOBWIRE_REDIS_PORT"),
        ("temporal_ui_port", "JOBWIRE_TEMPORAL_UI_PORT"),
        ("temporal_address", "JOBWIRE_TEMPORAL_ADDRESS"),
    ],
)
def test_dev_stack_names_the_setting_of_each_busy_port(
    busy_port: int, field: str, setting: str
) -> None:
    values: dict[str, object] = {
        "api_port": free_port(),
        "redis_port": free_port(),
        "temporal_ui_port": free_port(),
        "temporal_address": f"127.0.0.1:{free_port()}",
    }
    values[field] = f"127.0.0.1:{busy_port}" if field == "temporal_address" else busy_port
    stack = DevStack(Settings(_env_file=None, **values))  # type: ignore[arg-type]
    with pytest.raises(PortInUse, match=setting):
        stack.check_ports()


def test_a_cluster_node_gets_a_port_whose_bus_port_exists_and_is_free() -> None:
    """redis-server refuses a cluster port above 55535 (its bus listens 10000 higher): a port
    the OS hands out at random would make the cluster fixture fail now and then."""
    for _ in range(50):
        port = cluster_port()
        assert port + BUS_PORT_OFFSET <= 65_535
        assert port_is_free("127.0.0.1", port)
        assert port_is_free("127.0.0.1", port + BUS_PORT_OFFSET)
