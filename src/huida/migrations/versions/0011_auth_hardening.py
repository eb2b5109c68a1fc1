"""Usernames unique per tenant, SSO roles, login throttling

Revision ID: 0011_auth_hardening
Revises: 0010_calibration
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_auth_hardening"
down_revision = "0010_calibration"
branch_labels = None
depends_on = None

# SQLite's copy of 0001's unnamed unique constraint gets this name when batch mode reflects the table.
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _server_wide_unique() -> str:
    return "users_username_key" if op.get_bind().dialect.name == "postgresql" else "uq_users_username"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None, naming_convention=_NAMING) as batch_op:
        batch_op.drop_constraint(_server_wide_unique(), type_="unique")
        batch_op.create_unique_constraint("uq_users_tenant_username", ["tenant_id", "username"])
        batch_op.create_index("ix_users_username", ["username"], unique=False)
    # Plain ALTER TABLE ADD COLUMN: a batch copy of `tenants` would drop the table, and on SQLite (foreign
    # keys on) dropping it deletes every robot, session and message of every tenant through ON DELETE CASCADE.
    op.add_column("tenants", sa.Column("sso_trust_role_claim", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column("tenants", sa.Column("sso_default_role", sa.String(length=20), nullable=False,
                                       server_default="viewer"))
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_failure_at", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("locked_until", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("login_throttles")
    op.drop_column("tenants", "sso_default_role")  # not a batch copy: see upgrade
    op.drop_column("tenants", "sso_trust_role_claim")
    with op.batch_alter_table("users", schema=None, naming_convention=_NAMING) as batch_op:
        batch_op.drop_index("ix_users_username")
        batch_op.drop_constraint("uq_users_tenant_username", type_="unique")
        batch_op.create_unique_constraint(_server_wide_unique(), ["username"])
