"""Tenants and users: creation, password login."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.api.errors import ApiError, conflict
from huida.auth.models import Tenant, User
from huida.auth.security import generate_password, hash_password, verify_password

ROLES = ("admin", "agent")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against a real hash when the user does not exist keeps both paths equally slow."""
    return hash_password("not-a-real-password")


@dataclass(frozen=True)
class CreatedTenant:
    tenant: Tenant
    admin: User
    password: str


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def create_user(session: Session, tenant_id: int, username: str, password: str | None, *,
                role: str = "admin", email: str | None = None, name: str | None = None,
                external_id: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 200:
        raise ApiError(400, "INVALID_PARAMETER", "username must be 1-200 characters")
    if role not in ROLES:
        raise ApiError(400, "INVALID_PARAMETER", f"role must be one of {', '.join(ROLES)}")
    if find_user(session, username):
        raise conflict(f"username already taken: {username}", "USERNAME_TAKEN")
    user = User(tenant_id=tenant_id, username=username, email=email, name=name, external_id=external_id,
                role=role, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def create_tenant(session: Session, name: str, admin_username: str, admin_password: str | None = None) -> CreatedTenant:
    if not name.strip():
        raise ApiError(400, "INVALID_PARAMETER", "tenant name must not be empty")
    tenant = Tenant(name=name.strip())
    session.add(tenant)
    session.flush()
    password = admin_password or generate_password()
    admin = create_user(session, tenant.id, admin_username, password, role="admin",
                        email=admin_username if "@" in admin_username else None)
    return CreatedTenant(tenant, admin, password)


def login(session: Session, username: str, password: str) -> User:
    user = find_user(session, username)
    if user is None:
        verify_password(_dummy_hash(), password)
        raise ApiError(401, "BAD_CREDENTIALS", "wrong username or password")
    if not verify_password(user.password_hash, password):
        raise ApiError(401, "BAD_CREDENTIALS", "wrong username or password")
    tenant = session.get(Tenant, user.tenant_id)
    if user.status != "Enable" or tenant is None or tenant.status != "Enable":
        raise ApiError(403, "ACCOUNT_DISABLED", "this account is disabled")
    return user
