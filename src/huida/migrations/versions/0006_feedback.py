"""ratings and feedback: robot options, comment levels and tags, session comments, satisfaction reason tags
and ratings, thumbs up/down

Revision ID: 0006_feedback
Revises: 0003_jobs_webhooks
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_feedback"
down_revision = "0003_jobs_webhooks"
branch_labels = None
# Comments and ratings point at chat_sessions and messages, created by the conversation branch.
depends_on = ("0002_conversation",)

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CURRENT = sa.text("is_current")


def _tenant() -> sa.Column:
    return sa.Column("tenant_id", BigInt, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


def _robot() -> sa.Column:
    return sa.Column("robot_id", sa.String(length=36), sa.ForeignKey("robots.robot_id", ondelete="CASCADE"),
                     nullable=False)


def _session() -> sa.Column:
    return sa.Column("session_id", sa.String(length=36), sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"),
                     nullable=False)


def _times(*names: str) -> list[sa.Column]:
    return [sa.Column(name, BigInt, nullable=False) for name in names]


def _options_and_tags() -> None:
    op.create_table(
        "robot_options",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("option_id", sa.String(length=36), nullable=False),
        _tenant(), _robot(),
        sa.Column("option_name", sa.String(length=64), nullable=False),
        sa.Column("option_value", sa.String(length=16), nullable=False),
        *_times("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("option_id"),
        sa.UniqueConstraint("robot_id", "option_name", name="uq_robot_options_name"),
    )
    op.create_index("ix_robot_options_tenant_id", "robot_options", ["tenant_id"])
    op.create_table(
        "feedback_setups",
        sa.Column("robot_id", sa.String(length=36), sa.ForeignKey("robots.robot_id", ondelete="CASCADE"),
                  nullable=False),
        _tenant(), *_times("created_at"),
        sa.PrimaryKeyConstraint("robot_id"),
    )
    op.create_table(
        "comment_levels",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        _tenant(), _robot(),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("level", BigInt, nullable=False),
        sa.Column("score", BigInt, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        *_times("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("robot_id", "score", name="uq_comment_levels_score"),
    )
    op.create_index("ix_comment_levels_tenant_id", "comment_levels", ["tenant_id"])
    op.create_table(
        "comment_tags",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("level_id", BigInt, sa.ForeignKey("comment_levels.id", ondelete="CASCADE"), nullable=False),
        _tenant(),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sort", BigInt, nullable=False),
        *_times("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("level_id", "name", name="uq_comment_tags_name"),
    )
    op.create_index("ix_comment_tags_level_id", "comment_tags", ["level_id"])
    op.create_table(
        "satisfaction_tags",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        _tenant(), _robot(),
        sa.Column("name", sa.String(length=50), nullable=False),
        *_times("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("robot_id", "name", name="uq_satisfaction_tags_name"),
    )
    op.create_index("ix_satisfaction_tags_tenant_id", "satisfaction_tags", ["tenant_id"])


def _ratings() -> None:
    op.create_table(
        "session_comments",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        _tenant(), _robot(), _session(),
        sa.Column("access_id", sa.String(length=200), nullable=True),
        sa.Column("appraiser_name", sa.String(length=100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("score", BigInt, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("tag", sa.String(length=1000), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        *_times("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_session_comments_session", "session_comments", ["session_id", "id"])
    op.create_index("ix_session_comments_robot", "session_comments", ["robot_id", "id"])
    op.create_index("uq_session_comments_current", "session_comments", ["session_id"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.create_table(
        "satisfaction_ratings",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        _tenant(), _robot(), _session(),
        sa.Column("msg_id", sa.String(length=36), sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("access_id", sa.String(length=200), nullable=True),
        sa.Column("appraiser_name", sa.String(length=100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("type", BigInt, nullable=False),
        sa.Column("reason_tag", sa.String(length=1000), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        *_times("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("msg_id"),
    )
    op.create_index("ix_satisfaction_ratings_session", "satisfaction_ratings", ["session_id", "id"])


def _thumbs() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        _tenant(), _robot(), _session(),
        sa.Column("msg_id", sa.String(length=36), sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question_id", sa.String(length=36), nullable=True),
        sa.Column("question_text", sa.Text(), nullable=True),
        sa.Column("rule_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        *_times("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_answer_feedback_msg", "answer_feedback", ["msg_id", "id"])
    op.create_index("ix_answer_feedback_robot", "answer_feedback", ["robot_id", "status", "id"])
    op.create_index("uq_answer_feedback_current", "answer_feedback", ["msg_id"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)


def upgrade() -> None:
    _options_and_tags()
    _ratings()
    _thumbs()


def downgrade() -> None:
    for table in ("answer_feedback", "satisfaction_ratings", "session_comments", "satisfaction_tags", "comment_tags",
                  "comment_levels", "feedback_setups", "robot_options"):
        op.drop_table(table)
