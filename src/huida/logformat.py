"""One log record, one line: the formatter every Huida process logs through (cli/base.py setup_logging).

Anything a client sends (a path segment, a user id, a question) may end up in a log message, and a line
break in it would start a line of its own: `POST /channels/feishu/abc%0a2026-12-07 00:00:00,000 ERROR ...`
wrote a forged record. So the formatted line, the message after %-formatting with its args, is escaped
(huida.safetext.log_escape: CR, LF, the other C0 controls, DEL, C1 such as NEL, U+2028 and U+2029), in this
one place rather than at every log call.

Tracebacks keep their line breaks, or nobody could read them; they are produced by the server, but the
message of an exception may quote request text, so every traceback line is escaped on its own and indented
with a marker: no traceback line can pass for a record (records start at column 0 with their timestamp).
"""

from __future__ import annotations

import logging
from typing import IO, Any

from huida.safetext import log_escape

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
CONTINUATION = "  | "


def _continued(text: str) -> str:
    return "\n".join(CONTINUATION + log_escape(line) for line in text.split("\n"))


class EscapingFormatter(logging.Formatter):
    """A logging.Formatter whose records are one line each, plus an indented traceback when they carry one."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return log_escape(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return _continued(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _continued(super().formatStack(stack_info))


def log_handler(stream: IO[str]) -> logging.Handler:
    """A stream handler writing escaped records in Huida's format."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter(LOG_FORMAT))
    return handler
