"""`GET .../knowledge/robots/{robotId}/health`: what to fix in a robot's FAQ knowledge (Huida's addition)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.auth.deps import Caller
from huida.conversation.service import conversation_service
from huida.evaluation.health import robot_health
from huida.knowledge.health import DEFAULT_DAYS, LIST_CAP

router = APIRouter(tags=["knowledge"])


@router.get("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/health")
def knowledge_health(
    tenantId: int, robotId: str, caller: Caller, ctx: Ctx,
    days: Annotated[int, Query(ge=1, le=3650, description="a rule without a hit in this many days is listed")]
    = DEFAULT_DAYS,
    limit: Annotated[int, Query(ge=1, le=1000, description="items shown per finding (totals are complete)")]
    = LIST_CAP,
) -> dict[str, Any]:
    """Duplicate questions, overlapping rules (merge), one-question rules and rules not hit lately."""
    return ok(robot_health(conversation_service(ctx), tenantId, robotId, days=days, limit=limit))
