"""knowledge change log, calibrated thresholds, learned pairs and trained models

Revision ID: 0007_learning
Revises: 0002_conversation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_learning"
down_revision = "0002_conversation"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("robots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibrated_answer", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("calibrated_recommend", sa.Double(), nullable=True))
    op.create_table(
        "knowledge_changes",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("version", BIGINT, nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", BIGINT, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_changes_robot_version", "knowledge_changes", ["robot_id", "version"])
    op.create_table(
        "learned_pairs",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", BIGINT, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_learned_pairs_robot", "learned_pairs", ["robot_id", "id"])
    op.create_table(
        "robot_models",
        sa.Column("robot_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("info", sa.Text(), nullable=False),
        sa.Column("created_at", BIGINT, nullable=False),
        sa.ForeignKeyConstraint(["robot_id"], ["robots.robot_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("robot_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("robot_models")
    op.drop_index("ix_learned_pairs_robot", table_name="learned_pairs")
    op.drop_table("learned_pairs")
    op.drop_index("ix_knowledge_changes_robot_version", table_name="knowledge_changes")
    op.drop_table("knowledge_changes")
    with op.batch_alter_table("robots", schema=None) as batch_op:
        batch_op.drop_column("calibrated_recommend")
        batch_op.drop_column("calibrated_answer")
