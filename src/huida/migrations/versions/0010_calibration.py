"""robots.calibration: what the calibrated thresholds are expected to give, and which signals match

Revision ID: 0010_calibration
Revises: 0009_snowball_stems
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_calibration"
down_revision = "0009_snowball_stems"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("robots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibration", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("robots", schema=None) as batch_op:
        batch_op.drop_column("calibration")
