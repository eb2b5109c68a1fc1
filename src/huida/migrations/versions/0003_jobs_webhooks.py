"""jobs (the outbox) and webhooks

Revision ID: 0003_jobs_webhooks
Revises: 0001_platform
Create Date: 2026-11-21 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_jobs_webhooks"
down_revision = "0001_platform"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACTIVE = sa.text("status IN ('pending', 'running')")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("lane", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", BigInt, nullable=False),
        sa.Column("run_at", BigInt, nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_expires_at", BigInt, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("updated_at", BigInt, nullable=False),
        sa.Column("finished_at", BigInt, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "run_at", "id"])
    op.create_index("ix_jobs_lease", "jobs", ["status", "lease_expires_at"])
    op.create_index("ix_jobs_lane_active", "jobs", ["lane", "id"], postgresql_where=ACTIVE, sqlite_where=ACTIVE)

    op.create_table(
        "webhooks",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("webhook_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("updated_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("webhook_id"),
    )
    op.create_index("ix_webhooks_robot_id", "webhooks", ["robot_id"])
    op.create_index("ix_webhooks_tenant_id", "webhooks", ["tenant_id"])

    op.create_table(
        "webhook_deliveries",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("webhook_pk", BigInt, nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", BigInt, nullable=False),
        sa.Column("last_status_code", BigInt, nullable=True),
        sa.Column("last_latency_ms", BigInt, nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("job_id", BigInt, nullable=True),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("updated_at", BigInt, nullable=False),
        sa.Column("last_attempt_at", BigInt, nullable=True),
        sa.Column("delivered_at", BigInt, nullable=True),
        sa.ForeignKeyConstraint(["webhook_pk"], ["webhooks.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("delivery_id"),
    )
    op.create_index("ix_webhook_deliveries_webhook", "webhook_deliveries", ["webhook_pk", "pk"])

    op.create_table(
        "webhook_attempts",
        sa.Column("pk", BigInt, autoincrement=True, nullable=False),
        sa.Column("delivery_pk", BigInt, nullable=False),
        sa.Column("attempt", BigInt, nullable=False),
        sa.Column("status_code", BigInt, nullable=True),
        sa.Column("latency_ms", BigInt, nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("response", sa.String(length=1000), nullable=True),
        sa.Column("started_at", BigInt, nullable=False),
        sa.ForeignKeyConstraint(["delivery_pk"], ["webhook_deliveries.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_pk", "attempt"])


def downgrade() -> None:
    op.drop_table("webhook_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("jobs")
