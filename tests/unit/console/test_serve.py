"""The API serves the built console at ``/`` and its bundles under ``/assets``."""

from pathlib import Path

import httpx
from fastapi import FastAPI

from api.console import console_dir, mount_console


def _build(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script src="/assets/app.js"></script>')
    (root / "assets" / "app.js").write_text("console.log('hi')")
    return root


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console")


def test_console_dir_is_none_without_a_build(tmp_path: Path) -> None:
    assert console_dir(tmp_path / "missing") is None
    assert console_dir(_build(tmp_path / "dist")) == tmp_path / "dist"


async def test_built_console_is_served_at_root_and_assets(tmp_path: Path) -> None:
    app = FastAPI()

    @app.get("/api/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    mount_console(app, _build(tmp_path / "dist"))
    async with _client(app) as client:
        index = await client.get("/")
        assert index.status_code == 200
        assert "/assets/app.js" in index.text
        assert index.headers["cache-control"] == "no-cache"
        asset = await client.get("/assets/app.js")
        assert asset.status_code == 200
        assert "javascript" in asset.headers["content-type"]
        assert (await client.get("/assets/%2e%2e/index.html")).status_code == 404
        assert (await client.get("/api/ping")).json() == {"ok": True}


async def test_missing_build_leaves_the_api_working_and_says_how_to_build(tmp_path: Path) -> None:
    app = FastAPI()

    @app.get("/api/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    mount_console(app, tmp_path / "nothing")
    async with _client(app) as client:
        root = await client.get("/")
        assert root.status_code == 503
        assert "build-console" in root.text
        assert (await client.get("/assets/app.js")).status_code == 404
        assert (await client.get("/api/ping")).json() == {"ok": True}
