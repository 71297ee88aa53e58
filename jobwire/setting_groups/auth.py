"""How tokens and cursors are signed and checked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr


class AuthSettings(BaseModel):
    """Part of ``jobwire.settings.Settings``; read through it, never on its own."""

    jwt_algorithm: Literal["HS256", "RS256"] = Field(
        default="HS256", description="The only algorithm tokens may use."
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 secret (32+ characters outside development)."
    )
    jwt_public_key: str | None = Field(default=None, description="RS256 public key (PEM).")
    jwt_private_key: SecretStr | None = Field(
        default=None, description="RS256 only: lets `jobwire token` sign tokens."
    )
    cursor_secret: SecretStr | None = Field(
        default=None,
        description="Signs list cursors; the HS256 secret (or RS256 private key) when unset."
        " Set it with RS256 and several replicas, so every replica accepts every cursor.",
    )
    jwt_issuer: str | None = Field(default=None, description="Required `iss`, when set.")
    jwt_audience: str | None = Field(default=None, description="Required `aud`, when set.")
    jwt_default_ttl_seconds: int = Field(
        default=12 * 3600, ge=1, description="Lifetime of tokens from `jobwire token`."
    )
