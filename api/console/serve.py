"""Serves the built console: ``index.html`` at ``/`` and the hashed bundles under ``/assets``.

Without a build (a source checkout where ``scripts/build-console`` has not run) nothing is
mounted except a plain page at ``/`` that says how to build it, so the API still works.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

log = logging.getLogger(__name__)

DIST = Path(__file__).parent / "dist"

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>jobwire</title>
<p>The web console is not built. Run <code>scripts/build-console</code> (needs Node.js),
then restart <code>jobwire api</code>. The API itself is at <a href="/docs">/docs</a>.</p>"""


def console_dir(root: Path = DIST) -> Path | None:
    """The folder holding the built console, or ``None`` when it was never built."""
    return root if (root / "index.html").is_file() else None


def mount_console(app: FastAPI, root: Path = DIST) -> None:
    """Adds the console routes to ``app``; call it after the API routes so they win."""
    folder = console_dir(root)
    if folder is None:
        log.warning("web console not built (%s missing); serving a hint at /", root)

        @app.get("/", include_in_schema=False)
        async def console_missing() -> HTMLResponse:
            return HTMLResponse(_NOT_BUILT, status_code=503)

        return

    index = folder / "index.html"

    @app.get("/", include_in_schema=False)
    async def console_index() -> FileResponse:
        # The page is small and points at hashed bundles: never cache it, so a new build shows.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    assets = folder / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="console-assets")
