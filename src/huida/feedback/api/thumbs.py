"""Thumbs up/down on an answer (seed 003): POST/GET /v10/tenants/{tenantId}/knowledge/robots/{robotId}/
messages/{msgId}/feedback."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Caller, Ctx
from huida.api.envelope import ok
from huida.feedback.api.common import KNOWLEDGE
from huida.feedback.models import AnswerFeedback
from huida.feedback.thumbs import NONE, feedback_entity, feedback_history, set_feedback

router = APIRouter(tags=["feedback"])
PATH = KNOWLEDGE + "/messages/{msgId}/feedback"


class FeedbackBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    feedbackStatus: str = Field(max_length=20)
    feedback: str | None = Field(None, max_length=10_000)  # the 1,000-character rule has its own message
    userId: str | None = Field(None, max_length=200)


def _state(msg_id: str, current: AnswerFeedback | None) -> dict[str, Any]:
    if current is None:
        return {"msgId": msg_id, "feedbackStatus": NONE, "feedback": None, "current": None}
    return {"msgId": msg_id, "feedbackStatus": current.status, "feedback": current.feedback,
            "current": feedback_entity(current)}


@router.post(PATH)
def post_feedback(tenantId: int, robotId: str, msgId: str, body: FeedbackBody, caller: Caller,
                  ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        change = set_feedback(session, tenant_id=tenantId, robot_id=robotId, msg_id=msgId,
                              status=body.feedbackStatus, text=body.feedback, user_id=body.userId)
        return ok({**_state(msgId, change.current), "changed": change.changed})


@router.get(PATH)
def get_feedback(tenantId: int, robotId: str, msgId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    """The answer's current feedback and every change, oldest first."""
    with ctx.db.read() as session:
        rows = feedback_history(session, tenantId, robotId, msgId)
        current = next((r for r in rows if r.is_current), None)
        return ok({**_state(msgId, current), "history": [feedback_entity(r) for r in rows]})
