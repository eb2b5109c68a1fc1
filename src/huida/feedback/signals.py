"""Learning signals for the matcher (issue 4): questions whose answer a visitor gave a thumb-up.

Each thumbed-up answer that came from a knowledge rule yields (question text, rule id): the visitor's own
words for that rule, a candidate similar question. Only the answer's current feedback counts (a thumb-up
later withdrawn or turned down does not). Read incrementally with `after_id` (the last `feedback_id` seen).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.feedback.models import AnswerFeedback
from huida.feedback.thumbs import THUMB_UP


@dataclass(frozen=True)
class LearningPair:
    feedback_id: int
    question: str
    rule_id: str
    msg_id: str
    created_at: int


def thumbs_up_pairs(session: Session, robot_id: str, *, after_id: int = 0, limit: int = 1000) -> list[LearningPair]:
    """(question, rule) pairs of the robot's currently thumbed-up rule answers, oldest first."""
    rows = session.scalars(
        select(AnswerFeedback).where(AnswerFeedback.robot_id == robot_id, AnswerFeedback.status == THUMB_UP,
                                     AnswerFeedback.is_current.is_(True), AnswerFeedback.rule_id.is_not(None),
                                     AnswerFeedback.id > after_id)
        .order_by(AnswerFeedback.id).limit(limit))
    return [LearningPair(r.id, r.question_text or "", r.rule_id or "", r.msg_id, r.created_at)
            for r in rows if (r.question_text or "").strip()]
