"""Downloading a resource of a message (seed 002 §5): only a key that message carries, at most 100 MB,
never a sticker nor a picture inside a card."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.conversation.models import Message
from huida.errors import InvalidInput, NotFound
from huida.reading import texts
from huida.reading.resources import Resource, message_resources
from huida.reading.stores import stored_file

MAX_BYTES = 100 * 1024 * 1024
FETCH_TYPES = ("image", "file")


@dataclass(frozen=True)
class Download:
    data: bytes
    mime_type: str
    file_name: str


def _invalid(description: str, code: str = texts.INVALID) -> InvalidInput:
    return InvalidInput(code, description)


def _resource(session: Session, tenant_id: int, message_id: str, file_key: str) -> Resource:
    message = session.scalar(select(Message).where(Message.id == message_id, Message.tenant_id == tenant_id))
    if message is None:
        raise NotFound(texts.MESSAGE_NOT_FOUND, f"message not found: {message_id}")
    found = next((r for r in message_resources(message) if r.key == file_key), None)
    if found is None:
        raise _invalid(texts.KEY_NOT_IN_MESSAGE.format(file_key=file_key, message_id=message_id),
                       texts.RESOURCE_NOT_IN_MESSAGE)
    return found


def _check(resource: Resource, fetch_type: str) -> None:
    if resource.sticker:
        raise _invalid(texts.STICKER, texts.RESOURCE_REFUSED)
    if resource.in_card:
        raise _invalid(texts.IN_CARD, texts.RESOURCE_REFUSED)
    if resource.fetch_type != fetch_type:
        raise _invalid(texts.WRONG_TYPE.format(file_key=resource.key, kind=f"a {resource.kind}",
                                               expected=resource.fetch_type))


def _bytes(session: Session, tenant_id: int, resource: Resource) -> Download | None:
    found = stored_file(session, tenant_id, resource.store, resource.ident)
    if found is None:
        return None
    if found.size > MAX_BYTES:  # checked before the bytes are read
        raise _invalid(texts.TOO_LARGE, texts.RESOURCE_REFUSED)
    return Download(found.data(), found.mime_type, found.file_name)


def fetch_resource(session: Session, tenant_id: int, message_id: str, file_key: str, fetch_type: str) -> Download:
    if fetch_type not in FETCH_TYPES:
        raise _invalid(f"type must be image or file, got {fetch_type!r}")
    resource = _resource(session, tenant_id, message_id, file_key)
    _check(resource, fetch_type)
    download = _bytes(session, tenant_id, resource)
    if download is None:
        raise NotFound(texts.MESSAGE_NOT_FOUND, f"the resource {file_key} no longer exists")
    return download

