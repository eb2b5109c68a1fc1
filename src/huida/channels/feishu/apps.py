"""A channel as the event handlers and jobs see it: a plain snapshot, free of any database session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from huida.channels.feishu.models import FeishuChannel
from huida.channels.feishu.verify import Keys
from huida.db import Database

MAX_CHANNEL_ID = 36


@dataclass(frozen=True)
class ChannelInfo:
    pk: int
    channel_id: str
    tenant_id: int
    robot_id: str
    app_id: str
    app_secret: str
    encrypt_key: str
    verification_token: str
    domain: str
    mode: str
    enabled: bool
    options: dict[str, Any]
    bot_open_id: str | None
    updated_at: int

    @property
    def keys(self) -> Keys:
        return Keys(self.encrypt_key, self.verification_token)

    @property
    def feedback_on_text(self) -> bool:
        return bool(self.options.get("feedbackOnText"))


def snapshot(row: FeishuChannel) -> ChannelInfo:
    return ChannelInfo(
        pk=row.pk, channel_id=row.channel_id, tenant_id=row.tenant_id, robot_id=row.robot_id, app_id=row.app_id,
        app_secret=row.app_secret, encrypt_key=row.encrypt_key or "", verification_token=row.verification_token or "",
        domain=row.domain, mode=row.mode, enabled=row.enabled, options=dict(row.options or {}),
        bot_open_id=row.bot_open_id, updated_at=row.updated_at,
    )


def load_channel(db: Database, channel_id: str) -> ChannelInfo | None:
    if not channel_id or len(channel_id) > MAX_CHANNEL_ID:
        return None
    with db.read() as session:
        row = session.scalar(select(FeishuChannel).where(FeishuChannel.channel_id == channel_id))
        return snapshot(row) if row is not None else None
