"""aily-style sessions, messages, runs, files and API keys; the message search index

Revision ID: 0005_aily_reading
Revises: 0002_conversation
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_aily_reading"
down_revision = "0002_conversation"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _keys() -> None:
    op.create_table(
        "robot_api_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("revoked_at", BigInt, nullable=True),
        sa.Column("last_used_at", BigInt, nullable=True),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_robot_api_keys_robot", "robot_api_keys", ["tenant_id", "robot_id"])


def _sessions() -> None:
    op.create_table(
        "aily_sessions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("channel_context", sa.Text(), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("modified_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_aily_sessions_tenant_id", "aily_sessions", ["tenant_id"])
    op.create_index("ix_aily_sessions_robot_id", "aily_sessions", ["robot_id"])


def _messages_and_runs() -> None:
    op.create_table(
        "aily_messages",
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("idempotent_id", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("file_ids", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("quote_message_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["aily_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
        sa.UniqueConstraint("session_id", "idempotent_id", name="uq_aily_messages_idempotent"),
    )
    op.create_table(
        "aily_runs",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("reply_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("started_at", BigInt, nullable=True),
        sa.Column("ended_at", BigInt, nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["aily_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_aily_runs_session", "aily_runs", ["session_id", "pk"])
    op.create_index("ix_aily_runs_message", "aily_runs", ["message_id"])
    op.create_index("ix_aily_runs_reply_id", "aily_runs", ["reply_id"])


def _files() -> None:
    op.create_table(
        "aily_files",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", BigInt, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_aily_files_tenant_id", "aily_files", ["tenant_id"])


def _search_index() -> None:
    op.create_table(
        "message_terms",
        sa.Column("tenant_id", BigInt, autoincrement=False, nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("seq", BigInt, autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["seq"], ["messages.seq"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "term", "seq"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_message_terms_seq", "message_terms", ["seq"])
    # Reading: replies of a question (threads, and the conversation service's replay), a sender's messages,
    # a channel chat's sessions, a visitor's sessions.
    op.create_index("ix_messages_reply_to", "messages", ["reply_to"])
    op.create_index("ix_messages_tenant_sender_seq", "messages", ["tenant_id", "sender_id", "seq"])
    op.create_index("ix_chat_sessions_tenant_chat", "chat_sessions", ["tenant_id", "chat_id"])
    op.create_index("ix_chat_sessions_tenant_user", "chat_sessions", ["tenant_id", "user_id"])


def upgrade() -> None:
    _keys()
    _sessions()
    _messages_and_runs()
    _files()
    _search_index()
    # Messages stored before this revision get their search terms now (about 3,000 messages a second).
    from huida.reading.indexing import reindex

    reindex(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_chat_sessions_tenant_user", table_name="chat_sessions")
    op.drop_index("ix_chat_sessions_tenant_chat", table_name="chat_sessions")
    op.drop_index("ix_messages_tenant_sender_seq", table_name="messages")
    op.drop_index("ix_messages_reply_to", table_name="messages")
    for table in ("message_terms", "aily_files", "aily_runs", "aily_messages", "aily_sessions", "robot_api_keys"):
        op.drop_table(table)
