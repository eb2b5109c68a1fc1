"""Widget keys: a robot's public key for the chat widget, with its allowed web origins

Revision ID: 0015_widget_keys
Revises: 0014_answer_mode
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_widget_keys"
down_revision = "0014_answer_mode"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "widget_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", BigInt, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("welcome_menu", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", BigInt, nullable=False),
        sa.Column("revoked_at", BigInt, nullable=True),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_widget_keys_robot", "widget_keys", ["tenant_id", "robot_id"])


def downgrade() -> None:
    op.drop_index("ix_widget_keys_robot", table_name="widget_keys")
    op.drop_table("widget_keys")
