"""A robot: its profile (seed 004 §1.2), its settings and the version of its knowledge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms


class Robot(Base):
    __tablename__ = "robots"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    robot_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40), default="RobotApi")
    status: Mapped[str] = mapped_column(String(20), default="Enable")
    avatar: Mapped[str | None] = mapped_column(String(500), default=None)
    description: Mapped[str | None] = mapped_column(String(2000), default=None)
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped in the same transaction as any change to the robot's rules, so every process can tell
    # that its in-memory index is stale by reading one integer.
    knowledge_version: Mapped[int] = mapped_column(default=1)
    # Thresholds the matcher calibrated from this knowledge (derived, shown next to the settings).
    calibrated_answer: Mapped[float | None] = mapped_column(default=None)
    calibrated_recommend: Mapped[float | None] = mapped_column(default=None)
    # What those thresholds are expected to give, and which signals match (derived, read-only).
    calibration: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
    updated_at: Mapped[int] = mapped_column(default=now_ms, onupdate=now_ms)


class KnowledgeChange(Base):
    """What one knowledge version changed, so a process can update its index instead of rebuilding it.

    scope "rule": that rule was written or deleted; "all": anything may have changed (imports);
    "settings": no rule changed. Every version bump writes at least one row.
    """

    __tablename__ = "knowledge_changes"
    __table_args__ = (Index("ix_knowledge_changes_robot_version", "robot_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    scope: Mapped[str] = mapped_column(String(10))
    rule_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[int] = mapped_column(default=now_ms)
