"""Token checks that must refuse, not crash: whatever a correctly signed token claims."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from jobwire.auth.tokens import MAX_SUBJECT_LENGTH, InvalidToken, issue_token, verify_token
from jobwire.settings import Settings

SETTINGS = Settings(_env_file=None, environment="test", jwt_secret="unit-secret-" + "s" * 40)


def signed(**claims: Any) -> str:
    return jwt.encode({"exp": 4_000_000_000, **claims}, SETTINGS.jwt_signing_secret, "HS256")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "alice", "exp": 10**20}, "expiry is out of range"),
        ({"sub": "al\x00ice"}, "control characters"),
        ({"sub": "bob\n"}, "control characters"),
        ({"sub": "x" * (MAX_SUBJECT_LENGTH + 1)}, "longer than"),
        ({"sub": ""}, "no subject"),
        ({"sub": 42}, "invalid token"),
    ],
)
def test_a_signed_token_with_an_impossible_claim_is_refused(
    claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidToken, match=reason):
        verify_token(SETTINGS, signed(**claims))


def test_an_ordinary_token_still_verifies() -> None:
    principal = verify_token(SETTINGS, issue_token(SETTINGS, "alice-ünïcode.example"))
    assert principal.user_id == "alice-ünïcode.example"
    assert principal.expires_at is not None
