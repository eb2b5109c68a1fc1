"""Image answers on Feishu: each Huida media is uploaded once per app (im/v1/images) and its image_key kept."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from huida.channels.feishu.apps import ChannelInfo
from huida.channels.feishu.client import FeishuApi
from huida.channels.feishu.models import FeishuImage
from huida.db import Database, now_ms
from huida.errors import DomainError
from huida.materials.service import get_media

_TABLE = FeishuImage.__table__
_INSERT_ONCE = {
    name: module.insert(_TABLE).on_conflict_do_nothing(index_elements=["channel_pk", "media_id"])
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


def cached_key(db: Database, channel_pk: int, media_id: str) -> str | None:
    with db.read() as session:
        return session.scalar(select(FeishuImage.image_key).where(FeishuImage.channel_pk == channel_pk,
                                                                  FeishuImage.media_id == media_id))


def image_keys(db: Database, channel: ChannelInfo, api: FeishuApi) -> Callable[[str], str | None]:
    """media id -> image_key, uploading on first use; None when the media no longer exists."""

    def key_for(media_id: str) -> str | None:
        cached = cached_key(db, channel.pk, media_id)
        if cached:
            return cached
        try:
            with db.read() as session:
                media = get_media(session, channel.tenant_id, media_id, load="data")
                data, filename, content_type = media.data, media.filename, media.content_type
        except DomainError:
            return None
        key = api.upload_image(data, filename, content_type)
        with db.session() as session:
            statement = _INSERT_ONCE[session.get_bind().dialect.name]
            session.execute(statement, {"channel_pk": channel.pk, "media_id": media_id, "image_key": key,
                                        "created_at": now_ms()})
        return cached_key(db, channel.pk, media_id) or key  # a concurrent upload may have won: use the kept one

    return key_for
