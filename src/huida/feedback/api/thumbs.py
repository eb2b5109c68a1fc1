"""Thumbs up/down on an answer (seed 003): POST/GET /v10/tenants/{tenantId}/knowledge/robots/{robotId}/
messages/{msgId}/feedback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.auth.deps import Agent, Caller
from huida.feedback.api.common import KNOWLEDGE
from huida.feedback.models import AnswerFeedback
from huida.feedback.thumbs import MAX_HISTORY_PAGE, NONE, STATUSES, feedback_entity, feedback_history, set_feedback

router = APIRouter(tags=["feedback"])
PATH = KNOWLEDGE + "/messages/{msgId}/feedback"


class FeedbackBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    feedbackStatus: Literal[STATUSES]  # type: ignore[valid-type]
    feedback: str | None = Field(None, max_length=10_000)  # the 1,000-character rule has its own message
    userId: str | None = Field(None, max_length=200)


def _state(msg_id: str, current: AnswerFeedback | None) -> dict[str, Any]:
    if current is None:
        return {"msgId": msg_id, "feedbackStatus": NONE, "feedback": None, "current": None}
    return {"msgId": msg_id, "feedbackStatus": current.status, "feedback": current.feedback,
            "current": feedback_entity(current)}


@router.post(PATH)
def post_feedback(tenantId: int, robotId: str, msgId: str, body: FeedbackBody, caller: Agent,
                  ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        change = set_feedback(session, tenant_id=tenantId, robot_id=robotId, msg_id=msgId,
                              status=body.feedbackStatus, text=body.feedback, user_id=body.userId)
        return ok({**_state(msgId, change.current), "changed": change.changed})


@router.get(PATH)
def get_feedback(tenantId: int, robotId: str, msgId: str, caller: Caller, ctx: Ctx, page_number: PageNumber = 0,
                 size: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE)] = MAX_HISTORY_PAGE) -> dict[str, Any]:
    """The answer's current feedback and a page of its changes, oldest first (the envelope's page fields)."""
    with ctx.db.read() as session:
        found = feedback_history(session, tenantId, robotId, msgId, page_number, size)
        history = [feedback_entity(r) for r in found.rows]
        body = page(history, number=page_number, size=size, total=found.total)
        body["entity"] = {**_state(msgId, found.current), "history": history, "historyTotal": found.total}
        return body
