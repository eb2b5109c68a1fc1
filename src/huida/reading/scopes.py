"""Which sessions a reader means: a chat by `chat_id`, or a visitor's one-to-one conversation by `open_id`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CompoundSelect, Select, select, union
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession
from huida.errors import NotFound
from huida.reading import texts

Scope = Select[str] | CompoundSelect[str]  # the ids of some of a tenant's sessions


def chat_sessions(tenant_id: int, chat_id: str) -> Scope:
    """The sessions of a chat: a channel chat id (Feishu chat, Aily session) or one Huida session id."""
    # A UNION rather than an OR: SQLite (without statistics) would answer the OR from the tenant index alone,
    # reading every session of the tenant.
    return union(select(ChatSession.id).where(ChatSession.tenant_id == tenant_id, ChatSession.chat_id == chat_id),
                 select(ChatSession.id).where(ChatSession.tenant_id == tenant_id, ChatSession.id == chat_id))


def p2p_sessions(tenant_id: int, open_id: str) -> Scope:
    """Every one-to-one session of the visitor `open_id`, whatever the robot or channel."""
    return select(ChatSession.id).where(ChatSession.tenant_id == tenant_id, ChatSession.user_id == open_id,
                                        ChatSession.chat_type == "p2p")


@dataclass(frozen=True)
class Chat:
    key: str  # what its messages are indexed under (views.chat_key: the channel chat id, else the session id)
    sessions: Scope


def existing_chat(session: Session, tenant_id: int, chat_id: str) -> Chat:
    """The chat `chat_id` names: a channel chat, or a Huida session (which may belong to a channel chat)."""
    if session.scalar(select(ChatSession.id).where(ChatSession.tenant_id == tenant_id,
                                                   ChatSession.chat_id == chat_id).limit(1)) is not None:
        return Chat(chat_id, chat_sessions(tenant_id, chat_id))
    one = session.execute(select(ChatSession.id, ChatSession.chat_id).where(ChatSession.tenant_id == tenant_id,
                                                                            ChatSession.id == chat_id)).first()
    if one is None:
        raise NotFound(texts.CHAT_NOT_FOUND, f"chat not found: chat_id={chat_id}")
    key = one.chat_id or one.id
    return Chat(key, chat_sessions(tenant_id, key))


def existing_p2p(session: Session, tenant_id: int, open_id: str) -> Scope:
    scope = p2p_sessions(tenant_id, open_id)
    if session.scalar(scope.limit(1)) is None:
        raise NotFound(texts.CHAT_NOT_FOUND, texts.NO_P2P.format(open_id=open_id))
    return scope
