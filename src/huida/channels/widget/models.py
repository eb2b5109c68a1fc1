"""Widget keys: per robot, with the web origins allowed to use them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms


class WidgetKey(Base):
    """A robot's widget key. Public by design (it sits in a web page), so it is stored as is."""

    __tablename__ = "widget_keys"
    __table_args__ = (Index("ix_widget_keys_robot", "tenant_id", "robot_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    robot_id: Mapped[str] = mapped_column(ForeignKey("robots.robot_id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    welcome_menu: Mapped[str | None] = mapped_column(String(200), default=None)  # a MENU rule shown with the welcome
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[int] = mapped_column(default=now_ms)
    revoked_at: Mapped[int | None] = mapped_column(default=None)
