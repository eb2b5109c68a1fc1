"""Feishu's wire format as Feishu produces it: events (schema 2.0), their encryption and signature.

Written independently of Huida's code (the fake checks Huida, it must not share its mistakes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from Crypto.Cipher import AES


@dataclass
class FakeApp:
    """A Feishu app as the fake knows it."""

    app_id: str
    app_secret: str
    encrypt_key: str = ""
    verification_token: str = ""
    bot_open_id: str = ""
    bot_name: str = "小答"
    tenant_key: str = "tenant-fake"
    tokens: set[str] = field(default_factory=set)  # valid tenant_access_tokens
    issued: int = 0
    uuids: dict[str, dict[str, Any]] = field(default_factory=dict)  # reply/create uuid -> the message it made


def new_app(*, encrypted: bool = True, token: bool = True) -> FakeApp:
    suffix = uuid.uuid4().hex[:12]
    return FakeApp(
        app_id=f"cli_{suffix}", app_secret=secrets.token_urlsafe(24),
        encrypt_key=secrets.token_urlsafe(16) if encrypted else "",
        verification_token=secrets.token_urlsafe(16) if token else "", bot_open_id=f"ou_bot_{suffix}",
    )


def encrypt(key: str, plaintext: str) -> str:
    """AES-256-CBC with key sha256(key), a random IV in front, PKCS7 padding, base64 (Feishu's format)."""
    data = plaintext.encode("utf-8")
    pad = 16 - len(data) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode("utf-8")).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(data + bytes([pad]) * pad)).decode("ascii")


def sign(timestamp: str, nonce: str, key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + key).encode("utf-8") + body).hexdigest()


def seal(app: FakeApp, payload: dict[str, Any], *, timestamp: int | None = None, signed: bool = True,
         key: str | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body of the HTTP request Feishu would send for `payload`."""
    key = app.encrypt_key if key is None else key
    if not key:
        return {"Content-Type": "application/json"}, json.dumps(payload, ensure_ascii=False).encode("utf-8")
    body = json.dumps({"encrypt": encrypt(key, json.dumps(payload, ensure_ascii=False))}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if signed:
        stamp, nonce = str(timestamp if timestamp is not None else int(time.time())), secrets.token_hex(8)
        headers.update({"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": nonce,
                        "X-Lark-Signature": sign(stamp, nonce, key, body)})
    return headers, body


def _header(app: FakeApp, event_type: str, event_id: str | None) -> dict[str, Any]:
    return {"event_id": event_id or uuid.uuid4().hex, "event_type": event_type,
            "create_time": str(int(time.time() * 1000)), "token": app.verification_token, "app_id": app.app_id,
            "tenant_key": app.tenant_key}


def mention(key: str, open_id: str, name: str) -> dict[str, Any]:
    return {"key": key, "id": {"open_id": open_id, "union_id": f"on_{open_id}", "user_id": None}, "name": name,
            "tenant_key": "tenant-fake"}


def message_event(app: FakeApp, *, content: dict[str, Any], message_type: str = "text", chat_type: str = "p2p",
                  chat_id: str | None = None, sender: str = "ou_visitor", mentions: list[dict[str, Any]] | None = None,
                  message_id: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    stamp = str(int(time.time() * 1000))
    message = {
        "message_id": message_id or f"om_{uuid.uuid4().hex}", "root_id": "", "parent_id": "", "create_time": stamp,
        "update_time": stamp, "chat_id": chat_id or f"oc_{uuid.uuid4().hex[:16]}", "thread_id": "",
        "chat_type": chat_type, "message_type": message_type, "content": json.dumps(content, ensure_ascii=False),
        "mentions": mentions or [], "user_agent": "Mozilla/5.0 Lark/7.0",
    }
    event = {"sender": {"sender_id": {"union_id": f"on_{sender}", "user_id": None, "open_id": sender},
                        "sender_type": "user", "tenant_key": app.tenant_key},
             "message": message}
    return {"schema": "2.0", "header": _header(app, "im.message.receive_v1", event_id), "event": event}


def card_action_event(app: FakeApp, *, value: Any, open_id: str, message_id: str, chat_id: str,
                      event_id: str | None = None) -> dict[str, Any]:
    event = {
        "operator": {"tenant_key": app.tenant_key, "user_id": None, "open_id": open_id, "union_id": f"on_{open_id}"},
        "token": f"c-{uuid.uuid4().hex}", "action": {"value": value, "tag": "button"}, "host": "im_message",
        "delivery_type": "url_callback",
        "context": {"url": "", "preview_token": "", "open_message_id": message_id, "open_chat_id": chat_id},
    }
    return {"schema": "2.0", "header": _header(app, "card.action.trigger", event_id), "event": event}


def url_verification(app: FakeApp, challenge: str) -> dict[str, Any]:
    return {"challenge": challenge, "token": app.verification_token, "type": "url_verification"}


def buttons(card: Any) -> list[tuple[str, Any, str | None]]:
    """(label, callback value, url) of every button of a card, in order (card 2.0 `behaviors`, or 1.0 `value`)."""
    found: list[tuple[str, Any, str | None]] = []
    if isinstance(card, dict):
        if card.get("tag") == "button":
            behaviors = card.get("behaviors") or []
            value = next((b.get("value") for b in behaviors if b.get("type") == "callback"), card.get("value"))
            url = next((b.get("default_url") for b in behaviors if b.get("type") == "open_url"), card.get("url"))
            found.append((card["text"]["content"], value, url))
        for child in card.values():
            found.extend(buttons(child))
    elif isinstance(card, list):
        for child in card:
            found.extend(buttons(child))
    return found


def card_texts(card: Any) -> list[str]:
    """Every text shown by a card (header, plain text and markdown), in order."""
    found: list[str] = []
    if isinstance(card, dict):
        if card.get("tag") in ("plain_text", "markdown", "lark_md") and isinstance(card.get("content"), str):
            found.append(card["content"])
        for key, child in card.items():
            if key != "behaviors":
                found.extend(card_texts(child))
    elif isinstance(card, list):
        for child in card:
            found.extend(card_texts(child))
    return found
