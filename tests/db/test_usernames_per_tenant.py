"""Migration 0011: usernames become unique per tenant (were server-wide), and upgrading keeps every row."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import column, create_engine, func, insert, select, table
from sqlalchemy.exc import IntegrityError

from huida.db import alembic_config, migrate

TENANTS = table("tenants", *(column(c) for c in ("id", "name", "status", "sso_allowed_origins", "created_at")))
USERS = table("users", *(column(c) for c in ("id", "tenant_id", "username", "role", "role_id", "status",
                                             "created_at")))
ROBOTS = table("robots", *(column(c) for c in ("robot_id", "tenant_id", "name", "type", "status", "profile",
                                               "settings", "knowledge_version", "created_at", "updated_at")))


def _user(user_id: str, tenant_id: int, username: str) -> dict[str, object]:
    return {"id": user_id, "tenant_id": tenant_id, "username": username, "role": "admin", "role_id": user_id,
            "status": "Enable", "created_at": 1}


def test_upgrading_keeps_every_row_and_scopes_usernames_to_their_tenant(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0010_calibration")
    with engine.begin() as conn:
        conn.execute(insert(TENANTS), [{"id": n, "name": f"t{n}", "status": "Enable", "sso_allowed_origins": "[]",
                                        "created_at": 1} for n in (1, 2)])
        conn.execute(insert(USERS), _user("u1", 1, "same@example.com"))
        conn.execute(insert(ROBOTS), {"robot_id": "r1", "tenant_id": 1, "name": "r", "type": "RobotApi",
                                      "status": "Enable", "profile": "{}", "settings": "{}", "knowledge_version": 1,
                                      "created_at": 1, "updated_at": 1})
    migrate(engine)
    with engine.begin() as conn:  # the old rows are all there (a table copy must not cascade-delete them)
        assert conn.scalar(select(func.count()).select_from(ROBOTS)) == 1
        assert conn.scalar(select(func.count()).select_from(USERS)) == 1
        conn.execute(insert(USERS), _user("u2", 2, "same@example.com"))  # another tenant: allowed now
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(USERS), _user("u3", 1, "same@example.com"))  # the same tenant: still refused
    engine.dispose()
