"""Login throttling: failed passwords per account and per address, with exponential back-off.

Each key (`account:<login>` or `address:<ip>`) may fail `free` times; every further failure locks it for
`base * 2**(failures - free)` seconds, at most `cap`. A locked key answers 429 with Retry-After before any
password is checked, so guessing costs the server one read. Failures are forgotten `forget_after` seconds
after the last one. The counts live in the database (every process of a deployment sees the same ones);
a successful login clears its account's count and writes nothing when there was none.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.auth.models import LoginThrottle
from huida.db import now_ms

log = logging.getLogger("huida.auth")


@dataclass(frozen=True)
class ThrottleRule:
    free: int  # failures allowed before the first lock; 0 turns this kind of key off
    base_seconds: float = 1.0
    cap_seconds: float = 15 * 60
    forget_after_seconds: float = 15 * 60

    def lock_ms(self, failures: int) -> int:
        """How long `failures` failures lock the key (0 while within the free allowance)."""
        if not self.free or failures < self.free:
            return 0
        exponent = min(failures - self.free, 32)  # 2**32 s is past any cap; keeps the float finite
        return int(min(self.cap_seconds, self.base_seconds * 2 ** exponent) * 1000)


@dataclass(frozen=True)
class LoginKeys:
    """The keys one login attempt counts against, each with its rule."""

    keys: tuple[tuple[str, ThrottleRule], ...]

    @classmethod
    def of(cls, username: str, address: str | None, account: ThrottleRule, per_address: ThrottleRule) -> LoginKeys:
        keys = [(f"account:{username.strip().casefold()}", account)]
        if address:
            keys.append((f"address:{address}", per_address))
        return cls(tuple((key, rule) for key, rule in keys if rule.free))


def retry_after_seconds(session: Session, keys: LoginKeys) -> int:
    """Seconds until every key of the attempt is unlocked (0: the attempt may go ahead)."""
    names = [key for key, _ in keys.keys]
    if not names:
        return 0
    latest = session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(names))
                            .order_by(LoginThrottle.locked_until.desc()).limit(1)) or 0
    return max(0, math.ceil((latest - now_ms()) / 1000))


def record_failure(session: Session, keys: LoginKeys) -> None:
    """Counts a failed password against every key; locks the ones past their allowance (and logs it)."""
    now = now_ms()
    for key, rule in keys.keys:
        row = _locked_row(session, key)
        if now - row.last_failure_at > rule.forget_after_seconds * 1000:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        lock = rule.lock_ms(row.failures)
        if lock:
            row.locked_until = now + lock
            log.warning("login locked for %.0f s after %d failed passwords: %s", lock / 1000, row.failures, key)


def clear_account(session: Session, keys: LoginKeys) -> None:
    accounts = [key for key, _ in keys.keys if key.startswith("account:")]
    for row in session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(accounts))):
        session.delete(row)


def has_failures(session: Session, keys: LoginKeys) -> bool:
    accounts = [key for key, _ in keys.keys if key.startswith("account:")]
    return bool(accounts) and session.scalar(
        select(LoginThrottle.key).where(LoginThrottle.key.in_(accounts)).limit(1)) is not None


def _locked_row(session: Session, key: str) -> LoginThrottle:
    """The key's row, locked for this transaction (created when absent; a concurrent creator wins cleanly)."""
    query = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LoginThrottle(key=key, failures=0, last_failure_at=now_ms(), locked_until=0)
            session.add(row)
        return row
    except IntegrityError:
        found = session.scalar(query.execution_options(populate_existing=True))
        assert found is not None  # the row that made the insert fail
        return found
