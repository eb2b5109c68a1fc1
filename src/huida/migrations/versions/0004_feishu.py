"""feishu channel: apps, seen events, uploaded images, delivery log

Revision ID: 0004_feishu
Revises: 0003_jobs_webhooks
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_feishu"
down_revision = "0003_jobs_webhooks"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "feishu_channels",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("channel_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("app_id", sa.String(length=64), nullable=False),
        sa.Column("app_secret", sa.String(length=256), nullable=False),
        sa.Column("encrypt_key", sa.String(length=256), nullable=False),
        sa.Column("verification_token", sa.String(length=256), nullable=False),
        sa.Column("domain", sa.String(length=300), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("bot_open_id", sa.String(length=100), nullable=True),
        sa.Column("bot_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("updated_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("channel_id"),
        sa.UniqueConstraint("app_id"),
    )
    op.create_index("ix_feishu_channels_robot_id", "feishu_channels", ["robot_id"])
    op.create_index("ix_feishu_channels_tenant_id", "feishu_channels", ["tenant_id"])

    op.create_table(
        "feishu_seen",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("channel_pk", BigInt, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["channel_pk"], ["feishu_channels.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("channel_pk", "key", name="uq_feishu_seen_key"),
    )
    op.create_index("ix_feishu_seen_created", "feishu_seen", ["created_at"])

    op.create_table(
        "feishu_images",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("channel_pk", BigInt, nullable=False),
        sa.Column("media_id", sa.String(length=36), nullable=False),
        sa.Column("image_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["channel_pk"], ["feishu_channels.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("channel_pk", "media_id", name="uq_feishu_images_media"),
    )

    op.create_table(
        "feishu_deliveries",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("channel_pk", BigInt, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("source_message_id", sa.String(length=100), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("chat_type", sa.String(length=10), nullable=False),
        sa.Column("open_id", sa.String(length=100), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("msg_id", sa.String(length=36), nullable=True),
        sa.Column("msg_type", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", BigInt, nullable=False),
        sa.Column("last_code", BigInt, nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("attempt_log", sa.JSON(), nullable=False),
        sa.Column("reply_message_id", sa.String(length=100), nullable=True),
        sa.Column("handover_emitted", sa.Boolean(), nullable=False),
        sa.Column("job_id", BigInt, nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("updated_at", BigInt, nullable=False),
        sa.Column("sent_at", BigInt, nullable=True),
        sa.ForeignKeyConstraint(["channel_pk"], ["feishu_channels.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("delivery_id"),
    )
    op.create_index("ix_feishu_deliveries_channel", "feishu_deliveries", ["channel_pk", "pk"])


def downgrade() -> None:
    op.drop_table("feishu_deliveries")
    op.drop_table("feishu_images")
    op.drop_table("feishu_seen")
    op.drop_table("feishu_channels")
