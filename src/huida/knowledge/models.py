"""Knowledge rules (seed 004 §3.1): questions, answers and categories of one robot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huida.db import Base, new_id, now_ms

FOREVER_MS = 4102444800000  # 2100-01-01, the seed's "no end" disableTime


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("robot_id", "category_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), index=True)
    category_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(64), default=None)
    create_time: Mapped[int] = mapped_column(default=now_ms)
    update_time: Mapped[int] = mapped_column(default=now_ms)


class Rule(Base):
    __tablename__ = "rules"
    __table_args__ = (
        UniqueConstraint("robot_id", "rule_id"),
        Index("ix_rules_robot_update", "robot_id", "update_time"),
    )

    pk: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(200), default=None)
    strategy_group_id: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(10), default="ENABLE")
    enable_time: Mapped[int] = mapped_column(default=0)
    disable_time: Mapped[int] = mapped_column(default=FOREVER_MS)
    ext_info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # ONE: one answer, chosen by the §9.4 strategies; ALL: every answer the strategies allow, sent together
    # (seed 004's `group` content).
    answer_mode: Mapped[str] = mapped_column(String(10), default="ONE", server_default="ONE")
    hit_count: Mapped[int] = mapped_column(default=0)
    last_hit_time: Mapped[int | None] = mapped_column(default=None)
    create_time: Mapped[int] = mapped_column(default=now_ms)
    update_time: Mapped[int] = mapped_column(default=now_ms)

    questions: Mapped[list[Question]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="Question.position", lazy="selectin"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="Answer.position", lazy="selectin"
    )
    categories: Mapped[list[RuleCategory]] = relationship(
        cascade="all, delete-orphan", order_by="RuleCategory.position", lazy="selectin"
    )


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rule_pk: Mapped[int] = mapped_column(ForeignKey("rules.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    create_time: Mapped[int] = mapped_column(default=now_ms)
    update_time: Mapped[int] = mapped_column(default=now_ms)

    rule: Mapped[Rule] = relationship(back_populates="questions")


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rule_pk: Mapped[int] = mapped_column(ForeignKey("rules.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(10), default="TEXT")
    answer: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    display: Mapped[str | None] = mapped_column(Text, default=None)
    strategies: Mapped[list[Any]] = mapped_column(default=list)
    create_time: Mapped[int] = mapped_column(default=now_ms)
    update_time: Mapped[int] = mapped_column(default=now_ms)

    rule: Mapped[Rule] = relationship(back_populates="answers")


class RuleCategory(Base):
    __tablename__ = "rule_categories"

    rule_pk: Mapped[int] = mapped_column(ForeignKey("rules.pk", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
