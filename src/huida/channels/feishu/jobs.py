"""The `feishu.reply` job: ask the robot, render the answer, reply on Feishu; retried through the outbox.

Each run is idempotent: the ask carries the Feishu message id (or the click's event id) as its dedupe key,
so a rerun gets the stored answer and its msgId again, and the reply carries that msgId as Feishu's `uuid`,
so Feishu shows it once. The transfer-human webhook event is emitted once, with the delivery flag that says
so, in the transaction recording the attempt.

Retry schedule (before jitter): 5 s, 15 s, 45 s, 2.3 min, 6.8 min, 20 min, 1 h — 8 attempts over ~1.5 h;
a rate limit waits what Feishu's x-ogw-ratelimit-reset says instead.
"""

from __future__ import annotations

import logging
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huida.channels.feishu import deliveries, handover, texts
from huida.channels.feishu.apps import ChannelInfo, snapshot
from huida.channels.feishu.client import FeishuApi, FeishuError, api_for
from huida.channels.feishu.deliveries import REPLY, Attempt
from huida.channels.feishu.events import MEDIA_TYPES, TEXT_TYPES, Mention, mentions_bot, question_text
from huida.channels.feishu.images import image_keys
from huida.channels.feishu.models import PENDING, SENT, SKIPPED, FeishuChannel, FeishuDelivery
from huida.channels.feishu.outbound import OutMessage, Style, canned, render
from huida.conversation.reply import Reply
from huida.conversation.service import AskRequest, conversation_service
from huida.conversation.welcome import greeting_for
from huida.errors import DomainError, NotFound
from huida.jobs import JobContext, PermanentError, RetryableError, RetryPolicy, handler
from huida.materials.links import material_links

log = logging.getLogger("huida.feishu")

FEISHU_RETRY = RetryPolicy(max_attempts=8, base_delay=5.0, factor=3.0, max_delay=3600.0, jitter=0.2)


@dataclass(frozen=True)
class Work:
    channel: ChannelInfo
    delivery_id: str
    kind: str
    event_id: str
    source_message_id: str
    chat_id: str
    chat_type: str
    open_id: str
    request: dict[str, Any]


class Skip(Exception):
    """Nothing to reply (a group message not addressed to the bot, a kind of message Huida ignores)."""


def _load(job: JobContext) -> Work | None:
    with job.db.read() as session:
        row = session.scalar(select(FeishuDelivery).where(FeishuDelivery.delivery_id == job.payload.get("deliveryId")))
        if row is None or row.state != PENDING or row.job_id != job.id:
            return None  # deleted with its channel, or already answered by an earlier run
        channel = session.get(FeishuChannel, row.channel_pk)
        if channel is None:
            return None
        return Work(snapshot(channel), row.delivery_id, row.kind, row.event_id, row.source_message_id, row.chat_id,
                    row.chat_type, row.open_id, dict(row.request or {}))


def _stable_uuid(work: Work, what: str) -> str:
    """The Feishu `uuid` of a reply that has no Huida msgId (canned texts), the same on every run."""
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"huida:feishu:{work.channel.channel_id}:{work.event_id}:{what}"))


def _ask(job: JobContext, work: Work, *, question: str = "", knowledge_id: str | None = None) -> Reply:
    service = conversation_service(job.app)
    dedupe = work.source_message_id if work.kind == "message" else f"card:{work.event_id}"
    request = AskRequest(
        tenant_id=work.channel.tenant_id, robot_id=work.channel.robot_id, user_id=work.open_id, question=question,
        type="MENU_CLICK" if knowledge_id else "TEXT", knowledge_id=knowledge_id, origin_type="feishu",
        channel="feishu", visitor_key=f"feishu:{work.chat_id}:{work.open_id}", chat_id=work.chat_id,
        chat_type=work.chat_type, dedupe_key=dedupe, handover_event="channel",
        extra={"feishu": {"channelId": work.channel.channel_id, "messageId": work.source_message_id,
                          "eventId": work.event_id, "chatId": work.chat_id}},
    )
    return service.ask(request)


