"""Rules the settings apply to secrets, kept beside the one settings class so it stays a list
of fields a reader scans."""

from __future__ import annotations

import ipaddress

MIN_SECRET_LENGTH = 32
"""HS256 needs a key at least as long as its hash (RFC 7518, 3.2)."""


def refuse_beyond_loopback(host: str) -> None:
    """The development secret is public (it is in ``jobwire/settings.py``): tokens it signs
    may only be accepted by an API that no one else can reach."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(
        f"the API listens on {host}, beyond loopback: set JOBWIRE_JWT_SECRET (the development"
        " secret signs tokens anyone can forge)"
    )
