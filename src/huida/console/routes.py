"""The web console's static files at /console (issue 17).

The console is plain files (HTML, ES modules, CSS) shipped inside the package: no build step, no CDN. It
talks to the public API with the signed-in user's token like any other client, so these routes serve files
only and need no token. Every path under /console that is not an asset is a client-side route and gets
index.html; assets are looked up in one folder, by name, and a name that would leave it is a 404.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = STATIC / "assets"

# Explicit types: the platform's mimetypes table varies (some systems serve .js as text/plain, which a
# browser refuses to run as a module).
TYPES = {
    ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".ico": "image/x-icon", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
}

# The console loads nothing from elsewhere; blob: for images fetched with the token, the widget preview's
# frame is same-origin (its script is /widget.js on this server).
CSP = ("default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; "
       "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'")
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

router = APIRouter(tags=["console"], include_in_schema=False)


@lru_cache(maxsize=256)
def _load(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    """A file's bytes and ETag, cached until the file changes (its mtime is part of the key)."""
    data = path.read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:20] + '"'


def _asset_path(name: str) -> Path | None:
    """The file under ASSETS that `name` names, or None: no dot segments, no absolute or hidden names."""
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") or part.startswith(".") or "\\" in part for part in parts):
        return None
    path = (ASSETS / name).resolve()
    if not path.is_relative_to(ASSETS) or not path.is_file():
        return None
    return path


def _file_response(request: Request, path: Path, headers: dict[str, str]) -> Response:
    data, etag = _load(path, path.stat().st_mtime_ns)
    # no-cache: the browser keeps the file but asks each time (a 304 when unchanged), so an upgraded server's
    # console is picked up at once although the file names carry no version.
    headers = {**COMMON, **headers, "ETag": etag, "Cache-Control": "no-cache"}
    if etag in {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    media_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(data, media_type=media_type, headers=headers)


@router.get("/console/assets/{name:path}")
def console_asset(name: str, request: Request) -> Response:
    path = _asset_path(name)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain", headers=COMMON)
    return _file_response(request, path, {})


@router.get("/console")
@router.get("/console/{client_path:path}")
def console_page(request: Request, client_path: str = "") -> Response:
    """index.html for /console and every client-side route under it (/console/robots/…)."""
    return _file_response(request, STATIC / "index.html", {"Content-Security-Policy": CSP})
