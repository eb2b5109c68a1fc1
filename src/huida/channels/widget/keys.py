"""Widget keys: created and revoked by a tenant's admins, one robot each, with the origins allowed to use them.

A widget key sits in a public web page, so it is no secret: it is stored and listed as is, and it grants only
what the widget needs (welcome, ask, rate, a visitor's own history) on its robot, from its origins. Every
request reads the key from the database (one indexed read), so a revoked key stops at once in every process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, select
from sqlalchemy.orm import Session

from huida.auth.models import Tenant
from huida.channels.widget.models import WidgetKey
from huida.db import Database, now_ms
from huida.errors import not_found
from huida.knowledge.models import Rule
from huida.timefmt import format_datetime

KEY_PREFIX = "hwk_"


@dataclass(frozen=True)
class WidgetOwner:
    """What a valid widget key opens: one robot of one tenant, from these origins."""

    key_id: str
    tenant_id: int
    robot_id: str
    origins: tuple[str, ...]
    welcome_menu: str | None


def create_key(session: Session, tenant_id: int, robot_id: str, origins: list[str], welcome_menu: str | None,
               created_by: str) -> WidgetKey:
    if welcome_menu is not None and session.scalar(
            select(Rule.pk).where(Rule.robot_id == robot_id, Rule.rule_id == welcome_menu)) is None:
        raise not_found("rule", welcome_menu)
    row = WidgetKey(tenant_id=tenant_id, robot_id=robot_id, key=KEY_PREFIX + secrets.token_urlsafe(24),
                    allowed_origins=origins, welcome_menu=welcome_menu, created_by=created_by)
    session.add(row)
    session.flush()
    return row


def list_keys(session: Session, tenant_id: int, robot_id: str) -> list[WidgetKey]:
    return list(session.scalars(select(WidgetKey).where(WidgetKey.tenant_id == tenant_id,
                                                        WidgetKey.robot_id == robot_id)
                                .order_by(WidgetKey.created_at, WidgetKey.id)))


def revoke_key(session: Session, tenant_id: int, robot_id: str, key_id: str) -> WidgetKey:
    row = session.scalar(select(WidgetKey).where(WidgetKey.id == key_id, WidgetKey.tenant_id == tenant_id,
                                                 WidgetKey.robot_id == robot_id))
    if row is None:
        raise not_found("widget key", key_id)
    if row.revoked_at is None:
        row.revoked_at = now_ms()
    return row


def key_entity(row: WidgetKey) -> dict[str, Any]:
    return {"id": row.id, "key": row.key, "tenantId": row.tenant_id, "robotId": row.robot_id,
            "allowedOrigins": list(row.allowed_origins), "welcomeMenu": row.welcome_menu,
            "status": "REVOKED" if row.revoked_at is not None else "ACTIVE",
            "createdAt": format_datetime(row.created_at), "revokedAt": format_datetime(row.revoked_at)}


def resolve_key(db: Database, key: str) -> WidgetOwner | None:
    """The owner of a key that is not revoked (its tenant enabled), else None. Read on every request."""
    if not key.startswith(KEY_PREFIX) or len(key) > 64:
        return None
    with db.read() as session:
        row = session.execute(
            select(WidgetKey.id, WidgetKey.tenant_id, WidgetKey.robot_id, WidgetKey.allowed_origins,
                   WidgetKey.welcome_menu)
            .join(Tenant, Tenant.id == WidgetKey.tenant_id)
            .where(WidgetKey.key == key, WidgetKey.revoked_at.is_(None), Tenant.status == "Enable")
        ).first()
    if row is None:
        return None
    return WidgetOwner(row.id, row.tenant_id, row.robot_id, tuple(row.allowed_origins or ()), row.welcome_menu)


def origin_allowed_anywhere(db: Database, origin: str) -> bool:
    """Whether some live key lists `origin`: what a CORS preflight (which carries no key) can be told."""
    pattern = '%"' + origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
    with db.read() as session:
        found = session.scalars(select(WidgetKey.allowed_origins).where(
            WidgetKey.revoked_at.is_(None),
            WidgetKey.allowed_origins.cast(Text).like(pattern, escape="\\")).limit(5))
        return any(origin in (origins or ()) for origins in found)

