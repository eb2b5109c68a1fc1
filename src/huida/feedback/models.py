"""Ratings and feedback (seed 004 §2, seed 003): robot options, comment levels and tags, session comments,
satisfaction reason tags and ratings, and thumbs up/down on answers.

Integer ids (the seed's `id` fields are numbers); every row carries tenant and robot so that each read
filters by both. History is kept: a later comment or thumb marks the earlier one `is_current = false`
instead of deleting it (a partial unique index allows one current row per session / answer).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms

CURRENT = text("is_current")


class RobotOption(Base):
    """The identity and change time of a robot switch exposed as a §2.1.1 option.

    The VALUE lives in the robot's settings JSON (the one source of truth the conversation reads);
    `option_value` is the value last seen through the options API, so a change made through the robot's
    settings is noticed and dated on the next read (see huida.feedback.options).
    """

    __tablename__ = "robot_options"
    __table_args__ = (UniqueConstraint("robot_id", "option_name", name="uq_robot_options_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    option_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    option_name: Mapped[str] = mapped_column(String(64))
    option_value: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)


class FeedbackSetup(Base):
    """Marks a robot whose default levels, tags and reason tags exist (created once, then only edited)."""

    __tablename__ = "feedback_setups"

    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    created_at: Mapped[int] = mapped_column(default=now_ms)


class CommentLevel(Base):
    """A star level of the session comment (§2.1.2): one per score 1-5."""

    __tablename__ = "comment_levels"
    __table_args__ = (UniqueConstraint("robot_id", "score", name="uq_comment_levels_score"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[int] = mapped_column()
    score: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="Enable")
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)


class CommentTag(Base):
    """A tag a visitor can pick for a level (`sessionCommentTagId` = the level's id)."""

    __tablename__ = "comment_tags"
    __table_args__ = (UniqueConstraint("level_id", "name", name="uq_comment_tags_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("comment_levels.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(50))
    sort: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)


class SessionComment(Base):
    """A visitor's comment on a session (§2.1.3). A later one for the session becomes the current one."""

    __tablename__ = "session_comments"
    __table_args__ = (
        Index("ix_session_comments_session", "session_id", "id"),
        Index("ix_session_comments_robot", "robot_id", "id"),
        Index("uq_session_comments_current", "session_id", unique=True, sqlite_where=CURRENT,
              postgresql_where=CURRENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    access_id: Mapped[str | None] = mapped_column(String(200), default=None)
    appraiser_name: Mapped[str | None] = mapped_column(String(100), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    score: Mapped[int] = mapped_column()
    source: Mapped[str | None] = mapped_column(String(64), default=None)
    tag: Mapped[str | None] = mapped_column(String(1000), default=None)  # as the visitor sent it
    tags: Mapped[list[Any]] = mapped_column(default=list)  # the names, for statistics
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[int] = mapped_column(default=now_ms)


class SatisfactionTag(Base):
    """A reason a visitor can give for an answer that did not solve the problem (§2.2.1)."""

    __tablename__ = "satisfaction_tags"
    __table_args__ = (UniqueConstraint("robot_id", "name", name="uq_satisfaction_tags_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms)


class SatisfactionRating(Base):
    """Solved (type 1) or not solved (type 2) for one robot answer (§2.2.2/§2.2.3); one per answer."""

    __tablename__ = "satisfaction_ratings"
    __table_args__ = (Index("ix_satisfaction_ratings_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    msg_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    access_id: Mapped[str | None] = mapped_column(String(200), default=None)
    appraiser_name: Mapped[str | None] = mapped_column(String(100), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    source: Mapped[str | None] = mapped_column(String(64), default=None)
    type: Mapped[int] = mapped_column()
    reason_tag: Mapped[str | None] = mapped_column(String(1000), default=None)  # as the visitor sent it
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[int] = mapped_column(default=now_ms)  # when the current rating was given


class AnswerFeedback(Base):
    """A thumbs up/down (or its withdrawal, `none`) on a robot answer (seed 003); every change is a row.

    `question_text` and `rule_id` are copied from the exchange so that learning jobs read
    (question, rule) pairs of thumbed-up answers from this table alone (huida.feedback.signals).
    """

    __tablename__ = "answer_feedback"
    __table_args__ = (
        Index("ix_answer_feedback_msg", "msg_id", "id"),
        Index("ix_answer_feedback_robot", "robot_id", "status", "id"),
        Index("uq_answer_feedback_current", "msg_id", unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    msg_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    question_id: Mapped[str | None] = mapped_column(String(36), default=None)
    question_text: Mapped[str | None] = mapped_column(Text, default=None)
    rule_id: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(16))  # none | thumb-up | thumb-down
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    user_id: Mapped[str | None] = mapped_column(String(200), default=None)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[int] = mapped_column(default=now_ms)
