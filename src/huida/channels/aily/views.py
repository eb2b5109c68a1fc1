"""Messages of an Aily-style session in seed 001's shape, built from the message store in batches.

A visitor message is a USER message (its Aily row has the raw content, files and mentions); the robot's
answer is an ASSISTANT message whose content is the MDX rendering of the answer. Times are epoch
milliseconds as strings. Files carry signed preview URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from huida.channels.aily.files import file_content_path, file_view, media_content_path, signed_url
from huida.channels.aily.models import AilyFile, AilyMessage, AilyRun, AilySession
from huida.conversation.models import Message
from huida.conversation.reply import Image
from huida.conversation.stored import content_of
from huida.materials.links import MaterialLinks
from huida.reading.markdown import content_markdown

IDENTITY_PROVIDER = "AILY"


@dataclass(frozen=True)
class Links:
    """What signed URLs need: the server's secret and its public base URL ("" gives server-relative URLs)."""

    secret: str
    base_url: str

    def file(self, file_id: str) -> dict[str, str]:
        return signed_url(self.secret, self.base_url, file_content_path(file_id))

    def media(self, media_id: str) -> str:
        return signed_url(self.secret, self.base_url, media_content_path(media_id))["url"]


def _sender(entity_id: str, sender_type: str) -> dict[str, str]:
    return {"entity_id": entity_id, "identity_provider": IDENTITY_PROVIDER, "sender_type": sender_type,
            "aily_id": entity_id}


def _image(links: Links) -> Callable[[Image], str]:
    def render(part: Image) -> str:
        name = part.filename or "image"
        return f"![{name}]({links.media(part.media_id)})" if part.found else f"![{name}]({part.media_id})"

    return render


@dataclass(frozen=True)
class _Batch:
    posted: dict[str, AilyMessage]
    runs: dict[str, str]
    files: dict[str, AilyFile]


def _batch(session: Session, messages: Sequence[Message]) -> _Batch:
    ids = [m.id for m in messages]
    posted = {row.message_id: row for row in session.scalars(
        select(AilyMessage).options(undefer(AilyMessage.content)).where(AilyMessage.message_id.in_(ids)))}
    runs: dict[str, str] = {}
    for run_id, message_id, reply_id in session.execute(
            select(AilyRun.id, AilyRun.message_id, AilyRun.reply_id)
            .where(or_(AilyRun.message_id.in_(ids), AilyRun.reply_id.in_(ids))).order_by(AilyRun.pk)):
        runs[message_id] = run_id  # the latest run that answered the message
        if reply_id:
            runs[reply_id] = run_id
    file_ids = {f for row in posted.values() for f in row.file_ids or []}
    files = {f.id: f for f in session.scalars(select(AilyFile).where(AilyFile.id.in_(file_ids)))} if file_ids else {}
    return _Batch(posted, runs, files)


def _user(message: Message, posted: AilyMessage, batch: _Batch, links: Links) -> dict[str, Any]:
    files = [file_view(batch.files[f], links.file(f)) for f in posted.file_ids or [] if f in batch.files]
    return {"content_type": posted.content_type, "content": posted.content, "files": files,
            "quote_message_id": posted.quote_message_id, "sender": _sender(message.sender_id, "USER"),
            "mentions": list(posted.mentions or [])}


def _assistant(message: Message, links: Links) -> dict[str, Any]:
    paths = MaterialLinks(message.tenant_id)
    content = (content_markdown(content_of(message), _image(links), lambda article: paths.article(article.id))
               if message.body else message.text)
    return {"content_type": "MDX", "content": content, "files": [], "quote_message_id": None,
            "sender": _sender(message.sender_id, "ASSISTANT"), "mentions": []}


def message_views(session: Session, links: Links, aily: AilySession, messages: Sequence[Message]) -> list[dict]:
    batch = _batch(session, messages)
    views = []
    for message in messages:
        posted = batch.posted.get(message.id)
        body = _user(message, posted, batch, links) if posted else _assistant(message, links)
        views.append({"id": message.id, "session_id": aily.id, "run_id": batch.runs.get(message.id, ""), **body,
                      "plain_text": message.text, "created_at": str(message.created_at), "status": "COMPLETED"})
    return views
