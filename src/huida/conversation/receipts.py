"""Transfer-to-human receipts (seed 004 §1.6): the integrator reports how the handover went.

The seed's entity is `true` when the receipt was taken and `false` when it was not, in a 200 envelope either
way: a receipt for a session or message this robot does not have (another robot's, another tenant's, an id
never given out), for a visitor's question rather than the robot's answer, or for an answer that did not
transfer to a human is `false`, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.events import emit_transfer_confirmation  # issue 5: webhook events
from huida.conversation.models import ChatSession, Message

HANDOVER_AFTER = {"Success": "human", "Fail": "bot"}
TRANSFER_SOURCES = ("HUMAN", "HUMAN_FIRST_ROUND")


def _hands_over(body: Any) -> bool:
    """Whether stored content is, or holds (a group's part), a transfer to a human: the seed's `type: human`
    or the typed reply's `kind: handover`."""
    if isinstance(body, dict):
        if body.get("type") == "human" or body.get("kind") == "handover":
            return True
        return any(_hands_over(value) for value in body.values() if isinstance(value, (dict, list)))
    if isinstance(body, list):
        return any(_hands_over(value) for value in body)
    return False


def is_transfer_answer(message: Message) -> bool:
    return (message.role == "robot" and
            (message.media_type == "human" or message.answer_source in TRANSFER_SOURCES or _hands_over(message.body)))


def confirm_transfer(db: Session, tenant_id: int, robot_id: str, session_id: str, msg_id: str, result: str,
                     access_id: str | None) -> bool:
    """Records the outcome on the session (True), or does nothing when the receipt names no transfer answer of
    this robot's session (False). The same receipt twice changes nothing more."""
    chat = db.scalar(select(ChatSession).where(ChatSession.id == session_id, ChatSession.tenant_id == tenant_id,
                                               ChatSession.robot_id == robot_id).with_for_update())
    if chat is None:
        return False
    message = db.scalar(select(Message).where(Message.id == msg_id, Message.session_id == chat.id,
                                              Message.role == "robot"))
    if message is None or not is_transfer_answer(message):
        return False
    repeated = (message.extra or {}).get("transferResult") == result
    chat.handover = HANDOVER_AFTER[result]
    message.extra = {**(message.extra or {}), "transferResult": result, "accessId": access_id}
    if not repeated:  # issue 5: the transfer-confirmation webhook event, once per outcome, in this transaction
        emit_transfer_confirmation(db, chat, message, result, access_id)
    return True
