"""How jobwire signs a webhook, and how a receiver checks it (docs/protocol.md shows the same).

Each user gets a key of their own, derived from the operator's master key, so one user's
receiver cannot be fed forged events by another user who knows their own key. The signature
covers the timestamp and the exact body bytes: ``v1 = HMAC-SHA256(key, f"{t}.{body}")``, sent
as ``Jobwire-Signature: t=<unix seconds>,v1=<hex>``; a receiver refuses an old ``t`` so a
captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

from jobwire.settings import DEVELOPMENT_JWT_SECRET, Settings

KEY_PREFIX = "whsec_"
_KEY_CONTEXT = b"jobwire-webhook-key-v1\x00"


def master_key(settings: Settings) -> str | None:
    """The webhook master key, or ``None`` where none may be used (RS256 outside development
    and no ``webhook_secret``): signing with a public development value would sign nothing."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return DEVELOPMENT_JWT_SECRET if settings.environment == "development" else None


def user_key(master: str, user_id: str) -> str:
    """The key ``user_id``'s receivers verify with; the same for every job of theirs."""
    digest = hmac.new(master.encode(), _KEY_CONTEXT + user_id.encode(), hashlib.sha256)
    return KEY_PREFIX + digest.hexdigest()


def signature(key: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(key: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(key, timestamp, body)}"


def verify(key: str, header: str, body: bytes, *, now: float, tolerance: float = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``key`` at a time within ``tolerance`` of
    ``now``; any ``v1`` may match (a key rotation may send two)."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for name, value in parts if name.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(key, timestamp, body)
    return any(
        hmac.compare_digest(expected, value) for name, value in parts if name.strip() == "v1"
    )
