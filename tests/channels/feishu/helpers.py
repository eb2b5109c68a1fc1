"""A Huida channel bound to a fake Feishu app, and the conversations tests have through it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from huida.channels.feishu.models import FeishuChannel, FeishuDelivery, FeishuSeen
from huida.jobs.models import Job
from tests.fake_feishu import FakeApp, FakeFeishu, Sent, buttons, card_action_event, message_event
from tests.support.client import Api
from tests.support.receiver import wait_until


def channels_path(api: Api) -> str:
    # Spelled out: the test client reads paths starting with /channels as absolute (the event callback).
    return f"/v10/tenants/{api.tenant_id}/channels/feishu"


def new_user() -> str:
    return f"ou_{uuid.uuid4().hex[:16]}"


def message_id(payload: dict[str, Any]) -> str:
    return payload["event"]["message"]["message_id"]


def chat_id(payload: dict[str, Any]) -> str:
    return payload["event"]["message"]["chat_id"]


@dataclass
class Bot:
    api: Api
    fake: FakeFeishu
    app: FakeApp
    channel: dict[str, Any]
    robot: str

    @property
    def channel_id(self) -> str:
        return self.channel["channelId"]

    @property
    def url(self) -> str:
        return f"{self.api.server.base_url}/channels/feishu/{self.channel_id}/events"

    def send(self, payload: dict[str, Any], **seal: Any) -> httpx.Response:
        return self.fake.deliver(self.url, self.app, payload, **seal)

    def say(self, text: str, *, chat_type: str = "p2p", user: str | None = None, chat: str | None = None,
            mentions: list[dict[str, Any]] | None = None, **event: Any) -> dict[str, Any]:
        """A text message from a visitor; asserts Feishu got its 200."""
        return self.post_message({"text": text}, chat_type=chat_type, user=user, chat=chat, mentions=mentions,
                                 **event)

    def post_message(self, content: dict[str, Any], *, message_type: str = "text", chat_type: str = "p2p",
                     user: str | None = None, chat: str | None = None, mentions: list[dict[str, Any]] | None = None,
                     **event: Any) -> dict[str, Any]:
        payload = message_event(self.app, content=content, message_type=message_type, chat_type=chat_type,
                                sender=user or new_user(), chat_id=chat, mentions=mentions, **event)
        response = self.send(payload)
        assert response.status_code == 200, response.text
        return payload

    def reply(self, payload_or_id: dict[str, Any] | str, timeout: float = 30.0) -> Sent:
        """The (one) reply to a message, waiting for it."""
        target = payload_or_id if isinstance(payload_or_id, str) else message_id(payload_or_id)
        return wait_until(lambda: next(iter(self.fake.replies_to(target)), None), timeout=timeout,
                          message=f"a reply to {target}")

    def click(self, card: Sent, label: str, user: str, **event: Any) -> httpx.Response:
        """Clicks the button `label` of a card the bot sent, as Feishu's card callback."""
        value = next(v for text, v, _url in buttons(card.content) if text == label)
        payload = card_action_event(self.app, value=value, open_id=user, message_id=card.message_id,
                                    chat_id=card.chat_id, **event)
        return self.send(payload)

    def deliveries(self, **params: Any) -> list[dict[str, Any]]:
        return self.api.ok("GET", f"{channels_path(self.api)}/{self.channel_id}/deliveries", params=params)

    def settled(self, timeout: float = 30.0) -> list[dict[str, Any]]:
        """The delivery log once nothing is pending any more."""
        return wait_until(lambda: (rows := self.deliveries(size=100)) and
                          all(r["state"] != "pending" for r in rows) and rows, timeout=timeout,
                          message="deliveries settled")


def bind(api: Api, fake: FakeFeishu, robot: str, *, encrypted: bool = True, token: bool = True,
         **fields: Any) -> Bot:
    app = fake.new_app(encrypted=encrypted, token=token)
    body = {"name": "飞书客服", "robotId": robot, "appId": app.app_id, "appSecret": app.app_secret,
            "encryptKey": app.encrypt_key, "verificationToken": app.verification_token, "domain": fake.base_url,
            **fields}
    return Bot(api, fake, app, api.ok("POST", channels_path(api), json=body), robot)


def card_json(sent: Sent) -> str:
    return json.dumps(sent.content, ensure_ascii=False)


# -- what the database holds ---------------------------------------------------------------------------

def traces(api: Api, channel_id: str) -> tuple[int, int, int]:
    """(seen keys, deliveries, feishu jobs) of a channel: all zero means a request left no trace."""
    with api.server.ctx.db.session() as session:
        pk = session.scalar(select(FeishuChannel.pk).where(FeishuChannel.channel_id == channel_id))
        seen = session.scalar(select(func.count()).select_from(FeishuSeen).where(FeishuSeen.channel_pk == pk))
        rows = session.scalars(select(FeishuDelivery.job_id).where(FeishuDelivery.channel_pk == pk)).all()
        jobs = session.scalar(select(func.count()).select_from(Job).where(Job.id.in_([j for j in rows if j])))
        return seen or 0, len(rows), jobs or 0
