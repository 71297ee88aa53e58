"""Issues and verifies jobwire's JWTs with the algorithm and keys from settings."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pydantic import BaseModel

from jobwire.settings import Settings

MAX_SUBJECT_LENGTH = 200
"""A user id is a key in search attributes, Redis keys and rooms; longer is no one's name."""


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or for someone else."""


class Principal(BaseModel):
    """Who is calling: ``sub`` of a verified token, and when that token stops being valid."""

    user_id: str
    expires_at: datetime | None = None
    scopes: frozenset[str] = frozenset()


def _verification_key(settings: Settings) -> str:
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_public_key:
            raise InvalidToken("the server has no public key configured")
        return settings.jwt_public_key
    return settings.jwt_signing_secret


def issue_token(
    settings: Settings,
    subject: str,
    *,
    ttl: timedelta | None = None,
    scopes: list[str] | None = None,
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "iat": now,
        "exp": now + (ttl or timedelta(seconds=settings.jwt_default_ttl_seconds)),
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    if settings.jwt_algorithm == "RS256":
        if settings.jwt_private_key is None:
            raise InvalidToken("JOBWIRE_JWT_PRIVATE_KEY is needed to sign RS256 tokens")
        key = settings.jwt_private_key.get_secret_value()
    else:
        key = settings.jwt_signing_secret
    return jwt.encode(claims, key, algorithm=settings.jwt_algorithm)


def verify_token(settings: Settings, token: str) -> Principal:
    """Checks signature, expiry and (when configured) issuer and audience; only one algorithm."""
    try:
        claims = jwt.decode(
            token,
            _verification_key(settings),
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": ["sub", "exp"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token: {exc}") from exc
    subject = _valid_subject(claims.get("sub"))
    scope = claims.get("scope", "")
    return Principal(
        user_id=subject,
        expires_at=_expiry(claims["exp"]),
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
    )


def _valid_subject(subject: Any) -> str:
    """A signed ``sub`` still becomes part of visibility queries and Redis keys, so one that
    no user id can be (control characters, a NUL, megabytes) is refused here, as a 401, rather
    than failing deep inside Temporal as a 503."""
    if not isinstance(subject, str) or not subject:
        raise InvalidToken("token has no subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise InvalidToken(f"token subject is longer than {MAX_SUBJECT_LENGTH} characters")
    if any(unicodedata.category(char).startswith("C") for char in subject):
        raise InvalidToken("token subject holds control characters")
    return subject


def _expiry(exp: Any) -> datetime:
    """PyJWT checked that ``exp`` is a number in the future; one past what a datetime holds
    (year 9999) is refused instead of overflowing into a 500."""
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidToken("token expiry is out of range") from exc
