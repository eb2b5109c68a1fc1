"""Per-robot API keys: created and revoked by a tenant's admins, used as `Authorization: Bearer <key>`.

A key is 32 random bytes; only its SHA-256 is stored (a key is not a password: its entropy makes a slow hash
pointless), so a leaked database does not leak usable keys. A revoked key stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huida.auth.models import Tenant
from huida.channels.aily.models import RobotApiKey
from huida.db import Database, now_ms
from huida.errors import not_found
from huida.robots.models import Robot
from huida.timefmt import format_datetime

KEY_PREFIX = "hdk_"
SHOWN_PREFIX = 12  # characters of a key kept in clear to recognise it in a list
TOUCH_EVERY_MS = 60_000  # last_used_at is refreshed at most once a minute per key


@dataclass(frozen=True)
class KeyOwner:
    key_id: str
    tenant_id: int
    robot_id: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


def create_key(session: Session, tenant_id: int, robot_id: str, name: str, created_by: str) -> tuple[RobotApiKey, str]:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = RobotApiKey(tenant_id=tenant_id, robot_id=robot_id, name=name, key_hash=key_hash(key),
                      prefix=key[:SHOWN_PREFIX], created_by=created_by)
    session.add(row)
    session.flush()
    return row, key


def list_keys(session: Session, tenant_id: int, robot_id: str) -> list[RobotApiKey]:
    return list(session.scalars(select(RobotApiKey).where(RobotApiKey.tenant_id == tenant_id,
                                                          RobotApiKey.robot_id == robot_id)
                                .order_by(RobotApiKey.created_at, RobotApiKey.id)))


def get_key(session: Session, tenant_id: int, robot_id: str, key_id: str) -> RobotApiKey:
    row = session.scalar(select(RobotApiKey).where(RobotApiKey.id == key_id, RobotApiKey.tenant_id == tenant_id,
                                                   RobotApiKey.robot_id == robot_id))
    if row is None:
        raise not_found("api key", key_id)
    return row


def revoke_key(session: Session, tenant_id: int, robot_id: str, key_id: str) -> RobotApiKey:
    row = get_key(session, tenant_id, robot_id, key_id)
    if row.revoked_at is None:
        row.revoked_at = now_ms()
    return row


def key_entity(row: RobotApiKey, key: str | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": row.id, "tenantId": row.tenant_id, "robotId": row.robot_id, "name": row.name, "prefix": row.prefix,
        "revoked": row.revoked_at is not None, "createDateTime": format_datetime(row.created_at),
        "revokeDateTime": format_datetime(row.revoked_at), "lastUsedDateTime": format_datetime(row.last_used_at),
    }
    if key is not None:
        entity["key"] = key  # shown once, at creation
    return entity


def resolve_key(db: Database, key: str) -> KeyOwner | None:
    """The owner of a valid key (not revoked, its robot and tenant still there and enabled), else None."""
    with db.read() as session:
        row = session.execute(
            select(RobotApiKey.id, RobotApiKey.tenant_id, RobotApiKey.robot_id, RobotApiKey.last_used_at)
            .join(Robot, Robot.robot_id == RobotApiKey.robot_id).join(Tenant, Tenant.id == RobotApiKey.tenant_id)
            .where(RobotApiKey.key_hash == key_hash(key), RobotApiKey.revoked_at.is_(None),
                   Tenant.status == "Enable")
        ).first()
    if row is None:
        return None
    now = now_ms()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY_MS:
        with db.session() as session:
            session.execute(update(RobotApiKey).where(RobotApiKey.id == row.id).values(last_used_at=now))
    return KeyOwner(row.id, row.tenant_id, row.robot_id)
