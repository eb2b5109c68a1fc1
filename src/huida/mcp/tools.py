"""What the MCP tools tell an agent: seed 002's rules, in the words an agent acts on."""

from __future__ import annotations

INSTRUCTIONS = """\
Huida holds every customer-service conversation of this tenant: visitors talking to robots through the open \
API, Feishu chats and Aily-style sessions, and the agents who took over. These tools only read.
- To read one conversation use huida_get_messages with exactly one of chat_id (a chat or session id) or open_id \
(a visitor id: their one-to-one conversation). Prefer chat_id when you have it.
- When the user does not say when, infer a relative_time that surely covers what they care about (e.g. \
"this morning" -> today, "recently" -> last_7_days); when they do, use their times. Never send relative_time \
together with start_time/end_time.
- page_size is 1-50 (default 50). When has_more is true and the user needs the complete result, call again with \
the page_token you got (same other parameters); for an overview the first page usually suffices.
- A message with thread_id belongs to a thread (a visitor's question and the replies to it). To understand the \
context, fetch its latest replies with huida_get_thread_messages (page_size 10, sort_rule create_time_desc); \
fetch all replies when the user asks for the complete discussion; skip it for a quick overview.
- huida_search_messages searches across conversations (needs at least one filter).
- Content marks resources as ![image](img_xxx) or <file key="file_xxx" .../> (also <audio/>, <video/>): \
download one with huida_fetch_resource using that message's message_id and the key.
"""

GET_MESSAGES = """\
List the messages of one conversation, newest first by default.
Give exactly one of chat_id (a chat: an Aily-style session id, a Feishu chat id oc_xxx, or a Huida session id) \
or open_id (a visitor id; resolves to that visitor's one-to-one conversation). Both, or neither, is an error.
Time filter: relative_time (today, yesterday, day_before_yesterday, this_week, last_week, this_month, \
last_month, or last_{N}_{minutes|hours|days} such as last_30_minutes, last_3_days) OR start_time/end_time \
(ISO 8601, e.g. 2026-01-02T09:00:00+08:00) — never both. If the user gives no time, infer a relative_time \
wide enough to cover what they ask about; give none to read the whole history.
page_size 1-50 (default 50). If has_more is true and complete results are needed, call again with page_token \
(keep sort_rule and the other parameters). sort_rule: create_time_desc (default) or create_time_asc.
Messages with thread_id are part of a thread: expand it with huida_get_thread_messages for context."""

GET_THREAD = """\
List the messages of one thread: a visitor's question (the thread root) and every reply to it (the robot's \
answer, agents' replies). thread_id looks like omt_xxx and comes from a message's thread_id field.
No time filter (threads are read by pages only). For context, read the latest 10 replies: page_size 10, \
sort_rule create_time_desc. For the whole discussion, follow has_more with page_token."""

SEARCH = """\
Search messages across every conversation of the tenant, newest first. Give at least one filter:
query (words to find in the text; Chinese words are found inside sentences), sender_ids (visitor, robot or \
agent ids), chat_id (limit to one chat), mention_ids (ids of people @-mentioned), message_type (file | image | \
media: messages carrying such a resource), sender_type (user = visitors and agents, bot = the robot, all; \
default user), chat_type (group | p2p), and the time filter of huida_get_messages (relative_time OR \
start_time/end_time, never both). Infer a time range when the user implies one.
Each hit adds chat_id, chat_type, chat_name and, for one-to-one chats, chat_partner (the visitor's open_id and \
name). page_size 1-50; follow has_more with page_token for more."""

FETCH_RESOURCE = """\
Download a resource of a message: an image marked ![image](img_xxx) or ![image](file_xxx) in the content \
(type=image), or a file, audio or video marked <file key="file_xxx"/>, <audio key=.../>, <video key=.../> \
(type=file). message_id must be the message whose content shows that key. Limit 100 MB; stickers and images \
inside cards (news answers) cannot be downloaded. Images come back as image content; other files as an \
embedded resource, or written to save_path when you give one."""
