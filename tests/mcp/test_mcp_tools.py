"""An AI agent reads Huida's conversations through MCP: the SDK's stdio client against `huida mcp` run as a
subprocess on a SQLite file, next to a live server that wrote the conversations."""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp import Client, StdioServerParameters
from tests.channels.aily.helpers import Aily, tenant_client
from tests.conversation.helpers import ask, png
from tests.support.client import new_tenant
from tests.support.server import start_server

TOOLS = {"huida_get_messages", "huida_get_thread_messages", "huida_search_messages", "huida_fetch_resource"}


@dataclass
class Store:
    url: str
    tenant_id: int
    bob_chat: str
    aily_session: str
    photo: bytes
    other_chat: str  # another tenant's conversation in the same database


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite file with a tenant's conversations, written through the real APIs."""
    url = f"sqlite:///{tmp_path_factory.mktemp('mcp') / 'huida.db'}"
    with start_server(url, tmp_path_factory.mktemp("mcp-data")) as server, new_tenant(server) as api, \
            new_tenant(server) as other:
        robot = api.new_robot("客服")
        bob = ask(api, robot, "我想问一下项目进度怎么样了", user="bob")
        aily: Aily = tenant_client(api, robot)
        session = aily.new_session()["id"]
        photo = png(40, 30)
        file = aily.call("POST", "/files", files={"file": ("截图.png", photo, "image/png")}).json()["data"]["file"]
        aily.ask(session, "这是订单截图，请帮我看看", file_ids=[file["id"]])
        theirs = ask(other, other.new_robot("别家客服"), "别家的保密合同编号", user="bob")
        yield Store(url, api.tenant_id, bob["sessionId"], session, photo, theirs["sessionId"])


def _params(store: Store) -> StdioServerParameters:
    command = ["-c", "from huida.cli import main; main()", "mcp", "--tenant", str(store.tenant_id), "--db", store.url]
    return StdioServerParameters(command=sys.executable, args=command, env={"PYTHONPATH": os.pathsep.join(sys.path)})


def _json(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def _error(result: Any) -> str:
    assert result.is_error, result.content
    return result.content[0].text


async def _tools(store: Store) -> dict[str, str]:
    async with Client(_params(store)) as client:
        return {tool.name: tool.description or "" for tool in (await client.list_tools()).tools}


def test_the_tools_teach_the_seeds_rules(store: Store) -> None:
    tools = anyio.run(_tools, store)
    assert set(tools) == TOOLS
    get, thread = tools["huida_get_messages"], tools["huida_get_thread_messages"]
    search = tools["huida_search_messages"]
    assert "exactly one of chat_id" in get and "infer a relative_time" in get and "never both" in get
    assert "has_more" in get and "page_token" in get and "huida_get_thread_messages" in get
    assert "omt_" in thread and "page_size 10" in thread and "create_time_desc" in thread
    assert "at least one filter" in search and "chat_partner" in search
    assert "100 MB" in tools["huida_fetch_resource"] and "inside cards" in tools["huida_fetch_resource"]


async def _conversation(store: Store, save_to: Path) -> None:
    async with Client(_params(store)) as client:
        page = _json(await client.call_tool("huida_get_messages", {"chat_id": store.aily_session}))
        question = next(i for i in page["items"] if i["sender"]["sender_type"] == "user")
        assert question["content"].startswith("这是订单截图") and "![image](file_" in question["content"]
        # Expand the thread, as the seed recommends.
        thread = _json(await client.call_tool("huida_get_thread_messages", {
            "thread_id": question["thread_id"], "page_size": 10, "sort_rule": "create_time_desc"}))
        assert [i["sender"]["sender_type"] for i in thread["items"]] == ["bot", "user"]
        # Search across conversations; follow has_more.
        hits = _json(await client.call_tool("huida_search_messages", {"query": "项目进度"}))
        assert hits["items"][0]["chat_id"] == store.bob_chat and hits["items"][0]["chat_partner"]["open_id"] == "bob"
        first = _json(await client.call_tool("huida_get_messages", {"open_id": "bob", "page_size": 1}))
        rest = _json(await client.call_tool("huida_get_messages", {"open_id": "bob", "page_size": 1,
                                                                   "page_token": first["page_token"]}))
        assert first["has_more"] and first["items"] != rest["items"]
        # The image, inline and saved.
        key = question["content"].split("![image](")[1].split(")")[0]
        image = await client.call_tool("huida_fetch_resource", {"message_id": question["message_id"],
                                                                "file_key": key, "type": "image"})
        assert not image.is_error and base64.b64decode(image.content[1].data) == store.photo
        saved = await client.call_tool("huida_fetch_resource", {"message_id": question["message_id"], "file_key": key,
                                                                "type": "image", "save_path": str(save_to)})
        assert "saved" in saved.content[0].text and save_to.read_bytes() == store.photo
        await _mistakes(client, question["message_id"])
        await _only_its_tenant(client, store)


async def _mistakes(client: Client, message_id: str) -> None:
    both = await client.call_tool("huida_get_messages", {"chat_id": "x", "open_id": "y"})
    assert "open_id and chat_id cannot be provided at the same time" in _error(both)
    times = await client.call_tool("huida_search_messages", {"query": "订单", "relative_time": "today",
                                                             "start_time": "2026-01-01"})
    assert "relative_time and start_time/end_time cannot be used at the same time" in _error(times)
    assert "omt_xxx" in _error(await client.call_tool("huida_get_thread_messages", {"thread_id": "t1"}))
    assert "at least one filter" in _error(await client.call_tool("huida_search_messages", {}))
    assert "no one-to-one conversation found with open_id=nobody" in _error(
        await client.call_tool("huida_get_messages", {"open_id": "nobody"}))
    wrong = await client.call_tool("huida_fetch_resource", {"message_id": message_id, "file_key": "file_other",
                                                            "type": "file"})
    assert "does not belong to message" in _error(wrong)


async def _only_its_tenant(client: Client, store: Store) -> None:
    """The server serves one tenant: another tenant's chat is not found, its words and visitors are not there."""
    assert "chat not found" in _error(await client.call_tool("huida_get_messages", {"chat_id": store.other_chat}))
    assert _json(await client.call_tool("huida_search_messages", {"query": "保密合同"}))["items"] == []
    mine = _json(await client.call_tool("huida_get_messages", {"open_id": "bob"}))["items"]
    assert {i["chat_id"] for i in mine} == {store.bob_chat}


def test_an_agent_reads_a_conversation(store: Store, tmp_path: Path) -> None:
    anyio.run(_conversation, store, tmp_path / "downloads" / "截图.png")
