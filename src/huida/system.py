"""Values every process of a deployment must agree on, kept in the database: the generated token secret,
the demo's "already seeded" flag.

A table of the process, not of any domain package: the context that every process builds reads it, so it
lives beside the context rather than in the auth package (which would make the context, and through it the
HTTP plumbing, import auth).
"""

from __future__ import annotations

import secrets

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from huida.db import Base


class SystemValue(Base):
    """Process-wide values every process must agree on (the generated token secret)."""

    __tablename__ = "system_values"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


def generate_secret() -> str:
    """A new secret to sign access tokens with, when HUIDA_SECRET_KEY does not set one."""
    return secrets.token_urlsafe(48)
