"""Liveness (no database) and readiness (database reachable)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from huida import __version__
from huida.api.deps import Ctx
from huida.api.responses import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", responses={200: {"model": Health}})
async def healthz() -> dict[str, Any]:
    return {"status": "OK", "version": __version__}


@router.get("/readyz", responses={200: {"model": Readiness},
                                  503: {"model": Readiness, "description": "the database is unreachable"}})
def readyz(ctx: Ctx) -> JSONResponse:
    try:
        ctx.db.ping()
    except Exception as exc:  # any driver error means "not ready", never a 500
        return JSONResponse({"status": "FAIL", "database": "unreachable", "error": type(exc).__name__},
                            status_code=503)
    return JSONResponse({"status": "OK", "database": "reachable"})
