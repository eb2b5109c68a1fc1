"""`huida reindex` rebuilds the search terms of stored messages (what migration 0005 does for messages written
before the index existed)."""

from __future__ import annotations

from sqlalchemy import delete
from typer.testing import CliRunner

from huida.cli import app
from huida.reading.models import MessageTerm
from tests.conversation.helpers import ask
from tests.support.client import Api


def test_a_lost_index_is_rebuilt(api: Api) -> None:
    robot = api.new_robot()
    ask(api, robot, "请问信用卡还款日是哪天", user="zoe")
    assert api.ok("GET", "/conversations/search", params={"query": "还款"})["items"]
    with api.server.ctx.db.session() as session:
        session.execute(delete(MessageTerm).where(MessageTerm.tenant_id == api.tenant_id))
    assert api.ok("GET", "/conversations/search", params={"query": "还款"})["items"] == []
    result = CliRunner().invoke(app, ["reindex", "--tenant", str(api.tenant_id), "--db", api.server.ctx.db.url])
    assert result.exit_code == 0, result.output
    assert "indexed 2 messages" in result.output
    [hit] = api.ok("GET", "/conversations/search", params={"query": "还款"})["items"]
    assert hit["sender"]["id"] == "zoe"
