"""The search index: one row per (tenant, term, message), written in the transaction that stores the message."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from huida.conversation.models import ChatSession, Message
from huida.db import Base


class MessageTerm(Base):
    """A posting: message `seq` of `tenant_id` contains `term` (a word, a bigram, "@<mentioned id>",
    "#<resource kind>" or "~<chat id>"). The primary key is the posting list in message order, so a term's
    newest messages are read straight off the index; on SQLite the table is the index (WITHOUT ROWID)."""

    __tablename__ = "message_terms"
    __table_args__ = (Index("ix_message_terms_seq", "seq"), {"sqlite_with_rowid": False})

    tenant_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(ForeignKey("messages.seq", ondelete="CASCADE"), primary_key=True,
                                     autoincrement=False)


# Reading's access paths over the conversation tables: the replies of a question (threads, and the
# conversation service's replay), a sender's messages in order, a channel chat's sessions, a visitor's sessions.
Index("ix_messages_reply_to", Message.reply_to)
Index("ix_messages_tenant_sender_seq", Message.tenant_id, Message.sender_id, Message.seq)
Index("ix_chat_sessions_tenant_chat", ChatSession.tenant_id, ChatSession.chat_id)
Index("ix_chat_sessions_tenant_user", ChatSession.tenant_id, ChatSession.user_id)
