"""Talking to a robot through the open API (seed 004 §1.3–1.6, §5.1), and reading what got stored."""

from __future__ import annotations

import io
import itertools
import uuid
from typing import Any

import httpx
from PIL import Image, ImageDraw
from sqlalchemy import func, select, update

from huida.conversation.models import ChatSession, Message
from tests.support.client import Api

# Questions no rule shares a word, a character or a sound with: the matcher finds no candidate at all.
NONSENSE = "zqxv wplk"
ENTITY_KEYS = {
    "msgId", "userId", "tenantId", "question", "tag", "answerType", "answerSource", "content", "dlgFinished",
    "sessionId", "satisfactionCommentInvitation", "multiTurnDialogueId", "multiTurnDialogueStarted",
    "multiTurnDialogueFinished", "resourceId", "resourceName", "resourceType", "answerId", "subType", "domain",
    "intention", "robotIntent", "sentimentLabels",
}
_users = itertools.count()


def robot_path(robot_id: str) -> str:
    return f"/knowledge/robots/{robot_id}"


def new_user() -> str:
    return f"visitor-{next(_users)}-{uuid.uuid4().hex[:8]}"


def ask_response(api: Api, robot_id: str, question: str | None = "", *, user: str = "u1",
                 **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {"userId": user, "tenantId": api.tenant_id, "robotId": robot_id, "type": "TEXT", **fields}
    if question is not None:
        body["question"] = question
    return api.post(f"{robot_path(robot_id)}/ask", json=body)


def ask(api: Api, robot_id: str, question: str = "", *, user: str = "u1", **fields: Any) -> dict[str, Any]:
    """One question through POST .../ask; asserts the OK envelope and the seed's entity keys."""
    response = ask_response(api, robot_id, question, user=user, **fields)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None and body["errorDescription"] is None, body
    for key in ("first", "last", "size", "number", "numberOfElements", "totalPages", "totalElements"):
        assert body[key] is None
    entity = body["entity"]
    assert set(entity) == ENTITY_KEYS, set(entity) ^ ENTITY_KEYS
    assert entity["userId"] == user and entity["tenantId"] == api.tenant_id
    return entity


def click(api: Api, robot_id: str, knowledge_id: str, *, user: str = "u1", **fields: Any) -> dict[str, Any]:
    """A menu item (or recommendation, or transfer button) clicked: type MENU_CLICK with its knowledgeId (§1.4.2)."""
    return ask(api, robot_id, "", user=user, type="MENU_CLICK", knowledgeId=knowledge_id, **fields)


def kind(entity: dict[str, Any]) -> tuple[str, str, str]:
    return entity["answerType"], entity["answerSource"], entity["content"]["type"]


def settings(api: Api, robot_id: str, **values: Any) -> dict[str, Any]:
    return api.ok("PUT", f"/robots/{robot_id}", json={"settings": values})["settings"]


def hit_test(api: Api, robot_id: str, question: str, top_k: int = 5) -> dict[str, Any]:
    return api.ok("POST", f"{robot_path(robot_id)}/hit-test", json={"question": question, "topK": top_k})


def top_score(api: Api, robot_id: str, question: str, rule_id: str | None = None) -> float:
    """The best candidate's score (asserting it is `rule_id` when given)."""
    candidates = hit_test(api, robot_id, question)["candidates"]
    assert candidates, f"no candidate for {question!r}"
    if rule_id is not None:
        assert candidates[0]["ruleId"] == rule_id, (question, candidates)
    return candidates[0]["score"]


def answer_exact_questions(api: Api, robot_id: str, exact: dict[str, str], noise: list[str]) -> float:
    """Sets thresholds so that each exact question answers with its rule and none of `noise` gets any match.

    Scores come from the hit test (the matcher is being tuned elsewhere, so no score is assumed).
    Returns the answer threshold; the recommend threshold equals it (no recommendations).
    """
    lowest = min(top_score(api, robot_id, q, rule_id) for q, rule_id in exact.items())
    highest_noise = max([0.0] + [c["score"] for q in noise for c in hit_test(api, robot_id, q)["candidates"][:1]])
    assert highest_noise < lowest, f"the matcher cannot tell {noise} from the exact questions"
    threshold = (lowest + highest_noise) / 2
    settings(api, robot_id, answerThreshold=threshold, recommendThreshold=threshold)
    return threshold


def png(width: int = 120, height: int = 80) -> bytes:
    image = Image.new("RGB", (width, height), (250, 250, 250))
    ImageDraw.Draw(image).rectangle((10, 10, width - 10, height - 10), outline=(200, 30, 30), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upload_png(api: Api, filename: str = "尺码表.png", width: int = 120, height: int = 80) -> dict[str, Any]:
    return api.ok("POST", "/material/medias", files={"file": (filename, png(width, height), "image/png")})


# --- what the database holds ------------------------------------------------------------------------------
def message_count(api: Api) -> int:
    with api.server.ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message).where(Message.tenant_id == api.tenant_id))


def session_count(api: Api) -> int:
    with api.server.ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(ChatSession)
                              .where(ChatSession.tenant_id == api.tenant_id))


def stored(api: Api) -> tuple[int, int]:
    return message_count(api), session_count(api)


def chat_session(api: Api, session_id: str) -> ChatSession:
    with api.server.ctx.db.session() as session:
        chat = session.get(ChatSession, session_id)
        assert chat is not None
        session.expunge(chat)
        return chat


def idle(api: Api, session_id: str, minutes: float) -> None:
    """Pretends the visitor has been silent for `minutes` (moves last_active_at back; no sleeping)."""
    with api.server.ctx.db.session() as session:
        session.execute(update(ChatSession).where(ChatSession.id == session_id)
                        .values(last_active_at=ChatSession.last_active_at - int(minutes * 60_000)))


def rule(api: Api, robot_id: str, rule_id: str) -> dict[str, Any]:
    return api.ok("GET", f"{robot_path(robot_id)}/rules/{rule_id}")


def history(api: Api, robot_id: str, session_id: str, page: int = 0, size: int = 20) -> dict[str, Any]:
    response = api.get(f"/session-history/robots/{robot_id}/playback/from/sessionId",
                       params={"sessionId": session_id, "page": page, "size": size})
    assert response.status_code == 200, response.text
    return response.json()
