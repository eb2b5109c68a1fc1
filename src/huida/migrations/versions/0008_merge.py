"""One head again: the feature branches (Feishu, Aily/reading, feedback, learning) joined.

Revision ID: 0008_merge
Revises: 0004_feishu, 0005_aily_reading, 0006_feedback, 0007_learning
"""

from __future__ import annotations

revision = "0008_merge"
down_revision = ("0004_feishu", "0005_aily_reading", "0006_feedback", "0007_learning")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
