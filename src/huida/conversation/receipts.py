"""Transfer-to-human receipts (seed 004 §1.6): the integrator reports how the handover went."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.api.errors import not_found
from huida.conversation.models import ChatSession, Message
from huida.feedback.events import emit_transfer_confirmation  # issue 5: webhook events

HANDOVER_AFTER = {"Success": "human", "Fail": "bot"}


def confirm_transfer(db: Session, tenant_id: int, robot_id: str, session_id: str, msg_id: str, result: str,
                     access_id: str | None) -> ChatSession:
    """Records the outcome on the session; the same receipt twice changes nothing more."""
    chat = db.scalar(select(ChatSession).where(ChatSession.id == session_id, ChatSession.tenant_id == tenant_id,
                                               ChatSession.robot_id == robot_id).with_for_update())
    if chat is None:
        raise not_found("session", session_id)
    message = db.scalar(select(Message).where(Message.id == msg_id, Message.session_id == chat.id,
                                              Message.role == "robot"))
    if message is None:
        raise not_found("message", msg_id)
    repeated = (message.extra or {}).get("transferResult") == result
    chat.handover = HANDOVER_AFTER[result]
    message.extra = {**(message.extra or {}), "transferResult": result, "accessId": access_id}
    if not repeated:  # issue 5: the transfer-confirmation webhook event, once per outcome, in this transaction
        emit_transfer_confirmation(db, chat, message, result, access_id)
    return chat
