"""An ask decides before it takes the writer's turn, and decides again when its conversation moved meanwhile.

The decision reads the visitor's session without a lock (conversation/service.py); the write locks it and
compares. Here the unlocked read is made stale on purpose (as if another answer in the same session landed
between the read and the write): the third identical question must still be recognised as a repeat, which
only the session's current state can tell.
"""

from __future__ import annotations

import pytest

from huida.conversation import service as service_module
from huida.conversation.service import AskRequest, conversation_service
from huida.conversation.sessions import SeenSession
from tests.conversation.conftest import Shop


def ask(shop: Shop, question: str, user: str = "stale") -> dict[str, str | None]:
    reply = conversation_service(shop.api.server.ctx).ask(AskRequest(
        tenant_id=shop.api.tenant_id, robot_id=shop.robot, user_id=user, question=question))
    return {"answerType": reply.answer_type, "sessionId": reply.session_id}


def test_a_stale_read_is_decided_again_under_the_lock(own_shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ask(own_shop, "运费怎么算")
    assert ask(own_shop, "运费怎么算")["answerType"] != "REPEAT"
    plans = []
    real_plan = service_module.ConversationService._plan
    monkeypatch.setattr(service_module, "peek_session", lambda *_: SeenSession())  # "no answer yet" (stale)
    monkeypatch.setattr(service_module.ConversationService, "_plan",
                        lambda self, *args: plans.append(args) or real_plan(self, *args))
    third = ask(own_shop, "运费怎么算")
    assert third == {"answerType": "REPEAT", "sessionId": first["sessionId"]}
    assert len(plans) == 2  # decided on the stale read, then again on the locked session


def test_a_fresh_read_is_decided_once(own_shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    ask(own_shop, "运费怎么算", user="fresh")
    plans = []
    real_plan = service_module.ConversationService._plan
    monkeypatch.setattr(service_module.ConversationService, "_plan",
                        lambda self, *args: plans.append(args) or real_plan(self, *args))
    assert ask(own_shop, "怎么开发票", user="fresh")["answerType"] != "REPEAT"
    assert ask(own_shop, "怎么开发票", user="new visitor")["answerType"]
    assert len(plans) == 2  # one decision per ask, for a continued session and a new one alike
