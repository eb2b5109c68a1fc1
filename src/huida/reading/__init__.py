"""Conversation reading and search (seed 002) over every Huida conversation, for people and AI agents.

List a chat's messages (by chat id or a visitor's open id) with time filters and keyset pages, expand a
thread (a question and its replies), search across conversations (Chinese words found inside sentences
through a jieba term index kept in the writing transaction), download a message's resources. The same four
operations are MCP tools (`huida mcp`, `huida.mcp`).

Channels describe a visitor message's files in `Message.extra["files"]` and its mentions in
`Message.extra["mentions"]` (`{"id", "key", "name"}`); reading, search and resource download use them.
"""
