"""The resources a message carries (pure): what its content marks up and what may be downloaded.

Channels describe the files of a visitor message in `Message.extra["files"]` as
`{"key", "kind" (image|file|audio|video), "name", "mime", "store", "sticker"?}` — the Aily-style API stores
its uploads there with store "aily". A robot answer's image is the material it shows (key `img_<media id>`);
the pictures of a news answer are inside a card, which seed 002 does not let anyone download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from huida.conversation.models import Message

IMAGE_PREFIX = "img_"
_MEDIA_URL = re.compile(r"/material/medias/([^/?#]+)/stream")


@dataclass(frozen=True)
class Resource:
    key: str
    kind: str  # image | file | audio | video
    name: str | None = None
    store: str = "media"  # where the bytes are: "media" (materials) or "aily" (uploaded files)
    ident: str = ""  # the id in that store
    in_card: bool = False
    sticker: bool = False

    @property
    def fetch_type(self) -> str:
        """The seed's `type` parameter for this resource: image for images, file for files, audio, video."""
        return "image" if self.kind == "image" else "file"

    @property
    def search_kind(self) -> str:
        """The seed's message_type filter value: file | image | media."""
        return {"image": "image", "audio": "media", "video": "media"}.get(self.kind, "file")


def _media_id(url: Any) -> str | None:
    match = _MEDIA_URL.search(url) if isinstance(url, str) else None
    return match.group(1) if match else None


def _media(media_id: str, *, in_card: bool = False, name: str | None = None) -> Resource:
    return Resource(IMAGE_PREFIX + media_id, "image", name, "media", media_id, in_card=in_card)


def _attached(extra: dict[str, Any]) -> list[Resource]:
    found = []
    for item in extra.get("files") or []:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        kind = item.get("kind") if item.get("kind") in ("image", "file", "audio", "video") else "file"
        found.append(Resource(item["key"], kind, item.get("name"), str(item.get("store") or "aily"),
                              str(item.get("id") or item["key"]), sticker=bool(item.get("sticker"))))
    return found


def answer_resources(body: dict[str, Any]) -> list[Resource]:
    """The resources of a robot answer's content."""
    kind = body.get("type")
    if kind == "img" and (media_id := _media_id(body.get("url"))):
        return [_media(media_id, name=body.get("filename"))]
    if kind == "news":
        ids = [_media_id(a.get(k)) for a in body.get("articles") or [] for k in ("picurl", "thumbUrl")]
        return [_media(i, in_card=True) for i in dict.fromkeys(i for i in ids if i)]
    return []


def message_resources(message: Message) -> list[Resource]:
    resources = _attached(message.extra or {})
    if message.body:
        resources += answer_resources(message.body)
    return resources


def resource_kinds(message: Message) -> set[str]:
    """The message_type filter values a message matches (resources in cards count too: they are shown)."""
    kinds = {r.search_kind for r in message_resources(message)}
    if message.media_type in ("video", "audio"):
        kinds.add("media")
    return kinds
