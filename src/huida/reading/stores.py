"""Where the bytes of a message's resource are: the materials store, and any store a channel registers.

A resource names its store (`Resource.store`): "media" for the robot's materials, or a channel's own store
(the Aily-style API keeps its uploads apart). Channels register their stores as `huida.file_stores` entry
points (pyproject.toml), so reading names no channel and imports none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.materials.models import Media

GROUP = "huida.file_stores"


@dataclass(frozen=True)
class StoredFile:
    size: int
    mime_type: str
    file_name: str
    data: Callable[[], bytes]  # read only once the size was found acceptable


FileStore = Callable[[Session, int, str], StoredFile | None]  # (session, tenant id, id) -> the file, if any


def media_file(session: Session, tenant_id: int, ident: str) -> StoredFile | None:
    row = session.scalar(select(Media).where(Media.id == ident, Media.tenant_id == tenant_id))
    if row is None:
        return None
    return StoredFile(row.size, row.content_type, row.filename, lambda: row.data)


@cache
def file_stores() -> dict[str, FileStore]:
    stores: dict[str, FileStore] = {"media": media_file}
    for point in entry_points(group=GROUP):
        stores[point.name] = point.load()
    return stores


def stored_file(session: Session, tenant_id: int, store: str, ident: str) -> StoredFile | None:
    """The file, or None when it is gone or its store is unknown here."""
    find = file_stores().get(store)
    return find(session, tenant_id, ident) if find else None
