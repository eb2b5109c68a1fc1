"""Password hashing (Argon2) and signed access tokens (HS256 JWT)."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ISSUER = "huida"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class TokenClaims:
    tenant_id: int
    user_id: str
    username: str
    role: str
    expires_ms: int


def issue_token(secret: str, *, tenant_id: int, user_id: str, username: str, role: str,
                ttl_seconds: int) -> tuple[str, int]:
    """Returns the token and its expiry in epoch milliseconds."""
    now = int(time.time())
    exp = now + ttl_seconds
    claims = {
        "sub": username, "iss": ISSUER, "tenantId": tenant_id, "userId": user_id, "username": username,
        "role": role, "iat": now, "exp": exp, "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, secret, algorithm="HS256"), exp * 1000


def read_token(secret: str, token: str) -> TokenClaims | None:
    """The token's claims, or None when it is malformed, tampered with, expired or not ours."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token, secret, algorithms=["HS256"], issuer=ISSUER,
            options={"require": ["exp", "iat", "tenantId", "userId"]},
        )
        return TokenClaims(
            tenant_id=int(claims["tenantId"]), user_id=str(claims["userId"]),
            username=str(claims.get("username", claims.get("sub", ""))), role=str(claims.get("role", "viewer")),
            expires_ms=int(claims["exp"]) * 1000,
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
