"""Per-robot API keys for the Aily-style API: `/v10/tenants/{tenantId}/robots/{robotId}/api-keys`.

Huida's own endpoints (no seed describes them), in the Easemob envelope: admins create and revoke keys, any
user of the tenant may list them. The key itself is in the answer to its creation only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Ctx
from huida.api.envelope import ok, page
from huida.auth.deps import Admin, Caller
from huida.channels.aily import keys
from huida.robots.service import get_robot

router = APIRouter(prefix="/v10/tenants/{tenantId}/robots/{robotId}/api-keys", tags=["aily"])


class NewKey(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field("", max_length=200)


@router.post("")
def create_key(tenantId: int, robotId: str, caller: Admin, ctx: Ctx, body: NewKey | None = None) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        row, key = keys.create_key(session, tenantId, robotId, (body or NewKey()).name.strip(), caller.user_id)
        return ok(keys.key_entity(row, key))


@router.get("")
def list_keys(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        rows = [keys.key_entity(row) for row in keys.list_keys(session, tenantId, robotId)]
        return page(rows, number=0, size=max(1, len(rows)), total=len(rows))


@router.get("/{keyId}")
def read_key(tenantId: int, robotId: str, keyId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        return ok(keys.key_entity(keys.get_key(session, tenantId, robotId, keyId)))


@router.delete("/{keyId}")
def revoke_key(tenantId: int, robotId: str, keyId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    """Revokes the key (it stops working at once); the record stays, marked revoked."""
    with ctx.db.session() as session:
        return ok(keys.key_entity(keys.revoke_key(session, tenantId, robotId, keyId)))
