"""Port checks that turn a busy port into a message naming the setting that moves it."""

from __future__ import annotations

import socket
import time


class PortInUse(RuntimeError):
    def __init__(self, host: str, port: int, setting: str) -> None:
        super().__init__(
            f"port {port} on {host} is already in use; stop whatever holds it or set "
            f"{setting} to another port"
        )
        self.port = port
        self.setting = setting


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def ensure_port_free(host: str, port: int, setting: str, *, patience: float = 3.0) -> None:
    """Raises ``PortInUse`` unless the port can be bound within ``patience`` seconds: a stack
    restarted right after a stop may find its old sockets still closing for a moment."""
    deadline = time.monotonic() + patience
    while not port_is_free(host, port):
        if time.monotonic() >= deadline:
            raise PortInUse(host, port, setting)
        time.sleep(0.1)


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS just handed out; good enough for tests and throwaway servers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
