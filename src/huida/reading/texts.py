"""The error texts of seed 002's "common errors" table, in its English and Chinese wording, and the codes
Huida answers them with. One place, so the API, the MCP tools and the tests say the same thing."""

from __future__ import annotations

BOTH_IDS = "open_id and chat_id cannot be provided at the same time (open_id 和 chat_id 不能同时提供)"
NO_ID = "either chat_id or open_id must be provided (chat_id 和 open_id 必须二选一)"
BOTH_TIME_FORMS = ("relative_time and start_time/end_time cannot be used at the same time "
                   "(relative_time 和 start_time/end_time 不能同时使用)")
NO_P2P = "no one-to-one conversation found with open_id={open_id} (未找到与 open_id={open_id} 的单聊会话)"
BAD_THREAD_ID = "thread_id must be in the omt_xxx format, got {thread_id!r} (确认 thread_id 为 omt_xxx 格式)"
KEY_NOT_IN_MESSAGE = ("file_key {file_key} does not belong to message {message_id}: use a file_key taken from "
                      "that message's content (确认 file_key 来自该 message_id)")
NO_PERMISSION = ("permission denied: this token cannot read the conversations of tenant {tenant_id} "
                 "(权限不足：确认已授权且是会话成员)")
NO_FILTER = ("search needs at least one filter: query, sender_ids, chat_id, mention_ids, message_type, chat_type "
             "or a time filter (至少提供一个过滤条件)")
BAD_RELATIVE_TIME = ("relative_time {value!r} is not one of today, yesterday, day_before_yesterday, this_week, "
                     "last_week, this_month, last_month or last_{{N}}_{{minutes|hours|days}}")
BAD_INSTANT = "{name} must be an ISO 8601 time such as 2026-01-02T15:04:05+08:00, got {value!r}"
START_AFTER_END = "start_time must not be later than end_time"
BAD_PAGE_TOKEN = "page_token is invalid or belongs to another listing or sort_rule; start again without it"
STICKER = "stickers cannot be downloaded (不支持下载表情包)"
IN_CARD = "resources inside cards cannot be downloaded (不支持下载卡片中的资源)"
TOO_LARGE = "the resource is larger than 100 MB (文件大小限制 100MB)"
WRONG_TYPE = "file_key {file_key} is {kind}: use type={expected}"

# errorCode values (Easemob envelope).
INVALID = "INVALID_PARAMETER"
CHAT_NOT_FOUND = "CHAT_NOT_FOUND"
THREAD_NOT_FOUND = "THREAD_NOT_FOUND"
MESSAGE_NOT_FOUND = "MESSAGE_NOT_FOUND"
RESOURCE_NOT_IN_MESSAGE = "RESOURCE_NOT_IN_MESSAGE"
RESOURCE_REFUSED = "RESOURCE_NOT_DOWNLOADABLE"
PERMISSION_DENIED = "PERMISSION_DENIED"
