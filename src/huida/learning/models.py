"""Learned pairs and trained models, per robot, in the database so every process sees them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from huida.db import Base, now_ms


class LearnedPair(Base):
    """A visitor's question and the rule that answered it, as evidence for the matcher."""

    __tablename__ = "learned_pairs"
    __table_args__ = (Index("ix_learned_pairs_robot", "robot_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    rule_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))  # click | thumb-up | import
    created_at: Mapped[int] = mapped_column(default=now_ms)


class RobotModel(Base):
    """A model trained for a robot (e.g. the pair model of `huida train --pairs`), as bytes."""

    __tablename__ = "robot_models"

    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    info: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(default=now_ms)
