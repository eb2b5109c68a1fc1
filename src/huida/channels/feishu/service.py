"""Feishu channel apps of a tenant: create, read, update, delete. Every lookup is scoped by tenant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.channels.feishu.models import FeishuChannel
from huida.db import now_ms
from huida.errors import InvalidInput, conflict, not_found
from huida.robots.service import get_robot
from huida.timefmt import format_datetime

NAMED_DOMAINS = ("feishu", "lark")
_DIRECT = ("name", "app_id", "app_secret", "encrypt_key", "verification_token", "mode", "enabled")


@dataclass(frozen=True)
class ChannelChanges:
    """Fields to set; None leaves a field as it is. An empty encryptKey or verificationToken clears it."""

    name: str | None = None
    robot_id: str | None = None
    app_id: str | None = None
    app_secret: str | None = None
    encrypt_key: str | None = None
    verification_token: str | None = None
    domain: str | None = None
    mode: str | None = None
    enabled: bool | None = None
    feedback_on_text: bool | None = None


def origin_problem(url: str) -> str | None:
    """Why the SDK's client would refuse `url` as its domain (the rules of lark_oapi.client._validate_domain,
    restated so that this check does not import the SDK), or None."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("https", "http"):
        return "the scheme must be https"
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        return "plain http is only allowed on loopback"
    if not parts.netloc or not host:
        return "no host"
    if "@" in parts.netloc:
        return "credentials in the URL"
    if parts.path or parts.query or parts.fragment:
        return "an origin (scheme://host[:port]) has no path, query or fragment"
    return None


def clean_domain(domain: str) -> str:
    """feishu, lark, or an API origin the SDK accepts (https; http only on loopback, for tests)."""
    domain = domain.strip()
    if domain in NAMED_DOMAINS:
        return domain
    problem = origin_problem(domain.rstrip("/"))
    if problem:
        raise InvalidInput("INVALID_DOMAIN", f"domain must be feishu, lark or an https origin: {problem}")
    return domain.rstrip("/")


def get_channel(session: Session, tenant_id: int, channel_id: str) -> FeishuChannel:
    row = session.scalar(select(FeishuChannel).where(FeishuChannel.channel_id == channel_id,
                                                     FeishuChannel.tenant_id == tenant_id))
    if row is None:
        raise not_found("channel", channel_id)
    return row


def list_channels(session: Session, tenant_id: int) -> list[FeishuChannel]:
    return list(session.scalars(select(FeishuChannel).where(FeishuChannel.tenant_id == tenant_id)
                                .order_by(FeishuChannel.pk)))


def _flush(session: Session) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise conflict("this Feishu app is already bound to a channel", "APP_ALREADY_BOUND") from exc


def create_channel(session: Session, tenant_id: int, changes: ChannelChanges) -> FeishuChannel:
    row = FeishuChannel(tenant_id=tenant_id, name="", encrypt_key="", verification_token="", domain="feishu",
                        mode="webhook", enabled=True, options={})
    apply_changes(session, row, changes)
    session.add(row)
    _flush(session)
    return row


def apply_changes(session: Session, row: FeishuChannel, changes: ChannelChanges) -> FeishuChannel:
    if changes.robot_id is not None:
        row.robot_id = get_robot(session, row.tenant_id, changes.robot_id).robot_id
    credentials = (changes.app_id, changes.app_secret, changes.domain)
    if any(value is not None for value in credentials):
        row.bot_open_id = row.bot_name = None  # another app, or another place: learn the bot again
    for name in _DIRECT:
        value = getattr(changes, name)
        if value is not None:
            setattr(row, name, value)
    if changes.domain is not None:
        row.domain = clean_domain(changes.domain)
    if changes.feedback_on_text is not None:
        row.options = {**(row.options or {}), "feedbackOnText": changes.feedback_on_text}
    row.updated_at = max(now_ms(), (row.updated_at or 0) + 1)  # a long connection restarts on any change
    if row.pk is not None:
        _flush(session)
    return row


def secret_hint(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) >= 12 else "****"


def event_path(channel_id: str) -> str:
    return f"/channels/feishu/{channel_id}/events"


def channel_entity(row: FeishuChannel, public_base_url: str = "") -> dict[str, Any]:
    return {
        "channelId": row.channel_id, "tenantId": row.tenant_id, "robotId": row.robot_id, "name": row.name,
        "appId": row.app_id, "appSecretHint": secret_hint(row.app_secret), "domain": row.domain, "mode": row.mode,
        "enabled": row.enabled, "encryptKeySet": bool(row.encrypt_key),
        "verificationTokenSet": bool(row.verification_token),
        "feedbackOnText": bool((row.options or {}).get("feedbackOnText")),
        "botOpenId": row.bot_open_id, "botName": row.bot_name,
        "eventUrl": f"{public_base_url.rstrip('/')}{event_path(row.channel_id)}",
        "createDateTime": format_datetime(row.created_at), "lastUpdateDateTime": format_datetime(row.updated_at),
    }
