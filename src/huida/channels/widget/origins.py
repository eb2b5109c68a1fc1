"""Allowed origins of a widget key: `scheme://host[:port]`, exactly as a browser sends them in `Origin`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from huida.errors import bad_request

MAX_ORIGINS = 20
MAX_ORIGIN = 200
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$|^\[[0-9a-f:.]+\]$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> str | None:
    """The origin as browsers serialise it (lower case, no default port), or None when it is not one."""
    if not isinstance(value, str) or len(value) > MAX_ORIGIN or value != value.strip():
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host or parts.username is not None or parts.password is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or value.endswith("?") or value.endswith("#"):
        return None
    if not _HOST.match(host if ":" not in host else f"[{host}]"):
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def check_origins(values: list[str]) -> list[str]:
    """The key's origins, normalised and without repeats; a clear 400 naming the first bad one."""
    if not values:
        raise bad_request("allowedOrigins: at least one origin, such as https://shop.example", "INVALID_ORIGIN")
    if len(values) > MAX_ORIGINS:
        raise bad_request(f"allowedOrigins: at most {MAX_ORIGINS} origins", "INVALID_ORIGIN")
    origins: list[str] = []
    for value in values:
        origin = normalise_origin(value)
        if origin is None:
            raise bad_request(f"allowedOrigins: {str(value)[:MAX_ORIGIN]!r} is no origin: scheme://host[:port] "
                              "with http or https, no path, query or fragment", "INVALID_ORIGIN")
        if origin not in origins:
            origins.append(origin)
    return origins
