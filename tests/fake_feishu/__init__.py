"""A fake Feishu (HTTP open platform + long-connection websocket) that the real lark-oapi SDK talks to."""

from tests.fake_feishu.server import FakeFeishu, Recorded, Sent
from tests.fake_feishu.wire import FakeApp, buttons, card_action_event, card_texts, mention, message_event

__all__ = ["FakeApp", "FakeFeishu", "Recorded", "Sent", "buttons", "card_action_event", "card_texts", "mention",
           "message_event"]
