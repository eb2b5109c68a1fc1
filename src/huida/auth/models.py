"""Tenants, their users, and single-use SSO token ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base, new_id, now_ms


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="Enable")
    sso_secret: Mapped[str | None] = mapped_column(String(500), default=None)
    sso_allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    # Whether an SSO token's `role` claim sets the user's role; otherwise SSO users get sso_default_role.
    sso_trust_role_claim: Mapped[bool] = mapped_column(Boolean, default=False)
    sso_default_role: Mapped[str] = mapped_column(String(20), default="viewer")
    created_at: Mapped[int] = mapped_column(default=now_ms)


class User(Base):
    """A login of one tenant; usernames are unique within their tenant only (tenants never see each other)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "username", name="uq_users_tenant_username"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[str] = mapped_column(String(20), default="admin")
    role_id: Mapped[str] = mapped_column(String(36), default=new_id)
    status: Mapped[str] = mapped_column(String(20), default="Enable")
    created_at: Mapped[int] = mapped_column(default=now_ms)


class SsoTokenUse(Base):
    """A `jti` seen once; kept past the token's 5 minute life so a replay is refused."""

    __tablename__ = "sso_token_uses"
    __table_args__ = (UniqueConstraint("tenant_id", "jti"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    jti: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[int] = mapped_column(default=now_ms)


class LoginThrottle(Base):
    """Failed password logins of one account or one address (`key`), and until when it is locked.

    Kept in the database so that every process of a deployment counts the same failures."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[int] = mapped_column(default=now_ms)
    locked_until: Mapped[int] = mapped_column(default=0)
