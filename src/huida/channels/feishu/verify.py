"""Authenticating an HTTP callback from Feishu before anything is believed or stored.

The SDK's EventDispatcherHandler answers 500 on a bad token or signature (Feishu would retry) and has
no replay window, so Huida checks for itself and answers 4xx:
- encrypted channels (an Encrypt Key is set): the body must be `{"encrypt": ...}`; every request but the
  url_verification challenge must carry a valid signature with a timestamp within ±5 minutes;
- the verification token, wherever the payload carries one, must match (constant-time compare);
- a channel with neither a verification token nor an encrypt key accepts nothing (anyone could post).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from huida.channels.feishu.crypto import DecryptError, decrypt, same, signature

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024  # Feishu's events and card callbacks are a few KB
URL_VERIFICATION = "url_verification"


class Rejection(Exception):
    """A request refused with a 4xx; `reason` is logged and returned (it reveals nothing secret)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Keys:
    encrypt_key: str
    verification_token: str


def parse_json(text: str | bytes, what: str = "body") -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejection(400, f"malformed {what}: not JSON") from exc
    if not isinstance(value, dict):
        raise Rejection(400, f"malformed {what}: not a JSON object")
    return value


def open_callback(keys: Keys, headers: Mapping[str, str], body: bytes, now: float | None = None) -> dict[str, Any]:
    """The authenticated plaintext payload of a callback, or a Rejection."""
    if not keys.encrypt_key and not keys.verification_token:
        raise Rejection(403, "the channel has neither a verification token nor an encrypt key")
    if len(body) > MAX_BODY_BYTES:
        raise Rejection(413, "body too large for a Feishu event")
    outer = parse_json(body)
    if keys.encrypt_key:
        payload = _decrypted(keys, headers, body, outer, time.time() if now is None else now)
    elif "encrypt" in outer:
        raise Rejection(400, "encrypted body but the channel has no encrypt key")
    else:
        payload = outer
    check_token(keys, payload)
    return payload


def _decrypted(keys: Keys, headers: Mapping[str, str], body: bytes, outer: dict[str, Any],
               now: float) -> dict[str, Any]:
    encrypted = outer.get("encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise Rejection(400, "plaintext body but the channel has an encrypt key")
    signed = bool(headers.get("x-lark-signature"))
    if signed:  # checked before decrypting: a forged body costs no AES work
        check_signature(keys.encrypt_key, headers, body, now)
    try:
        payload = parse_json(decrypt(keys.encrypt_key, encrypted), "encrypted body")
    except DecryptError as exc:
        raise Rejection(400, "undecryptable body (wrong encrypt key?)") from exc
    if not signed and payload.get("type") != URL_VERIFICATION:
        # Feishu signs every event of an encrypted app; only the challenge is answered unsigned (as the SDK does).
        raise Rejection(401, "missing request signature")
    return payload


def check_signature(encrypt_key: str, headers: Mapping[str, str], body: bytes, now: float) -> None:
    timestamp = headers.get("x-lark-request-timestamp", "")
    nonce = headers.get("x-lark-request-nonce", "")
    given = headers.get("x-lark-signature", "")
    try:
        skew = abs(now - int(timestamp))
    except ValueError as exc:
        raise Rejection(401, "missing or malformed request timestamp") from exc
    if skew > MAX_SKEW_SECONDS:
        raise Rejection(401, "stale request timestamp (replay?)")
    if not same(signature(timestamp, nonce, encrypt_key, body), given):
        raise Rejection(401, "bad request signature")


def payload_token(payload: dict[str, Any]) -> str | None:
    """Schema 2.0 carries the token in `header.token`; schema 1.0 and the challenge at the top level."""
    header = payload.get("header")
    token = header.get("token") if isinstance(header, dict) else payload.get("token")
    return token if isinstance(token, str) else None


def check_token(keys: Keys, payload: dict[str, Any]) -> None:
    token = payload_token(payload)
    if not keys.verification_token:
        return  # an encrypt key authenticated the request
    if token is None:
        if keys.encrypt_key and payload.get("type") != URL_VERIFICATION:
            return  # signed and decrypted: authentic even without a token
        raise Rejection(401, "missing verification token")
    if not same(keys.verification_token, token):
        raise Rejection(401, "wrong verification token")
