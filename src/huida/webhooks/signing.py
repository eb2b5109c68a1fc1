"""Webhook signatures.

    X-Huida-Timestamp: 1732150000                      (unix seconds of this attempt)
    X-Huida-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>

The body is the exact bytes of the request (UTF-8 JSON). Receivers recompute the HMAC over the raw body,
compare in constant time, and reject timestamps far from their clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

PREFIX = "sha256="


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_s: int = 300,
           now: float | None = None) -> bool:
    """What a receiver does: signature matches and the timestamp is recent."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)
