"""`huida mcp`: conversation reading and search (seed 002) as Model Context Protocol tools over stdio.

The server reads the database directly for one tenant (whoever can start it can read the database anyway),
through the same service functions as the HTTP API, so rules, errors and pages are the same.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import BlobResourceContents, ContentBlock, EmbeddedResource, ImageContent, TextContent
from pydantic import Field

from huida import __version__
from huida.db import Database
from huida.errors import DomainError
from huida.mcp import tools
from huida.reading import service
from huida.reading.service import MessagesQuery, SearchQuery, Times

Text = Annotated[str | None, Field(description="optional")]
PageSize = Annotated[int, Field(ge=1, le=50, description="1-50, default 50")]
SortRule = Literal["create_time_desc", "create_time_asc"]


def _call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Huida's errors become tool errors the agent reads (and can correct), not protocol failures."""
    try:
        return function(*args, **kwargs)
    except DomainError as exc:
        raise ToolError(exc.description) from None


def _resource_content(download: service.Download, message_id: str, file_key: str,
                      save_path: str | None) -> list[ContentBlock]:
    summary = f"{download.file_name} ({download.mime_type}, {len(download.data)} bytes)"
    if save_path:
        target = Path(save_path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(download.data)
        return [TextContent(text=f"saved {summary} to {target}")]
    encoded = base64.b64encode(download.data).decode()
    if download.mime_type.startswith("image/"):
        return [TextContent(text=summary), ImageContent(data=encoded, mime_type=download.mime_type)]
    blob = BlobResourceContents(uri=f"huida://messages/{message_id}/resources/{file_key}",
                                mime_type=download.mime_type, blob=encoded)
    return [TextContent(text=summary), EmbeddedResource(resource=blob)]


def build_server(db: Database, tenant_id: int) -> MCPServer:
    server = MCPServer(name="huida", title="Huida conversations", instructions=tools.INSTRUCTIONS,
                       version=__version__)

    @server.tool(name="huida_get_messages", description=tools.GET_MESSAGES)
    def get_messages(chat_id: Text = None, open_id: Text = None, relative_time: Text = None,
                     start_time: Text = None, end_time: Text = None, page_size: PageSize = 50,
                     page_token: Text = None, sort_rule: SortRule = "create_time_desc") -> dict[str, Any]:
        query = MessagesQuery(chat_id, open_id, Times(relative_time, start_time, end_time), page_size, page_token,
                              sort_rule)
        return _call(service.get_messages, db, tenant_id, query)

    @server.tool(name="huida_get_thread_messages", description=tools.GET_THREAD)
    def get_thread_messages(thread_id: Annotated[str, Field(description="omt_xxx")], page_size: PageSize = 50,
                            page_token: Text = None, sort_rule: SortRule = "create_time_desc") -> dict[str, Any]:
        return _call(service.get_thread_messages, db, tenant_id, thread_id, page_size=page_size,
                     page_token=page_token, sort_rule=sort_rule)

    @server.tool(name="huida_search_messages", description=tools.SEARCH)
    def search_messages(query: Text = None, sender_ids: list[str] | None = None, chat_id: Text = None,
                        mention_ids: list[str] | None = None,
                        message_type: Literal["file", "image", "media"] | None = None,
                        sender_type: Literal["user", "bot", "all"] = "user",
                        chat_type: Literal["group", "p2p"] | None = None, relative_time: Text = None,
                        start_time: Text = None, end_time: Text = None, page_size: PageSize = 50,
                        page_token: Text = None) -> dict[str, Any]:
        search = SearchQuery(query, tuple(sender_ids or ()), chat_id, tuple(mention_ids or ()), message_type,
                             sender_type, chat_type, Times(relative_time, start_time, end_time), page_size, page_token)
        return _call(service.search_messages, db, tenant_id, search)

    @server.tool(name="huida_fetch_resource", description=tools.FETCH_RESOURCE)
    def fetch_resource(message_id: str, file_key: str, type: Literal["image", "file"],
                       save_path: Text = None) -> list[ContentBlock]:
        download = _call(service.get_resource, db, tenant_id, message_id, file_key, type)
        return _resource_content(download, message_id, file_key, save_path)

    return server
