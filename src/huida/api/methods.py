"""The `Allow` header of a 405: every method the path takes, across all the routes that match it.

Starlette answers 405 with the methods of the first route whose path matched, but FastAPI registers one
route per method, so `GET /robots/{id}` alone would hide its PUT and DELETE. RFC 9110 asks for them all.
"""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from starlette.routing import compile_path


@lru_cache(maxsize=512)
def _regex(path_format: str) -> re.Pattern[str]:
    return compile_path(path_format)[0]


def allowed_methods(app: FastAPI, path: str) -> str:
    """The value of `Allow` for `path`: its methods, sorted, comma-separated."""
    methods: set[str] = set()
    for route in routing.iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and _regex(route.path_format).match(path):
            methods |= set(route.methods or ())
    return ", ".join(sorted(methods))
