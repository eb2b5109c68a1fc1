"""A help-desk robot, conversations with it, subscriptions, and what the database holds for a robot."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from huida.conversation.models import Message
from huida.feedback.models import AnswerFeedback, SatisfactionRating, SessionComment
from huida.webhooks.models import Webhook, WebhookDelivery
from tests.conversation.helpers import NONSENSE, answer_exact_questions, ask, robot_path
from tests.support.client import Api
from tests.support.receiver import Hit, Receiver, wait_until

SECRET = "feedback-receiver-secret"
REFUND_Q, REFUND_A = "怎么申请退款", "在订单详情页点击「申请退款」，款项 1-3 个工作日原路退回。"
FEE_Q, FEE_A = "运费怎么算", "满 99 元包邮，不满收 8 元运费。"
HUMAN_Q = "我要找售后专员"
EXACT = {REFUND_Q: "refund", FEE_Q: "shipping-fee", HUMAN_Q: "after-sales"}
ALL_EVENTS = ["feedback", "satisfaction", "comment", "transfer-human", "transfer-confirmation", "session-closed"]


@dataclass
class Desk:
    api: Api
    robot: str

    @property
    def comment(self) -> str:
        return f"/comment/robots/{self.robot}"

    @property
    def knowledge(self) -> str:
        return robot_path(self.robot)

    def feedback_path(self, msg_id: str) -> str:
        return f"{self.knowledge}/messages/{msg_id}/feedback"


def make_desk(api: Api) -> Desk:
    robot = api.new_robot("售后客服")
    api.new_rule(robot, [REFUND_Q, "如何办理退款"], REFUND_A, id="refund")
    api.new_rule(robot, [FEE_Q], FEE_A, id="shipping-fee")
    api.ok("POST", f"{robot_path(robot)}/rules", json={
        "id": "after-sales", "questions": [HUMAN_Q],
        "answers": [{"type": "HUMAN", "content": {"transferPrompt": "正在为您转接售后专员，请稍候。"}}]})
    answer_exact_questions(api, robot, EXACT, ["你好", NONSENSE])
    return Desk(api, robot)


def new_user() -> str:
    return f"visitor-{uuid.uuid4().hex[:10]}"


def talk(desk: Desk, *questions: str, user: str | None = None) -> list[dict[str, Any]]:
    """One visitor asks `questions` in turn; returns the ask entities (one session)."""
    user = user or new_user()
    return [ask(desk.api, desk.robot, q, user=user) for q in questions]


# -- webhooks -------------------------------------------------------------------------------------------

def subscribe(desk: Desk, receiver: Receiver, events: list[str] | None = None, path: str = "/hook") -> str:
    hook = desk.api.ok("POST", f"/robots/{desk.robot}/webhooks",
                       json={"url": receiver.url(path), "secret": SECRET, "events": events or ALL_EVENTS})
    return hook["webhookId"]


def check_signature(hit: Hit) -> None:
    """The documented signature, recomputed here: sha256=HMAC(secret, f"{timestamp}.{body}")."""
    timestamp = hit.headers["x-huida-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + hit.body, hashlib.sha256).hexdigest()
    assert hit.headers["x-huida-signature"] == f"sha256={expected}"
    assert abs(time.time() - int(timestamp)) < 120


def events_of(receiver: Receiver, event: str, count: int = 1, path: str = "/hook") -> list[dict[str, Any]]:
    """Waits for `count` deliveries of `event` and returns their bodies, checking each signature."""
    hits = wait_until(lambda: (h := [x for x in receiver.hits_on(path) if x.event == event]) and len(h) >= count
                      and h, message=f"{count} {event} event(s)")
    for hit in hits:
        check_signature(hit)
    return [json.loads(hit.body) for hit in hits]


# -- what the database holds ------------------------------------------------------------------------------

def deliveries(api: Api, robot: str, event: str | None = None) -> int:
    """Events queued for the robot's subscriptions (the outbox rows a change wrote)."""
    with api.server.ctx.db.read() as session:
        query = (select(func.count()).select_from(WebhookDelivery)
                 .join(Webhook, Webhook.pk == WebhookDelivery.webhook_pk).where(Webhook.robot_id == robot))
        if event:
            query = query.where(WebhookDelivery.event == event)
        return session.scalar(query) or 0


def ratings_stored(api: Api, robot: str) -> tuple[int, int, int]:
    """(comments, satisfaction ratings, thumbs) rows of the robot."""
    with api.server.ctx.db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(model).where(model.robot_id == robot)) or 0
                     for model in (SessionComment, SatisfactionRating, AnswerFeedback))  # type: ignore[return-value]


def question_of(desk: Desk, answer_id: str) -> str:
    """The id of the visitor message an answer replies to."""
    with desk.api.server.ctx.db.read() as session:
        question_id = session.scalar(select(Message.reply_to).where(Message.id == answer_id))
        assert question_id
        return question_id


def snapshot(desk: Desk) -> tuple[int, tuple[int, int, int]]:
    return deliveries(desk.api, desk.robot), ratings_stored(desk.api, desk.robot)
