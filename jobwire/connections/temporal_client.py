"""Connects to Temporal the same way everywhere: settings-driven TLS / API key, pydantic data."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from jobwire.observability.tracing import temporal_interceptors
from jobwire.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    if not settings.temporal_tls:
        return bool(settings.temporal_api_key)
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_ca_path),
        client_cert=_read(settings.temporal_tls_cert_path),
        client_private_key=_read(settings.temporal_tls_key_path),
    )


def _read(path: object) -> bytes | None:
    from pathlib import Path

    return Path(path).read_bytes() if isinstance(path, Path) else None


async def connect_temporal(settings: Settings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=tls_config(settings),
        api_key=api_key,
        data_converter=pydantic_data_converter,
        interceptors=temporal_interceptors(settings),
    )
