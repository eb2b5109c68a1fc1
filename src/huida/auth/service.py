"""Tenants and users: creation, and password login (throttled: auth/throttle.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.auth.models import Tenant, User
from huida.auth.roles import ROLES
from huida.auth.security import generate_password, hash_password, verify_password
from huida.auth.throttle import LoginKeys, clear_account, has_failures, record_failure, retry_after_seconds
from huida.db import Database
from huida.errors import InvalidInput, NotPermitted, TooManyRequests, Unauthenticated, conflict


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against a real hash when the user does not exist keeps both paths equally slow."""
    return hash_password("not-a-real-password")


@dataclass(frozen=True)
class CreatedTenant:
    tenant: Tenant
    admin: User
    password: str
    generated: bool  # the password was made here (print it once); a supplied one is never echoed


@dataclass(frozen=True)
class LoginAttempt:
    username: str
    password: str
    tenant_id: int | None  # needed only when the same login exists in several tenants
    keys: LoginKeys  # what a failure counts against (auth/throttle.py)


def find_user(session: Session, tenant_id: int, username: str) -> User | None:
    """The tenant's user of that login name; usernames are unique within a tenant only."""
    return session.scalar(select(User).where(User.tenant_id == tenant_id, User.username == username.strip()))


def create_user(session: Session, tenant_id: int, username: str, password: str | None, *,
                role: str = "admin", email: str | None = None, name: str | None = None,
                external_id: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 200:
        raise InvalidInput("INVALID_PARAMETER", "username must be 1-200 characters")
    if role not in ROLES:
        raise InvalidInput("INVALID_PARAMETER", f"role must be one of {', '.join(ROLES)}")
    if find_user(session, tenant_id, username):
        raise conflict(f"username already taken: {username}", "USERNAME_TAKEN")
    user = User(tenant_id=tenant_id, username=username, email=email, name=name, external_id=external_id,
                role=role, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def create_tenant(session: Session, name: str, admin_username: str, admin_password: str | None = None) -> CreatedTenant:
    if not name.strip():
        raise InvalidInput("INVALID_PARAMETER", "tenant name must not be empty")
    tenant = Tenant(name=name.strip())
    session.add(tenant)
    session.flush()
    password = admin_password or generate_password()
    admin = create_user(session, tenant.id, admin_username, password, role="admin",
                        email=admin_username if "@" in admin_username else None)
    return CreatedTenant(tenant, admin, password, generated=not admin_password)


MAX_SAME_LOGIN = 5  # tenants whose user of one login name a password is tried against, without a tenantId


def login(db: Database, attempt: LoginAttempt) -> User:
    """The user whose password this is, checked outside any write transaction.

    Reads (throttle state, the candidate users) and the Argon2 verification (~0.1 s of CPU) take no write
    lock, so guessing passwords cannot stall the robot's writes; only a failure, or the first success after
    failures, writes its count. A locked account or address is a 429 before any password is checked.
    """
    with db.read() as session:
        wait = retry_after_seconds(session, attempt.keys)
        if wait:
            raise TooManyRequests("TOO_MANY_REQUESTS", f"too many failed logins; retry in {wait} s",
                                  retry_after=wait)
        candidates = _candidates(session, attempt.username, attempt.tenant_id)
        had_failures = has_failures(session, attempt.keys)
    with _verification_slot():
        matches = [user for user in candidates if verify_password(user.password_hash, attempt.password)]
        if not candidates:
            verify_password(_dummy_hash(), attempt.password)  # an unknown login costs what a known one does
    if not matches:
        with db.session() as session:
            record_failure(session, attempt.keys)
        raise Unauthenticated("BAD_CREDENTIALS", "wrong username or password")
    if len(matches) > 1:
        raise InvalidInput("TENANT_REQUIRED", "this login exists in several tenants: pass tenantId")
    if had_failures:
        with db.session() as session:
            clear_account(session, attempt.keys)
    return _enabled(db, matches[0])


# Argon2 takes ~0.1 s on several threads of its own; this many verifications at once per process leave the
# rest of the CPU to the robot's visitors however many logins arrive. A login that finds no slot within
# VERIFY_WAIT_SECONDS is told to retry (429) rather than queue on a thread the asks need.
VERIFY_SLOTS = 1
VERIFY_WAIT_SECONDS = 2.0
_verifying = threading.BoundedSemaphore(VERIFY_SLOTS)


@contextmanager
def _verification_slot() -> Iterator[None]:
    if not _verifying.acquire(timeout=VERIFY_WAIT_SECONDS):
        raise TooManyRequests("TOO_MANY_REQUESTS", "the server is busy checking other logins; retry in 1 s",
                              retry_after=1)
    try:
        yield
    finally:
        _verifying.release()


def _candidates(session: Session, username: str, tenant_id: int | None) -> list[User]:
    query = select(User).where(User.username == username.strip())
    if tenant_id is not None:
        query = query.where(User.tenant_id == tenant_id)
    return list(session.scalars(query.order_by(User.created_at.desc()).limit(MAX_SAME_LOGIN)))


def _enabled(db: Database, user: User) -> User:
    with db.read() as session:
        tenant = session.get(Tenant, user.tenant_id)
    if user.status != "Enable" or tenant is None or tenant.status != "Enable":
        raise NotPermitted("ACCOUNT_DISABLED", "this account is disabled")
    return user
