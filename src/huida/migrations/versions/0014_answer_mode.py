"""Rules may send every answer together: rules.answer_mode ONE (default) or ALL (seed 004 `group`)

Revision ID: 0014_answer_mode
Revises: 0013_neutral_message_extra
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_answer_mode"
down_revision = "0013_neutral_message_extra"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy (0011 has the story of a copy that cascaded deletes on SQLite).
    op.add_column("rules", sa.Column("answer_mode", sa.String(length=10), nullable=False, server_default="ONE"))


def downgrade() -> None:
    op.drop_column("rules", "answer_mode")
