"""Visitors of the widget: an id the browser makes up, and a token this server signs for it.

The browser generates a random visitor id and keeps it in localStorage with the token it gets for it. The
token is `<visitorId>.<signature>`, the signature an HMAC-SHA256 over the robot and the visitor id, keyed by a
key derived from the server's secret for this purpose only (so it is never a user token or a link signature).
Holding the widget key is not enough to read a visitor's history: the token is, and only this server makes
one. An id that already talked to the robot gets no new token (409), so an id seen somewhere cannot be claimed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.models import ChatSession
from huida.errors import Conflict, Unauthenticated, bad_request

CHANNEL = "widget"
_PURPOSE = b"huida widget visitor token v1"
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Visitor:
    tenant_id: int
    robot_id: str
    visitor_id: str

    @property
    def session_key(self) -> str:
        """Who shares a conversation: this visitor, on this channel only (an API user of the same id does not)."""
        return f"{CHANNEL}:{self.visitor_id}"


def _signature(secret: str, robot_id: str, visitor_id: str) -> str:
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, f"{robot_id}\n{visitor_id}".encode(), hashlib.sha256).hexdigest()


def check_visitor_id(visitor_id: str) -> str:
    if not VISITOR_ID.match(visitor_id or ""):
        raise bad_request("visitorId: 16-64 characters of letters, digits, '-' and '_'", "INVALID_VISITOR_ID")
    return visitor_id


def issue_token(session: Session, secret: str, tenant_id: int, robot_id: str, visitor_id: str) -> str:
    """A token for a visitor id that never talked to this robot through the widget."""
    check_visitor_id(visitor_id)
    seen = session.scalar(select(ChatSession.id).where(
        ChatSession.robot_id == robot_id, ChatSession.tenant_id == tenant_id, ChatSession.channel == CHANNEL,
        ChatSession.user_id == visitor_id).limit(1))
    if seen is not None:
        raise Conflict("VISITOR_TAKEN", "this visitorId has talked to the robot already: present its token, "
                                        "or make up a new id")
    return f"{visitor_id}.{_signature(secret, robot_id, visitor_id)}"


def read_token(secret: str, tenant_id: int, robot_id: str, token: str | None) -> Visitor:
    """The visitor a token names, for this key's robot; 401 when it is missing, forged or another robot's."""
    if not token:
        raise Unauthenticated("VISITOR_TOKEN_REQUIRED",
                              "X-Huida-Visitor-Token is required (POST /widget/v1/visitors gives one)")
    visitor_id, _, signature = token.partition(".")
    if not VISITOR_ID.match(visitor_id) or not hmac.compare_digest(
            signature, _signature(secret, robot_id, visitor_id)):
        raise Unauthenticated("VISITOR_TOKEN_INVALID", "the visitor token is not valid for this widget key's robot")
    return Visitor(tenant_id, robot_id, visitor_id)
