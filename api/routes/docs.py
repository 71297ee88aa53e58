"""/docs and /redoc: FastAPI's own pages, each with a policy that allows exactly what it loads.

Both pages load their bundle from a CDN and start it with one inline script; the policy names
those files' folders and the script's hash, so nothing else can run on a page that holds a
token once someone pastes it into "Authorize".
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_FAVICON = "https://fastapi.tiangolo.com/img/favicon.png"
SWAGGER_FILES = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"
REDOC_FILES = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/"


def _script_hashes(html: str) -> str:
    """The CSP sources that allow exactly the page's inline scripts."""
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )


def _policy(*directives: str) -> str:
    common = [
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(["default-src 'none'", *directives, *common])


def _text(page: HTMLResponse) -> str:
    return bytes(page.body).decode()


def _page(html: str, policy: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def install_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Serves both pages; create the app with ``docs_url=None, redoc_url=None``."""
    swagger = _text(
        get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} - Swagger UI", swagger_favicon_url=_FAVICON
        )
    )
    swagger_policy = _policy(
        f"script-src {SWAGGER_FILES} {_script_hashes(swagger)}",
        # Swagger UI sets style attributes on its own elements.
        f"style-src {SWAGGER_FILES} 'unsafe-inline'",
        f"img-src 'self' data: {_FAVICON}",
        "connect-src 'self'",
    )
    redoc = _text(
        get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} - ReDoc", redoc_favicon_url=_FAVICON
        )
    )
    redoc_policy = _policy(
        f"script-src {REDOC_FILES}",
        # ReDoc styles its elements inline (styled-components); its fonts come from Google.
        "style-src 'unsafe-inline' https://fonts.googleapis.com",
        "font-src https://fonts.gstatic.com",
        f"img-src 'self' data: {_FAVICON}",
        "worker-src blob:",
        "connect-src 'self'",
    )

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _page(swagger, swagger_policy)

    @app.get("/redoc", include_in_schema=False)
    async def redoc_page() -> HTMLResponse:
        return _page(redoc, redoc_policy)
