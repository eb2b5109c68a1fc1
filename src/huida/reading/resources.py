"""The resources a message carries (pure): what its content marks up and what may be downloaded.

Channels describe the files of a visitor message in `Message.extra["files"]` as
`{"key", "kind" (image|file|audio|video), "name", "mime", "store", "sticker"?}` — the Aily-style API stores
its uploads there with store "aily". A robot answer's image is the material it shows (key `img_<media id>`);
the pictures of a news answer are inside a card, which seed 002 does not let anyone download.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from huida.conversation import reply as r
from huida.conversation.models import Message
from huida.conversation.stored import content_of

IMAGE_PREFIX = "img_"


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


def _media(media_id: str, *, in_card: bool = False, name: str | None = None) -> Resource:
    return Resource(IMAGE_PREFIX + media_id, "image", name, "media", media_id, in_card=in_card)


def _attached(extra: dict[str, Any]) -> list[Resource]:
    found = []
    for item in extra.get("files") or []:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        kind = item["kind"] if item.get("kind") in ("image", "file", "audio", "video") else "file"
        found.append(Resource(item["key"], kind, item.get("name"), str(item.get("store") or "aily"),
                              str(item.get("id") or item["key"]), sticker=bool(item.get("sticker"))))
    return found


def answer_resources(content: r.Content) -> list[Resource]:
    """The resources of a robot answer's content: its image, and the pictures inside article cards."""
    found: list[Resource] = []
    for part in r.parts(content):
        if isinstance(part, r.Image) and part.found:
            found.append(_media(part.media_id, name=part.filename))
        elif isinstance(part, r.Articles):
            ids = [i for a in part.articles for i in (a.pic_media_id, a.thumb_media_id) if i]
            found.extend(_media(i, in_card=True) for i in dict.fromkeys(ids))
    return found


def message_resources(message: Message) -> list[Resource]:
    resources = _attached(message.extra or {})
    if message.body:  # only robot answers have one
        resources += answer_resources(content_of(message))
    return resources


def resource_kinds(message: Message) -> set[str]:
    """The message_type filter values a message matches (resources in cards count too: they are shown)."""
    kinds = {res.search_kind for res in message_resources(message)}
    if message.media_type in ("video", "audio"):
        kinds.add("media")
    return kinds
