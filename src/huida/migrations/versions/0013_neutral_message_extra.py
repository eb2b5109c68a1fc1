"""Visitor messages say their markup and quote in channel-neutral keys (extra.markup, extra.quoteMessageId)

Reading shows any channel's messages; it read the Aily-style channel's own `extra.aily` to tell an MDX message
(msg_type post) and a quote. Channels now write the neutral keys; this copies them for the messages stored
before.

Revision ID: 0013_neutral_message_extra
Revises: 0012_webhook_lanes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_neutral_message_extra"
down_revision = "0012_webhook_lanes"
branch_labels = None
depends_on = None

_MESSAGES = sa.table("messages", sa.column("id", sa.String), sa.column("extra", sa.JSON))
BATCH = 1000


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_MESSAGES.c.id, _MESSAGES.c.extra)).all()
    changed = []
    for ident, extra in rows:
        aily = (extra or {}).get("aily") if isinstance(extra, dict) else None
        if not isinstance(aily, dict):
            continue
        neutral = {"markup": aily.get("content_type"), "quoteMessageId": aily.get("quote_message_id")}
        changed.append({"ident": ident, "extra": {**extra, **{k: v for k, v in neutral.items() if v}}})
    update = _MESSAGES.update().where(_MESSAGES.c.id == sa.bindparam("ident")).values(extra=sa.bindparam("extra"))
    for start in range(0, len(changed), BATCH):
        bind.execute(update, changed[start:start + BATCH])


def downgrade() -> None:
    pass  # the neutral keys are harmless to older code