def bot_open_id(job: JobContext, channel: ChannelInfo, api: FeishuApi) -> str:
    """The bot's open_id: cached on the channel row (shared by every process), else asked of Feishu once."""
    if channel.bot_open_id:
        return channel.bot_open_id
    open_id, name = api.bot_info()
    with job.db.session() as session:
        # Not touching updated_at: that would restart the channel's long connection.
        session.execute(update(FeishuChannel).where(FeishuChannel.pk == channel.pk,
                                                    FeishuChannel.app_id == channel.app_id)
                        .values(bot_open_id=open_id, bot_name=name))
    return open_id


def _message_reply(job: JobContext, work: Work, api: FeishuApi, progress: dict[str, Any]) -> OutMessage:
    request = work.request
    kind = str(request.get("messageType") or "")
    if kind in MEDIA_TYPES:
        return canned(texts.TEXT_ONLY, _stable_uuid(work, "text-only"))
    if kind not in TEXT_TYPES:
        raise Skip(f"message type {kind!r} is not answered")
    mentions = [Mention(*m) for m in request.get("mentions") or []]
    bot = work.channel.bot_open_id
    if work.chat_type == "group":
        bot = bot_open_id(job, work.channel, api)
        if not mentions_bot(mentions, bot):
            raise Skip("group message without an @ to the bot")
    question = question_text(str(request.get("text") or ""), mentions, bot)
    if not question:  # only "@bot": greet
        service = conversation_service(job.app)
        greeting = greeting_for(service, work.channel.tenant_id, work.channel.robot_id, None, "feishu")
        return canned(greeting.content.text, _stable_uuid(work, "welcome"))
    progress["reply"] = reply = _ask(job, work, question=question)
    return render(reply, _style(job, work), image_keys(job.db, work.channel, api))


def _click_reply(job: JobContext, work: Work, api: FeishuApi, progress: dict[str, Any]) -> OutMessage:
    try:
        reply = _ask(job, work, knowledge_id=str(work.request.get("knowledgeId") or ""))
    except NotFound as exc:
        if exc.code != "KNOWLEDGE_NOT_FOUND":
            raise
        return canned(texts.OPTION_GONE, _stable_uuid(work, "option-gone"))
    progress["reply"] = reply
    return render(reply, _style(job, work), image_keys(job.db, work.channel, api))


def _style(job: JobContext, work: Work) -> Style:
    links = None
    if job.settings.public_base_url:  # Feishu opens only absolute links
        links = material_links(job.app, work.channel.tenant_id)
    return Style(work.chat_type, work.channel.feedback_on_text, links)


def _run(job: JobContext, work: Work, attempt: Attempt, progress: dict[str, Any]) -> None:
    api = api_for(work.channel.app_id, work.channel.app_secret, work.channel.domain)
    try:
        compose = _message_reply if work.kind == "message" else _click_reply
        message = compose(job, work, api, progress)
    except Skip as skip:
        attempt.state, attempt.error = SKIPPED, str(skip)
        return
    attempt.msg_id, attempt.msg_type = message.uuid, message.msg_type
    attempt.reply_message_id = api.reply(work.source_message_id, message.msg_type, message.content, message.uuid)
    attempt.state = SENT


def _finish(job: JobContext, work: Work, attempt: Attempt, progress: dict[str, Any]) -> None:
    def write(session: Session) -> None:
        row = deliveries.record(session, work.delivery_id, attempt)
        if row is not None and progress.get("reply") is not None:
            handover.emit_once(session, row, work.channel, progress["reply"])

    job.finish_with(write)


def _give_up(session: Session, job: JobContext, error: str) -> None:
    deliveries.give_up(session, str(job.payload.get("deliveryId")), error)


@handler(REPLY, retry=FEISHU_RETRY, on_failure=_give_up)
def reply(job: JobContext) -> None:
    work = _load(job)
    if work is None:
        return
    attempt = Attempt(job.attempt)
    progress: dict[str, Any] = {}
    _finish(job, work, attempt, progress)  # recorded whatever happens below
    try:
        _run(job, work, attempt, progress)
    except FeishuError as exc:
        attempt.code, attempt.error = exc.code, str(exc)
        if exc.permanent:
            raise PermanentError(str(exc)) from exc
        raise RetryableError(str(exc), retry_after=exc.retry_after) from exc
    except DomainError as exc:  # the robot or its knowledge is gone: asking again cannot help
        attempt.error = f"{exc.code}: {exc.description}"
        raise PermanentError(attempt.error) from exc
    except Exception as exc:
        attempt.error = f"{type(exc).__name__}: {exc}"
        raise
