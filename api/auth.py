"""Bearer-token authentication: every /api call names its user through a verified JWT."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.error_handlers import ProblemError
from jobwire.auth.tokens import InvalidToken, Principal, verify_token
from jobwire.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="A jobwire JWT (`jobwire token --sub USER`).")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="jobwire"'}


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401, "a bearer token is required", slug="unauthorized", headers=_CHALLENGE
        )
    try:
        return verify_token(app_settings(request), credentials.credentials)
    except InvalidToken as exc:
        raise ProblemError(401, str(exc), slug="unauthorized", headers=_CHALLENGE) from exc
