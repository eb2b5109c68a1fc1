"""Thumbs up/down clicked on a Feishu card: recorded through the feedback service (issue 5), the same way
`POST /v10/tenants/{tenantId}/knowledge/robots/{robotId}/messages/{msgId}/feedback` records them — with the
`feedback` webhook event — and answered with a toast."""

from __future__ import annotations

from typing import Any

from huida.channels.feishu import cards, texts
from huida.channels.feishu.apps import ChannelInfo
from huida.db import Database
from huida.errors import DomainError
from huida.feedback.thumbs import set_feedback
from huida.safetext import REFUSED


def record_thumb(db: Database, channel: ChannelInfo, open_id: str, value: dict[str, Any]) -> dict[str, Any]:
    """Records a thumbs click by visitor `open_id` on an answer of the channel's robot."""
    msg_id, status = value.get("m"), value.get("s")
    if status not in (cards.THUMB_UP, cards.THUMB_DOWN) or not isinstance(msg_id, str) or REFUSED.search(msg_id):
        return texts.toast("error", texts.FEEDBACK_INVALID)
    try:
        with db.session() as session:
            set_feedback(session, tenant_id=channel.tenant_id, robot_id=channel.robot_id, msg_id=msg_id,
                         status=status, user_id=open_id)
    except DomainError:  # not an answer of this robot (another robot's, another tenant's, or none)
        return texts.toast("error", texts.FEEDBACK_INVALID)
    return texts.toast("success", texts.FEEDBACK_THANKS)
