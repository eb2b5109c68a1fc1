"""`POST .../knowledge/robots/{robotId}/evaluate`: the robot's current knowledge on labelled queries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.auth.deps import Editor
from huida.conversation.service import conversation_service
from huida.evaluation.service import evaluate_view, read_queries, report_dict

router = APIRouter(tags=["evaluation"])


@router.post("/v10/tenants/{tenantId}/knowledge/robots/{robotId}/evaluate")
async def evaluate_robot(tenantId: int, robotId: str, request: Request, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    """Body: JSONL lines `{"text": ..., "expect": ruleId | null}`. Nothing is logged, no hit count moves."""
    queries = read_queries(await request.body())
    view = await run_in_threadpool(conversation_service(ctx).robot_view, tenantId, robotId)
    report = await run_in_threadpool(evaluate_view, view, queries)
    return ok(report_dict(report, view))
