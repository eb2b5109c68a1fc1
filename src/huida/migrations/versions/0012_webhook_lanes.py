"""Concurrent webhook deliveries: webhooks.max_in_flight; jobs.group_key/group_limit bound a group's running jobs

Revision ID: 0012_webhook_lanes
Revises: 0011_auth_hardening
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_webhook_lanes"
down_revision = "0011_auth_hardening"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy: on SQLite (foreign keys on) a copy drops the table, and dropping
    # deletes the rows that reference it through ON DELETE CASCADE (0011 has the story).
    op.add_column("jobs", sa.Column("group_key", sa.String(length=255), nullable=True))
    op.add_column("jobs", sa.Column("group_limit", BigInt, nullable=True))
    op.create_index("ix_jobs_group_running", "jobs", ["group_key"], postgresql_where=RUNNING, sqlite_where=RUNNING)
    # Existing subscriptions get the default; their queued deliveries keep their lanes and get no bound
    # (they were enqueued before groups existed and drain as before).
    op.add_column("webhooks", sa.Column("max_in_flight", BigInt, nullable=False, server_default="16"))


def downgrade() -> None:
    op.drop_column("webhooks", "max_in_flight")
    op.drop_index("ix_jobs_group_running", table_name="jobs")
    op.drop_column("jobs", "group_limit")
    op.drop_column("jobs", "group_key")
